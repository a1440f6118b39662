# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every use of the scheduler by the manager, in one place.

The live picture keeps one scheduler ``Node`` per engine, changed in place as containers come
and go (``put``/``remove``/``add_pending``), so a placement is one ``place()`` call over nodes that
already exist: no per-request snapshot. ``misfit`` is the cluster-wide exclusion rule shared with
swarm_container: after an engine created a container, that engine's fresh container list,
without the new container, must still be able to take the request; otherwise the new container
steps back (is removed) and is placed again, so two front ends never both keep a placement that
overbooks a node.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    Container,
    Node,
    Request,
    SchedulingError,
    place,
    still_fits,
)

LOG = logging.getLogger("dockyard.swarm.manager.placement")


@dataclass(frozen=True)
class Settings:
    """The manager's scheduling settings (from `manage` flags)."""

    strategy: str = "spread"
    filters: Optional[List[str]] = None
    overcommit: float = 0.05


def new_node(node_id: str, name: str, addr: str) -> Node:
    """An empty node for an engine that is not validated yet (health 0)."""
    return Node(node_id, name=name, addr=addr, health=0)


def set_facts(node: Node, node_id: str, name: str, labels: Mapping[str, str], cpus: int, memory: int) -> None:
    """What `/info` tells about an engine."""
    node.id = node_id
    node.name = name
    node.set_labels(labels)
    node.cpus = int(cpus)
    node.memory = int(memory)


def set_health(node: Node, indicator: int) -> None:
    node.set_health(indicator)


def set_images(node: Node, images: Sequence[Mapping[str, Any]]) -> None:
    node.set_images(images)


def put(node: Node, container: Mapping[str, Any]) -> Optional[Container]:
    """Add or replace a container (a snapshot-shaped dict, as ``_engine.shapes.container_dict`` makes); returns
    the scheduler's typed container, None when it could not be read (it is then left out)."""
    try:
        typed = Container.from_dict(container, node.name)
    except SchedulingError as exc:  # a container the scheduler cannot read must not stop the others
        LOG.warning("node %s: container %s ignored by the scheduler: %s", node.name, container.get("id"), exc)
        node.remove_container(str(container.get("id")))
        return None
    node.replace_container(typed)
    return typed


def remove(node: Node, container_id: str) -> None:
    node.remove_container(container_id)


def request_of(raw: Mapping[str, Any]) -> Request:
    """The typed request (raises SchedulingError for bad expressions, ports or numbers)."""
    return Request(raw)


def add_pending(node: Node, request: Request, labels: Mapping[str, str]) -> Container:
    """Reserve the request on ``node`` until the engine has created it (classic's pending container)."""
    container = Container.pending(request, labels=dict(labels))
    node.add_container(container)
    return container


def remove_pending(node: Node, container: Container) -> None:
    node.remove_container(container)


def choose(request: Request, nodes: Sequence[Node], settings: Settings, exclude: Sequence[str] = ()) -> List[Node]:
    """The nodes that can take ``request``, best first; SchedulingError explains why none can."""
    candidates = [node for node in nodes if node.id not in exclude] if exclude else list(nodes)
    return place(request, candidates, strategy=settings.strategy, filters=settings.filters,
                 overcommit=settings.overcommit)


def matching(request: Request, nodes: Sequence[Node]) -> List[Node]:
    """The nodes whose labels and names pass the request's constraints and whitelists (soft ones as in a
    placement: kept when some node meets them); for calls that act on several engines (pull, volume create)."""
    return place(request, nodes, filters=["constraint", "whitelist"])


def fresh_node(node: Node, containers: Sequence[Any], pending: Sequence[Container]) -> Node:
    """``node`` as its engine lists it right now (plus reservations still being created elsewhere in this manager).
    ``containers`` are snapshot-shaped dicts, or typed containers the picture already holds (values: shared)."""
    fresh = Node(node.id, name=node.name, addr=node.addr, labels=node.labels, cpus=node.cpus, memory=node.memory,
                 health=node.health, images=node.images)
    for container in containers:
        if isinstance(container, Container):
            fresh.add_container(container)
        else:
            put(fresh, container)
    for container in pending:
        fresh.add_container(container)
    return fresh


def misfit(request: Request, node: Node, container_id: Optional[str], settings: Settings) -> Optional[str]:
    """Why ``node`` without ``container_id`` cannot hold ``request``; None when it can."""
    if not node.health:
        node = node.copy()
        node.set_health(100)  # the engine just answered: judge resources and rules, not past failures
    problem = still_fits(request, node, container_id, strategy=settings.strategy, filters=settings.filters,
                         overcommit=settings.overcommit)
    return None if problem is None else str(problem)


def describe_nodes(nodes: Sequence[Node]) -> str:
    return ", ".join(node.name for node in nodes) or "none"


def as_dict(node: Node) -> Dict[str, Any]:
    """A node's reserved resources, for info: (used CPUs, used memory) with the totals."""
    used_m, used_memory = node.usage()
    return {"cpus_used": used_m / 1000.0, "memory_used": used_memory, "containers": node.container_count}
