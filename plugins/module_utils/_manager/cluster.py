# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's cluster: engines from discovery, the live picture, the event bus, the placement lock.

Classic Swarm's cluster driver. It owns the engine clients (one aiohttp session shared by the TCP
engines, with the manager's TLS context), adds and removes engines as discovery changes, turns
engine state changes into ``engine_connect``/``engine_disconnect``/``engine_reconnect`` events, and
remembers which engine each exec id belongs to.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import (
    DEFAULT_API_VERSION,
    AsyncEngineClient,
    aiohttp_module,
    min_version,
    new_session,
    version_tuple,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.tls_context import client_ssl_context
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import ManagerConfig
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine import Engine
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.events import EventBus, manager_event
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.picture import Picture

LOG = logging.getLogger("dockyard.swarm.manager.cluster")
EXEC_MEMORY = 10000
PING_RATE = 100.0


class Cluster:
    """Everything the API handlers read and change."""

    def __init__(self, config: ManagerConfig) -> None:
        self.config = config
        self.picture = Picture()
        self.bus = EventBus()
        self.settings = placement.Settings(strategy=config.strategy, filters=config.filters, overcommit=config.overcommit)
        self.options = config.engine_options
        self.ssl_context = client_ssl_context(self.options)
        self.lock = asyncio.Lock()
        self.exec_engines: "collections.OrderedDict[str, str]" = collections.OrderedDict()
        self.session: Any = None
        self.tasks: List["asyncio.Task[Any]"] = []
        self._api_version: Optional[Tuple[int, str]] = None
        self.validations: Optional[asyncio.Semaphore] = None

    @property
    def engines(self) -> Dict[str, Engine]:
        return self.picture.engines

    def _session(self) -> Any:
        if self.session is None:
            aiohttp = aiohttp_module()
            connector = aiohttp.TCPConnector(ssl=self.ssl_context if self.ssl_context is not None else False,
                                             limit=0, limit_per_host=64, keepalive_timeout=60)
            self.session = new_session(connector)
        return self.session

    def client_for(self, addr: str) -> AsyncEngineClient:
        session = None if addr.startswith("unix://") else self._session()
        return AsyncEngineClient(addr, self.options, ssl_context=self.ssl_context, session=session,
                                 request_timeout=self.config.request_timeout)

    def start_discovery(self, environ: Optional[Dict[str, str]] = None) -> None:
        from ansible_collections.dockyard.swarm.plugins.module_utils._manager.discovery_watch import watch_discovery

        self.tasks.append(asyncio.ensure_future(watch_discovery(self, self.config.discovery, self.config.discovery_params,
                                                                self.config.heartbeat, environ)))

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except BaseException:  # cancelled: shutting down
                pass
        for addr in list(self.engines):
            await self.remove_engine(addr, announce=False)
        if self.session is not None:
            await self.session.close()

    # --- engines -------------------------------------------------------------------------------
    async def sync_engines(self, addrs: Iterable[str]) -> None:
        """Make the engine set equal to a discovery listing: removals first, then additions (classic)."""
        wanted = list(dict.fromkeys(addrs))
        for addr in [a for a in self.engines if a not in wanted]:
            await self.remove_engine(addr)
        for addr in wanted:
            if addr not in self.engines:
                self.add_engine(addr)

    def add_engine(self, addr: str) -> Engine:
        if self.validations is None:
            self.validations = asyncio.Semaphore(max(1, self.config.validation_concurrency))
        engine = Engine(addr, self.client_for(addr), self.picture, self.bus.publish,
                        failure_retry=self.config.failure_retry, refresh_min=self.config.refresh_min,
                        refresh_max=self.config.refresh_max, on_state=self.on_engine_state, quiet=self.quiet,
                        ping_timeout=self.config.ping_timeout, validations=self.validations)
        self.picture.add_engine(engine)
        LOG.info("engine %s added from discovery (pending validation)", addr)
        engine.start()
        return engine

    async def remove_engine(self, addr: str, announce: bool = True) -> None:
        engine = self.picture.engines.get(addr)
        if engine is None:
            return
        was_validated = engine.health.validated
        self.picture.remove_engine(addr)
        await engine.stop()
        LOG.info("engine %s (%s) removed: no longer in discovery", engine.name, addr)
        if announce and was_validated:
            self.bus.publish(manager_event("engine_disconnect", engine.node_info))

    def quiet(self) -> float:
        """How long an engine may stay silent before it is pinged: ``engine_quiet``, longer in big
        clusters so that the pings stay under PING_RATE a second in all."""
        return max(self.config.engine_quiet, len(self.engines) / PING_RATE)

    def on_engine_state(self, engine: Engine, action: str) -> None:
        self.bus.publish(manager_event(action, engine.node_info))

    # --- facts for the API ---------------------------------------------------------------------
    def healthy_engines(self) -> List[Engine]:
        return [engine for engine in self.engines.values() if engine.healthy]

    def api_version(self) -> str:
        """The lowest API version among healthy engines (what every engine can serve). Every response
        carries it, so it is computed once per change of the engine set or of an engine's health
        (an engine's API version is only negotiated while it is validated, which is such a change)."""
        generation = self.picture.generation
        if self._api_version is None or self._api_version[0] != generation:
            lowest = min_version(*(engine.api_version for engine in self.healthy_engines())) or DEFAULT_API_VERSION
            self._api_version = (generation, lowest)
        return self._api_version[1]

    def min_api_version(self) -> str:
        versions = [str(engine.version.get("MinAPIVersion")) for engine in self.healthy_engines()
                    if engine.version.get("MinAPIVersion")]
        return max(versions, key=version_tuple) if versions else "1.12"

    def engine_version(self, engine: Engine, requested: Optional[str]) -> Optional[str]:
        """The version to speak to ``engine`` for a client that asked for ``requested`` (capped to the engine's)."""
        if not requested:
            return engine.api_version
        return min_version(requested, engine.api_version) if engine.api_version else requested

    def remember_exec(self, exec_id: str, engine: Engine) -> None:
        self.exec_engines[exec_id] = engine.addr
        while len(self.exec_engines) > EXEC_MEMORY:
            self.exec_engines.popitem(last=False)

    def exec_engine(self, exec_id: str) -> Optional[Engine]:
        addr = self.exec_engines.get(exec_id)
        return self.engines.get(addr) if addr else None

    def engine_names(self) -> List[str]:
        return [engine.name for engine in self.engines.values()]
