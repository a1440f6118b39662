# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container routes: list and create from the picture and the scheduler, the rest on the container's engine.

A container is named the way classic resolved it (full or short id, Swarm id, name, `/name`,
`node/name`, unique prefix). Calls that change a container re-read it before answering, so the
next `docker ps` already shows the change; removal drops it from the picture at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, connections_of, json_response, requested_version
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.container_config import BadRequest, decode_json
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.create import conflict, create_container
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError, from_engine
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.listing import CHUNK, UNSPECIFIED, list_containers_yielding
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.picture import NoSuchContainer
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.system import parse_filters
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.upgrade import hijack_request

TRUE = ("1", "true", "True", "yes")
# The docker CLI shows the first name without a slash when there is one: it gets only `/<node>/<name>`
# (classic's `node-1/web` in `docker ps`). Other API clients (community.docker, the Docker SDK, compose) also
# get the engine's `/<name>`, so a lookup of a container by its name in the list finds it.
DOCKER_CLI = "Docker-Client/"


def container_for(cluster: Any, name: str) -> Any:
    """The record a path names; 404 when unknown, 500 when its engine is unhealthy (classic)."""
    try:
        record = cluster.picture.resolve(name)
    except NoSuchContainer as exc:
        raise ApiError(404, str(exc)) from None
    if not record.engine.healthy:
        raise ApiError(500, "Container %s running on unhealthy node %s" % (name, record.engine.name))
    return record


def node_object(engine: Any) -> Dict[str, Any]:
    return {"ID": engine.node_id, "IP": engine.ip, "Addr": engine.addr, "Name": engine.name,
            "Cpus": engine.sched.cpus, "Memory": engine.sched.memory, "Labels": dict(engine.labels)}


async def refresh(record: Any) -> None:
    """Re-read one container after a change (an engine hiccup here never fails the request)."""
    try:
        await record.engine.guarded(record.engine.read_container(record.id))
    except EngineError:
        pass


async def list_(request: Any) -> Any:
    cluster = cluster_of(request)
    query = request.query
    limit_text = query.get("limit")
    try:
        limit = int(limit_text) if limit_text not in (None, "") else None
    except ValueError:
        raise ApiError(400, "invalid limit %r: expected a number" % limit_text) from None
    entries = await list_containers_yielding(cluster.picture, query.get("all") in TRUE, limit,
                                             parse_filters(query.get("filters")),
                                             engine_names=not request.headers.get("User-Agent", "").startswith(DOCKER_CLI))
    if query.get("size") in TRUE and entries:
        await _add_sizes(cluster, entries)
    if len(entries) <= CHUNK:
        return json_response(entries)
    parts = []
    for start in range(0, len(entries), CHUNK):  # ~20 MB for 30,000 containers: encoded a piece at a time
        await asyncio.sleep(0)
        parts.append(json.dumps(entries[start:start + CHUNK])[1:-1].encode("utf-8"))
    web = aiohttp_module().web
    return web.Response(body=b"[" + b", ".join(parts) + b"]", content_type="application/json")


async def _add_sizes(cluster: Any, entries: List[Dict[str, Any]]) -> None:
    """`size=1`: the engines compute sizes; ask only those holding listed containers, in parallel."""
    wanted: Dict[Any, List[str]] = {}
    for entry in entries:
        record = cluster.picture.containers.get(entry["Id"])
        if record is not None and record.engine.healthy:
            wanted.setdefault(record.engine, []).append(entry["Id"])

    async def sizes(engine: Any, ids: List[str]) -> Dict[str, Any]:
        try:
            answer = await engine.guarded(engine.client.call("GET", "/containers/json", params={
                "all": "1", "size": "1", "filters": json.dumps({"id": ids})}))
        except EngineError:
            return {}
        return {item["Id"]: item for item in answer or []}

    found: Dict[str, Any] = {}
    for part in await asyncio.gather(*(sizes(engine, ids) for engine, ids in wanted.items())):
        found.update(part)
    for entry in entries:
        item = found.get(entry["Id"]) or {}
        entry["SizeRw"] = item.get("SizeRw", 0)
        entry["SizeRootFs"] = item.get("SizeRootFs", 0)


async def create(request: Any) -> Any:
    cluster = cluster_of(request)
    try:
        body = decode_json(await request.read())
    except BadRequest as exc:
        raise ApiError(400, str(exc)) from None
    answer = await create_container(cluster, body, request.query.get("name"), requested_version(request),
                                    request.headers.get("X-Registry-Auth"))
    return json_response(answer, status=201)


