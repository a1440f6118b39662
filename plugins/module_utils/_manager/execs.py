# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exec routes: the engine of an exec id is the one its create went to (remembered by the cluster)."""

from __future__ import annotations

import json
from typing import Any

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, connections_of
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.upgrade import hijack_request


def _engine(request: Any) -> Any:
    cluster = cluster_of(request)
    exec_id = request.match_info["exec_id"]
    engine = cluster.exec_engine(exec_id)
    if engine is None:
        raise ApiError(404, "No such exec instance: %s" % exec_id)
    if not engine.healthy:
        raise ApiError(500, "Exec %s runs on unhealthy node %s" % (exec_id, engine.name))
    return engine


async def start(request: Any) -> Any:
    cluster = cluster_of(request)
    engine = _engine(request)
    exec_id = request.match_info["exec_id"]
    body = await request.read()
    try:
        detach = bool(json.loads(body or b"{}").get("Detach"))
    except (ValueError, AttributeError):
        raise ApiError(400, "malformed JSON body for exec start") from None
    if detach:
        return proxy.relay(await proxy.buffered(cluster, request, engine, "/exec/%s/start" % exec_id, body=body))
    return await hijack_request(cluster, request, engine, "/exec/%s/start" % exec_id, connections_of(request))


async def resize(request: Any) -> Any:
    cluster = cluster_of(request)
    engine = _engine(request)
    return proxy.relay(await proxy.buffered(cluster, request, engine, "/exec/%s/resize" % request.match_info["exec_id"]))


async def inspect(request: Any) -> Any:
    cluster = cluster_of(request)
    engine = _engine(request)
    return proxy.relay(await proxy.buffered(cluster, request, engine, "/exec/%s/json" % request.match_info["exec_id"]))
