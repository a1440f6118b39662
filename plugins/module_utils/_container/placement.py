# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing a node, checking that a container's node still fits, and the snapshot edits between placements.

The scheduler works on the snapshot's node dicts; placements of one run are added to it as
pending containers (classic Swarm's pendingContainer) so ``replicas`` placed from one snapshot
see each other, and a container being recreated or moved is taken out of it first so it does
not compete with itself for its own ports and CPUs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import Desired, Settings
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Node, SchedulingError, schedule
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.resources import overcommit_ratio, size, with_overcommit


@dataclass
class Placement:
    """Where a container goes and why (the ``placement`` result value)."""

    strategy: str
    filters: Optional[List[str]]
    chosen: Optional[str]
    candidates: List[str] = field(default_factory=list)
    reason: str = ""

    def as_dict(self) -> Dict[str, Any]:
        return {"strategy": self.strategy, "filters": self.filters, "candidates": list(self.candidates),
                "chosen": self.chosen, "reason": self.reason}


def _names(nodes: Sequence[Mapping[str, Any]]) -> str:
    return ", ".join(str(node.get("name")) for node in nodes) or "none"


def load(node: Mapping[str, Any], overcommit: float) -> str:
    """'1 of 2 CPUs and 64 MiB of 1.9 GiB reserved' for a node (capacity includes overcommit)."""
    view = Node(node)
    used_cpus, used_memory = view.usage()
    ratio = overcommit_ratio(overcommit)
    return "%g of %d CPUs and %s of %s reserved" % (
        used_cpus / 1000.0, with_overcommit(view.cpus, ratio), size(used_memory), size(with_overcommit(view.memory, ratio)))


def rank(desired: Desired, nodes: Sequence[Mapping[str, Any]], settings: Settings) -> "tuple[Dict[str, Any], Placement]":
    """The best node for ``desired`` and the placement explanation; SchedulingError when none fits."""
    ids = schedule(desired.request, list(nodes), strategy=settings.strategy, filters=settings.filters,
                   overcommit=settings.overcommit)
    by_id = {node["id"]: node for node in nodes}
    ranked = [by_id[node_id] for node_id in ids]
    chosen = ranked[0]
    dropped = [node for node in nodes if node.get("health") and node["id"] not in ids]
    down = [node for node in nodes if not node.get("health")]
    reason = "%s ranked %s first of %d feasible node(s) (%s); it had %s before this container." % (
        settings.strategy, chosen["name"], len(ranked), _names(ranked), load(chosen, settings.overcommit))
    if dropped:
        reason += " Filtered out: %s." % _names(dropped)
    if down:
        reason += " Unreachable, skipped: %s." % _names(down)
    placement = Placement(settings.strategy, settings.filters, chosen["name"], [node["name"] for node in ranked], reason)
    return dict(chosen), placement


def misfit(desired: Desired, node: Mapping[str, Any], settings: Settings) -> Optional[str]:
    """Why ``node`` (without the container itself) cannot hold ``desired`` any more; None when it can.

    Only the node itself is offered to the scheduler, so soft expressions that it does not meet
    are dropped by the second pass and never move a container that satisfies the hard ones.
    """
    if not node.get("health"):
        return "its engine %s is unreachable" % node.get("addr")
    try:
        schedule(desired.request, [node], strategy=settings.strategy, filters=settings.filters,
                 overcommit=settings.overcommit)
    except SchedulingError as exc:
        return str(exc)
    return None


def kept(node: Mapping[str, Any], settings: Settings, why: str) -> Placement:
    """The placement of a container that stays where it is."""
    return Placement(settings.strategy, settings.filters, str(node.get("name")), [str(node.get("name"))], why)


def without(nodes: Sequence[Dict[str, Any]], container_id: str) -> List[Dict[str, Any]]:
    """The snapshot without one container (copies only the node that held it)."""
    result = []
    for node in nodes:
        containers = node.get("containers") or []
        if any(container.get("id") == container_id for container in containers):
            node = dict(node, containers=[c for c in containers if c.get("id") != container_id])
        result.append(node)
    return result


def pending_container(desired: Desired) -> Dict[str, Any]:
    """A container that is about to be created, in the snapshot's shape (counts for later placements)."""
    request = desired.request
    return {"id": "", "name": desired.name, "image": desired.image or "", "image_id": "", "state": "pending",
            "labels": dict(desired.labels), "cpus": request["cpus"], "memory": request["memory"],
            "network_mode": request["network_mode"], "ports": [dict(port) for port in request["ports"]],
            "exposed_ports": list(request["exposed_ports"]), "volumes_from": list(request["volumes_from"]),
            "links": list(request["links"])}


def with_pending(nodes: Sequence[Dict[str, Any]], node_id: str, desired: Desired) -> List[Dict[str, Any]]:
    """The snapshot with ``desired`` added to node ``node_id`` as a pending container."""
    return [dict(node, containers=list(node.get("containers") or []) + [pending_container(desired)])
            if node["id"] == node_id else node for node in nodes]
