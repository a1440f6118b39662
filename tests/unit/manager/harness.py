# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A manager (cluster + application) in front of fake engines, for API-level unit tests."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator, Dict, List, Optional

from aiohttp.test_utils import TestClient, TestServer

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import build_app
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import ManagerConfig

from .fake_engine import FakeEngine


class Harness:
    def __init__(self, engines: List[FakeEngine], cluster: Cluster, client: TestClient) -> None:
        self.engines = engines
        self.cluster = cluster
        self.client = client

    def engine(self, name: str) -> FakeEngine:
        return next(e for e in self.engines if e.name == name)

    async def json(self, method: str, path: str, status: Optional[int] = None, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, **kwargs)
        body = await response.read()
        if status is not None:
            assert response.status == status, (response.status, body)
        return response.status, (await response.json(content_type=None) if body else None)

    async def until(self, check: Any, timeout: float = 3.0) -> Any:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = check()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not met within %ss" % timeout)
            await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def manager(*engines: FakeEngine, **settings: Any) -> AsyncIterator[Harness]:
    for engine in engines:
        await engine.start()
    options: Dict[str, Any] = {"refresh_min": 30.0, "refresh_max": 60.0}
    options.update(settings)
    config = ManagerConfig(listeners=[], discovery="nodes://" + ",".join(e.addr for e in engines), **options)
    cluster = Cluster(config)
    client = TestClient(TestServer(build_app(cluster)))
    await client.start_server()
    cluster.start_discovery()
    harness = Harness(list(engines), cluster, client)
    try:
        await harness.until(lambda: len(cluster.healthy_engines()) == len(engines))
        for engine in cluster.engines.values():  # the event streams are connected
            await harness.until(lambda e=engine: len(e.tasks) >= 2)
        await harness.until(lambda: all(e.listeners for e in engines))
        yield harness
    finally:
        await client.close()
        await cluster.close()
        for engine in engines:
            await engine.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
