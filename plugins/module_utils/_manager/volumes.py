# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Volume routes, as classic Swarm had them.

`docker volume ls` lists every engine's volumes from the picture; a volume of the ``local`` driver is
``<node>/<name>`` (each engine has its own), one of another driver is listed once by name. Create:
``node/name`` makes it on that node; a ``com.docker.swarm.whitelists`` label (``["node==node-1|node-2"]``)
on the whitelisted nodes; otherwise on every healthy engine, under one name (a random one when none
is given, the same on every engine). A volume that an engine refuses is removed again from the
engines where it was new. Inspect answers the first holder (a volume of another driver before a
local one, then the natural order of node names); rm removes it from every engine that has it.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import node_objects, proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_object, json_response
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import (
    NO_HEALTHY,
    create_everywhere,
    engines_for,
    healthy_engines,
    on_engines,
    on_node,
    raise_unless_all_ok,
    reread,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import boolean_filter, check_keys, filter_values, label_matches
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.system import parse_filters
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, gather_expressions

LIST_FILTERS = ("dangling", "driver", "label", "name", "node")
Found = node_objects.Found


def is_local(volume: Mapping[str, Any]) -> bool:
    return (volume.get("Driver") or "local") == "local"


def shown_name(engine: Any, volume: Mapping[str, Any]) -> str:
    return node_objects.shown_name(engine, volume, is_local(volume))


def all_volumes(engines: Iterable[Any]) -> List[Found]:
    """Every engine's volumes, a volume of another driver once (by name)."""
    return node_objects.gather(engines, lambda engine: engine.volumes, is_local, "Name")


def used_volumes(records: Iterable[Any]) -> set:
    """(engine address, volume name) of every volume some container (any state) mounts."""
    return {(record.engine.addr, mount.get("Name")) for record in records for mount in record.summary.get("Mounts") or []
            if mount.get("Name")}


def list_volumes(engines: Iterable[Any], filters: Mapping[str, Any], records: Iterable[Any]) -> List[Dict[str, Any]]:
    check_keys(filters, LIST_FILTERS)
    dangling = boolean_filter(filters, "dangling")
    used = used_volumes(records) if dangling is not None else set()
    nodes = set(filter_values(filters, "node"))
    names, drivers, labels = filter_values(filters, "name"), filter_values(filters, "driver"), filter_values(filters, "label")

    def keep(engine: Any, volume: Mapping[str, Any]) -> bool:
        shown = shown_name(engine, volume)
        if nodes and not nodes & {engine.name, engine.node_id, engine.addr}:
            return False
        if names and not any(name in shown for name in names):
            return False
        if drivers and volume.get("Driver") not in drivers:
            return False
        if not all(label_matches(volume.get("Labels") or {}, wanted) for wanted in labels):
            return False
        return dangling is None or dangling == ((engine.addr, volume.get("Name")) not in used)

    return [node_objects.present(engine, volume, is_local(volume)) for engine, volume in all_volumes(engines)
            if keep(engine, volume)]


def find(engines: Iterable[Any], ref: str) -> List[Found]:
    """Volumes named ``name``, ``<node id>/name`` or ``<node>/name``; another driver's before local ones."""
    volumes = all_volumes(engines)
    hits = [(engine, volume) for engine, volume in volumes if volume.get("Name") == ref]
    if not hits:
        node, sep, name = ref.partition("/")
        if sep:
            hits = [(e, v) for e, v in volumes if v.get("Name") == name and node in (e.name, e.node_id)]
    return sorted(hits, key=lambda hit: is_local(hit[1]))


def resolve(cluster: Any, ref: str) -> List[Found]:
    found = find(healthy_engines(cluster), ref)
    if not found:
        raise ApiError(404, "get %s: no such volume" % ref)
    return found


async def list_(request: Any) -> Any:
    cluster = cluster_of(request)
    filters = parse_filters(request.query.get("filters"))
    return json_response({"Volumes": list_volumes(healthy_engines(cluster), filters, cluster.picture.records()),
                          "Warnings": None})


async def inspect(request: Any) -> Any:
    cluster = cluster_of(request)
    engine, volume = resolve(cluster, request.match_info["name"])[0]
    answer = await proxy.buffered(cluster, request, engine, "/volumes/%s" % volume["Name"])
    return proxy.renamed(answer, lambda data: shown_name(engine, data))


def _targets(cluster: Any, body: Dict[str, Any]) -> Tuple[List[Any], str, bool]:
    """(engines, the name each engine gets, whether the answer names the node) for a create body."""
    name = str(body.get("Name") or "")
    engine, bare = on_node(cluster, name) if name else (None, name)
    if engine is not None:
        return [engine], bare, True
    engines = healthy_engines(cluster)
    if not engines:
        raise ApiError(500, NO_HEALTHY)
    try:
        whitelists = gather_expressions({"labels": body.get("Labels") or {}})["whitelists"]
    except SchedulingError as exc:
        raise ApiError(400, "volume Labels: %s" % exc) from None
    return engines_for(engines, {"whitelists": whitelists}), name or os.urandom(32).hex(), False


async def create(request: Any) -> Any:
    cluster = cluster_of(request)
    body = await json_object(request)
    engines, name, on_one_node = _targets(cluster, body)
    existed = {id(engine) for engine in engines if any(v.get("Name") == name for v in engine.volumes)}
    outcomes = await create_everywhere(cluster, request, engines, "volumes", dict(body, Name=name),
                                       lambda made: None if id(made.engine) in existed else "/volumes/%s" % name)
    data = outcomes[0].answer.json()
    if on_one_node:
        data["Name"] = shown_name(engines[0], data)
    return json_response(data, status=outcomes[0].status)


async def remove(request: Any) -> Any:
    cluster = cluster_of(request)
    found = resolve(cluster, request.match_info["name"])
    names = {id(engine): volume["Name"] for engine, volume in found}

    def delete(engine: Any) -> Any:
        return engine.client.request("DELETE", proxy.engine_path(cluster, request, engine, "/volumes/%s" % names[id(engine)]),
                                     params=request.query)

    outcomes = await on_engines([engine for engine, _volume in found], delete)
    await reread([outcome.engine for outcome in outcomes], "volumes")
    raise_unless_all_ok(outcomes, "removed")
    return proxy.relay(outcomes[0].answer)