async def inspect(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    engine = record.engine
    answer = await proxy.buffered(cluster, request, engine, "/containers/%s/json" % record.id)
    if answer.status == 404:
        cluster.picture.drop_container(record.id)
    if answer.status != 200:
        return proxy.relay(answer)
    data = answer.json()
    data["Node"] = node_object(engine)
    for bindings in ((data.get("NetworkSettings") or {}).get("Ports") or {}).values():
        for binding in bindings or []:
            if isinstance(binding, dict) and binding.get("HostIp", "") in UNSPECIFIED and engine.ip:
                binding["HostIp"] = engine.ip
    return json_response(data)


# The state a call leaves a container in, for sure, when the engine says it succeeded: the picture
# takes it at once and the engine's event re-reads the details a moment later (one round trip saved
# on `docker run -d`). Other calls (stop, kill with any signal, update) are re-read before answering.
KNOWN_OUTCOME = {"start": ("running", "Up Less than a second"), "restart": ("running", "Up Less than a second"),
                 "unpause": ("running", None), "pause": ("paused", None)}


def _grace(request: Any, cluster: Any) -> float:
    """stop/restart wait up to ``t`` seconds on the engine: the engine call may take that long and more."""
    try:
        wait_for = float(request.query.get("t") or request.query.get("timeout") or 0)
    except ValueError:
        wait_for = 0.0
    return cluster.config.request_timeout + max(0.0, wait_for)


def _operation(suffix: str, refresh_after: bool = True) -> Any:
    """A small call on the container's engine (start, stop, kill ...): answered once the picture shows its effect."""

    async def handler(request: Any) -> Any:
        cluster = cluster_of(request)
        record = container_for(cluster, request.match_info["name"])
        answer = await proxy.buffered(cluster, request, record.engine, "/containers/%s/%s" % (record.id, suffix),
                                      timeout=_grace(request, cluster))
        if refresh_after and answer.status < 400:
            outcome = KNOWN_OUTCOME.get(suffix)
            if outcome is not None:
                cluster.picture.set_state(record, *outcome)
                engine = record.engine
                engine.refresh_soon("container:" + record.id, lambda: engine.read_container(record.id))
            else:
                await refresh(record)
        return proxy.relay(answer)

    return handler


def _streamed(suffix: str) -> Any:
    """A streamed call on the container's engine (logs, stats, export, archive ...)."""

    async def handler(request: Any) -> Any:
        cluster = cluster_of(request)
        record = container_for(cluster, request.match_info["name"])
        return await proxy.stream(cluster, request, record.engine, "/containers/%s/%s" % (record.id, suffix))

    return handler


async def wait(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    try:
        return await proxy.stream(cluster, request, record.engine, "/containers/%s/wait" % record.id)
    finally:
        await refresh(record)


async def rename(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    new_name = (request.query.get("name") or "").lstrip("/")
    if not new_name:
        raise ApiError(400, "rename needs the new name (?name=...)")
    owner = cluster.picture.name_owner(new_name)
    if owner and owner != record.id:
        raise conflict(new_name, owner)
    answer = await proxy.buffered(cluster, request, record.engine, "/containers/%s/rename" % record.id)
    if answer.status < 400:
        await refresh(record)
    return proxy.relay(answer)


async def remove(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    answer = await proxy.buffered(cluster, request, record.engine, "/containers/%s" % record.id)
    if answer.status in (204, 404):
        record.engine.reservations.pop(record.id, None)
        cluster.picture.drop_container(record.id)
        cluster.picture.mark(record.id)  # a read that began before the removal must not bring it back
    return proxy.relay(answer)


async def attach(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    return await hijack_request(cluster, request, record.engine, "/containers/%s/attach" % record.id,
                                connections_of(request))


async def exec_create(request: Any) -> Any:
    cluster = cluster_of(request)
    record = container_for(cluster, request.match_info["name"])
    answer = await proxy.buffered(cluster, request, record.engine, "/containers/%s/exec" % record.id)
    if answer.status == 201:
        try:
            cluster.remember_exec(answer.json()["Id"], record.engine)
        except (ValueError, KeyError, TypeError):
            raise from_engine(EngineError("Engine %s answered the exec create without an Id" % record.engine.addr)) from None
    return proxy.relay(answer)
