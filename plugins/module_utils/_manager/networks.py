# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Network routes: the list from the picture, the rest on the engines that hold the network.

`docker network create node-1/backend` creates ``backend`` on node-1 only (classic). A name without
a node creates the network on every healthy engine, with the driver asked for, or the engine's
default (``bridge``) when none is. Classic Swarm defaulted to ``overlay`` and created the network
once, on a node of the scheduler's choice: overlay networks then lived in a cluster store, which
needs Swarm mode on today's engines, and a bridge on one node would pin every container using it to
that node. On every engine, a plain name works wherever the scheduler puts a container (each engine
has its own copy: containers on different nodes do not reach each other through it). When an engine
refuses, the copies already made are removed again, so nothing half-created is left behind.

Connect and disconnect go to the container's engine, to that engine's network of the given name.
"""

from __future__ import annotations

import json
from typing import Any, List

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_object, json_response
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.containers import container_for, refresh
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import (
    NO_HEALTHY,
    create_everywhere,
    healthy_engines,
    on_engines,
    on_node,
    raise_unless_all_ok,
    reread,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.network_list import Found, find, list_networks, not_found, shown_name
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.system import parse_filters


def resolve(cluster: Any, ref: str) -> List[Found]:
    found = find(healthy_engines(cluster), ref)
    if not found:
        raise not_found(ref)
    return found


async def list_(request: Any) -> Any:
    cluster = cluster_of(request)
    filters = parse_filters(request.query.get("filters"))
    return json_response(list_networks(healthy_engines(cluster), filters, cluster.picture.records()))


async def inspect(request: Any) -> Any:
    cluster = cluster_of(request)
    engine, network = resolve(cluster, request.match_info["name"])[0]
    answer = await proxy.buffered(cluster, request, engine, "/networks/%s" % network["Id"])
    return proxy.renamed(answer, lambda data: shown_name(engine, data))


async def create(request: Any) -> Any:
    cluster = cluster_of(request)
    body = await json_object(request)
    name = body.get("Name")
    if not isinstance(name, str) or not name:
        raise ApiError(400, "a network needs a name (Name)")
    engine, bare = on_node(cluster, name)
    engines = [engine] if engine is not None else healthy_engines(cluster)
    if not engines:
        raise ApiError(500, NO_HEALTHY)
    outcomes = await create_everywhere(cluster, request, engines, "networks", dict(body, Name=bare),
                                       lambda made: "/networks/%s" % made.answer.json().get("Id"))
    return proxy.relay(outcomes[0].answer)


async def remove(request: Any) -> Any:
    """Removed from every engine the reference names (a plain name made on every engine: all its copies)."""
    cluster = cluster_of(request)
    found = resolve(cluster, request.match_info["name"])
    ids = {id(engine): network["Id"] for engine, network in found}

    def delete(engine: Any) -> Any:
        return engine.client.request("DELETE", proxy.engine_path(cluster, request, engine, "/networks/%s" % ids[id(engine)]))

    outcomes = await on_engines([engine for engine, _network in found], delete)
    await reread([outcome.engine for outcome in outcomes], "networks")
    raise_unless_all_ok(outcomes, "removed")
    return proxy.relay(outcomes[0].answer)


def _connection(action: str) -> Any:
    """connect/disconnect: on the container's engine, with that engine's network of the name given."""

    async def handler(request: Any) -> Any:
        cluster = cluster_of(request)
        body = await json_object(request)
        record = container_for(cluster, str(body.get("Container") or ""))
        ref = request.match_info["name"]
        found = resolve(cluster, ref)
        here = [network for engine, network in found if engine is record.engine]
        if not here:
            raise ApiError(404, "network %s is on %s, but container %s runs on %s: a network only reaches containers "
                                "of its own node" % (ref, ", ".join(sorted({e.name for e, _n in found})),
                                                     body.get("Container"), record.engine.name))
        data = json.dumps(dict(body, Container=record.id)).encode("utf-8")
        answer = await proxy.buffered(cluster, request, record.engine, "/networks/%s/%s" % (here[0]["Id"], action), body=data)
        if answer.status < 400:
            await refresh(record)
        return proxy.relay(answer)

    return handler


connect = _connection("connect")
disconnect = _connection("disconnect")
