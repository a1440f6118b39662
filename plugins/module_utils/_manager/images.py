# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image routes that read or change images the engines already hold (pull, load, import: ``image_transfer``).

Which engines hold an image is asked, not guessed: ``GET /images/{name}/json`` on every healthy
engine in parallel, so each engine resolves the reference by its own rules (short ids, digests,
``docker.io/library/`` forms). Inspect, history, save and push then use the first holder (engines
in natural order), tag and rmi act on every holder and answer for all of them; an image nobody
holds answers the engine's own 404. ``docker images`` is answered from the picture (the engines'
lists, kept current by their image events) unless the request asks for something only the engines
compute (``all``, engine filters, shared sizes): then they are asked, in parallel.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from typing import Any, Dict, List, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import EngineResponse
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_response
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.containers import container_for
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import (
    NO_HEALTHY,
    Outcome,
    any_engine,
    combined_failure,
    engines_named,
    healthy_engines,
    node_filter,
    on_engines,
    raise_unless_all_ok,
    reread,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import check_keys
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.image_list import created_window, group_images
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.system import parse_filters

TRUE = ("1", "true", "True")
LIST_FILTERS = ("before", "since", "dangling", "label", "reference", "until", "node")
MANAGER_FILTERS = ("before", "since", "node")


def image_path(name: str, suffix: str = "") -> str:
    """``/images/<name><suffix>`` with the reference quoted for a URL path (its slashes and colons kept)."""
    return "/images/%s%s" % (urllib.parse.quote(name, safe="/:@"), suffix)


def engines_or_fail(cluster: Any) -> List[Any]:
    engines = healthy_engines(cluster)
    if not engines:
        raise ApiError(500, NO_HEALTHY)
    return engines


async def holders(cluster: Any, request: Any, name: str) -> Tuple[List[Outcome], List[Outcome]]:
    """(engines holding ``name`` with their inspect answers, every engine's outcome), engines in natural order."""
    path = image_path(name, "/json")

    def inspect(engine: Any) -> Any:
        return engine.client.request("GET", proxy.engine_path(cluster, request, engine, path))

    outcomes = await on_engines(engines_or_fail(cluster), inspect)
    return [outcome for outcome in outcomes if outcome.ok], outcomes


def nobody_holds(outcomes: List[Outcome]) -> ApiError:
    """The engine's own 404 when every engine that answered lacks the image; else what went wrong."""
    missing = [outcome for outcome in outcomes if outcome.status == 404]
    if missing:
        return ApiError(404, missing[0].message)
    return combined_failure(outcomes)


async def first_holder(cluster: Any, request: Any, name: str) -> Outcome:
    found, outcomes = await holders(cluster, request, name)
    if not found:
        raise nobody_holds(outcomes)
    return found[0]


# --- reading --------------------------------------------------------------------------------------
async def list_(request: Any) -> Any:
    cluster = cluster_of(request)
    query = request.query
    filters = parse_filters(query.get("filters"))
    check_keys(filters, LIST_FILTERS)
    every = healthy_engines(cluster)
    engines = engines_named(every, node_filter(filters))
    window = {key: filters.pop(key) for key in ("before", "since") if key in filters}
    if filters or "filter" in query or query.get("all") in TRUE or query.get("shared-size") in TRUE:
        params = {key: value for key, value in query.items() if key != "filters"}
        if filters:
            params["filters"] = json.dumps(filters)

        def listing(engine: Any) -> Any:
            return engine.client.request("GET", proxy.engine_path(cluster, request, engine, "/images/json"), params=params)

        outcomes = await on_engines(engines, listing)
        refused = [outcome for outcome in outcomes if outcome.answer is not None and 400 <= outcome.status < 500]
        if refused:
            return proxy.relay(refused[0].answer)
        lists = [outcome.answer.json() or [] for outcome in outcomes if outcome.ok]
    else:
        lists = [engine.images for engine in engines]
    images = group_images(lists)
    if window:
        images = created_window(images, group_images(engine.images for engine in every), window)
    return json_response(images)


async def inspect(request: Any) -> Any:
    holder = await first_holder(cluster_of(request), request, request.match_info["name"])
    return proxy.relay(holder.answer)


async def history(request: Any) -> Any:
    cluster = cluster_of(request)
    name = request.match_info["name"]
    holder = await first_holder(cluster, request, name)
    return proxy.relay(await proxy.buffered(cluster, request, holder.engine, image_path(name, "/history")))


async def search(request: Any) -> Any:
    """Passed to one healthy engine, at random (classic); its answer, whatever it is, goes back verbatim."""
    cluster = cluster_of(request)
    return proxy.relay(await proxy.buffered(cluster, request, any_engine(cluster), "/images/search"))


# --- changing -------------------------------------------------------------------------------------
async def on_holders(request: Any, suffix: str, what: str) -> List[Outcome]:
    """The request on every engine that holds the image (the same method, query and suffix), its images read
    again; raises the engines' refusal (or 404 when nobody holds it)."""
    cluster = cluster_of(request)
    name = request.match_info["name"]
    found, outcomes = await holders(cluster, request, name)
    if not found:
        raise nobody_holds(outcomes)
    path = image_path(name, suffix)

    def call(engine: Any) -> Any:
        return engine.client.request(request.method, proxy.engine_path(cluster, request, engine, path), params=request.query)

    results = await on_engines([holder.engine for holder in found], call)
    await reread([result.engine for result in results if result.ok], "images")
    raise_unless_all_ok(results, what)
    return results


async def tag(request: Any) -> Any:
    """Tagged on every engine that holds the image (classic), so the new name exists wherever the image does."""
    return proxy.relay((await on_holders(request, "/tag", "tagged"))[0].answer)


async def remove(request: Any) -> Any:
    """Removed from every engine that holds it; the answer lists what each engine untagged and deleted."""
    merged: List[Dict[str, Any]] = []
    for result in await on_holders(request, "", "removed"):
        for item in _json_list(result.answer):
            if item not in merged:
                merged.append(item)
    return json_response(merged)


def _json_list(answer: EngineResponse) -> List[Any]:
    try:
        data = answer.json()
    except ValueError:
        return []
    return data if isinstance(data, list) else []


async def commit(request: Any) -> Any:
    """`docker commit`: on the container's engine, with the container's full id."""
    cluster = cluster_of(request)
    record = container_for(cluster, request.query.get("container") or "")
    params = dict(request.query, container=record.id)
    answer = await proxy.buffered(cluster, request, record.engine, "/commit", params=params,
                                  timeout=cluster.config.request_timeout * 4)
    if answer.status < 400:
        await reread([record.engine], "images")
    return proxy.relay(answer)


# --- streams out of one engine --------------------------------------------------------------------
async def save_one(request: Any) -> Any:
    """`GET /images/{name}/get` from an engine that holds it."""
    cluster = cluster_of(request)
    name = request.match_info["name"]
    holder = await first_holder(cluster, request, name)
    return await proxy.stream(cluster, request, holder.engine, image_path(name, "/get"))


async def save(request: Any) -> Any:
    """`docker save a b`: from an engine that holds every image named."""
    cluster = cluster_of(request)
    names = request.query.getall("names", [])
    if not names:
        raise ApiError(400, "docker save needs at least one image (names=...)")
    found = await asyncio.gather(*(holders(cluster, request, name) for name in names))
    for (holding, outcomes), name in zip(found, names):
        if not holding:
            raise nobody_holds(outcomes)
    common = set.intersection(*({id(outcome.engine) for outcome in holding} for holding, _outcomes in found))
    candidates = [outcome.engine for outcome in found[0][0] if id(outcome.engine) in common]
    if not candidates:
        raise ApiError(404, "Unable to find a healthy node containing all images: %s (save them one node at a time "
                            "with node filters, or from one engine directly)" % ", ".join(names))
    return await proxy.stream(cluster, request, candidates[0], "/images/get")


async def push(request: Any) -> Any:
    """`docker push`: from an engine that holds the tag, with the client's registry credentials."""
    cluster = cluster_of(request)
    name = request.match_info["name"]
    wanted_tag = request.query.get("tag")
    holder = await first_holder(cluster, request, "%s:%s" % (name, wanted_tag) if wanted_tag else name)
    return await proxy.stream(cluster, request, holder.engine, image_path(name, "/push"))
