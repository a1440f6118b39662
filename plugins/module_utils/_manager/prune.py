# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`docker container|image|network|volume prune`: on every healthy engine (or those a ``node`` filter
names), the answers merged: the lists of what was deleted joined, ``SpaceReclaimed`` summed. Classic
Swarm did not route prune at all (404); the other filters are the engines' own."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_response
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import (
    Outcome,
    engines_named,
    healthy_engines,
    node_filter,
    on_engines,
    raise_unless_all_ok,
    reread,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.system import parse_filters

PRUNE_TIMEOUT = 300.0


def merge(answers: List[Any]) -> Dict[str, Any]:
    merged: Dict[str, Any] = {}
    for data in answers:
        for key, value in (data or {}).items():
            if key == "SpaceReclaimed":
                merged[key] = merged.get(key, 0) + int(value or 0)
            elif isinstance(value, list):
                merged[key] = (merged.get(key) or []) + value
            else:
                merged.setdefault(key, value)
    return merged


def prune(kind: str, after: Optional[Callable[[Any, List[Outcome]], Awaitable[None]]] = None) -> Any:
    """The handler of ``POST /<kind>/prune``; ``after(cluster, outcomes)`` updates the picture."""
    path = "/%s/prune" % kind

    async def handler(request: Any) -> Any:
        cluster = cluster_of(request)
        filters = parse_filters(request.query.get("filters"))
        engines = engines_named(healthy_engines(cluster), node_filter(filters))
        params = {"filters": json.dumps(filters)} if filters else None

        def prune_on(engine: Any) -> Any:
            return engine.client.request("POST", proxy.engine_path(cluster, request, engine, path), params=params,
                                         timeout=PRUNE_TIMEOUT)

        outcomes = await on_engines(engines, prune_on)
        if after is not None:
            await after(cluster, [outcome for outcome in outcomes if outcome.ok])
        raise_unless_all_ok(outcomes, "pruned")
        return json_response(merge([outcome.answer.json() for outcome in outcomes]))

    return handler


async def _containers_gone(cluster: Any, outcomes: List[Outcome]) -> None:
    for outcome in outcomes:
        for container_id in (outcome.answer.json() or {}).get("ContainersDeleted") or []:
            outcome.engine.reservations.pop(container_id, None)
            cluster.picture.drop_container(container_id)
            cluster.picture.mark(container_id)


def _reread(kind: str) -> Callable[[Any, List[Outcome]], Awaitable[None]]:
    async def after(cluster: Any, outcomes: List[Outcome]) -> None:
        await reread([outcome.engine for outcome in outcomes], kind)

    return after


containers = prune("containers", _containers_gone)
images = prune("images", _reread("images"))
networks = prune("networks", _reread("networks"))
volumes = prune("volumes", _reread("volumes"))
