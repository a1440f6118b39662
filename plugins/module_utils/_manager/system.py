# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""System routes: `_ping`, `version`, `info`, `events`, `auth`."""

from __future__ import annotations

import asyncio
import json
import platform
import time
from typing import Any, Dict, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_response
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.events import event_time, matches
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import any_engine
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.info import info_json
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.version import PLATFORM_NAME, SERVER_VERSION

GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386", "ppc64le": "ppc64le", "s390x": "s390x"}


async def ping(request: Any) -> Any:
    web = aiohttp_module().web
    response = web.Response(text="OK" if request.method != "HEAD" else None, content_type="text/plain")
    response.headers["Ostype"] = "linux"
    response.headers["Docker-Experimental"] = "false"
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response


async def version(request: Any) -> Any:
    cluster = cluster_of(request)
    arch = GO_ARCH.get(platform.machine(), platform.machine())
    api = cluster.api_version()
    return json_response({
        "Platform": {"Name": PLATFORM_NAME},
        "Components": [{"Name": "Engine", "Version": SERVER_VERSION,
                        "Details": {"ApiVersion": api, "MinAPIVersion": cluster.min_api_version(), "Os": "linux",
                                    "Arch": arch, "GitCommit": "", "GoVersion": "python%s" % platform.python_version(),
                                    "KernelVersion": platform.release(), "Experimental": "false", "BuildTime": ""}}],
        "Version": SERVER_VERSION, "ApiVersion": api, "MinAPIVersion": cluster.min_api_version(),
        "GitCommit": "", "GoVersion": "python%s" % platform.python_version(), "Os": "linux", "Arch": arch,
        "KernelVersion": platform.release(), "BuildTime": "",
    })


async def auth(request: Any) -> Any:
    """`docker login`: checked by one healthy engine, at random (classic); it reaches the registry, and its
    answer (200 Login Succeeded, or the registry's refusal) goes back verbatim. Nothing is stored here."""
    cluster = cluster_of(request)
    return proxy.relay(await proxy.buffered(cluster, request, any_engine(cluster), "/auth"))


async def info(request: Any) -> Any:
    web = aiohttp_module().web
    return web.Response(body=info_json(cluster_of(request)), content_type="application/json")


def _timestamp(value: Optional[str], name: str) -> Optional[float]:
    """Docker's since/until: unix seconds with optional fraction (the CLI converts durations and dates)."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise ApiError(400, "invalid %s value %r: expected unix seconds (e.g. 1700000000 or 1700000000.5)" % (name, value)) from None


def parse_filters(text: Optional[str]) -> Dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise ApiError(400, "invalid filters: %r is not JSON" % text) from None
    if not isinstance(value, dict):
        raise ApiError(400, "invalid filters: expected a JSON object")
    return value


async def events(request: Any) -> Any:
    """Replay recent events since ``since``, then stream live ones until ``until`` (or forever)."""
    web = aiohttp_module().web
    cluster = cluster_of(request)
    since = _timestamp(request.query.get("since"), "since")
    until = _timestamp(request.query.get("until"), "until")
    filters = parse_filters(request.query.get("filters"))
    queue = cluster.bus.subscribe()
    try:
        response = web.StreamResponse(status=200)
        response.content_type = "application/json"
        await response.prepare(request)
        replayed = set()
        if since is not None:
            for event in cluster.bus.replay(since, until):
                replayed.add(id(event))
                if matches(event, filters):
                    await response.write(json.dumps(event).encode("utf-8") + b"\n")
        while until is None or time.time() < until:
            timeout = None if until is None else max(0.0, until - time.time())
            try:
                event = await asyncio.wait_for(queue.get(), timeout)
            except asyncio.TimeoutError:
                break
            if id(event) in replayed:
                continue  # published while the replay was written: sent already
            if until is not None and event_time(event) > until:
                break
            if matches(event, filters):
                await response.write(json.dumps(event).encode("utf-8") + b"\n")
        await response.write_eof()
        return response
    finally:
        cluster.bus.unsubscribe(queue)
