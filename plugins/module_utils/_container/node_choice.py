# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing a node and checking that a container's node still fits, on the run's Picture.

Placements of one run are added to the picture as pending containers (classic Swarm's
pendingContainer), so ``replicas`` placed from one snapshot see each other, and a container being
recreated or moved is taken out of it first so it does not compete with itself for its own ports
and CPUs (picture.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import Desired, Settings
from ansible_collections.dockyard.swarm.plugins.module_utils._container.picture import Picture
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Node, Request, place, still_fits
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


def _names(nodes: Sequence[Any]) -> str:
    return ", ".join(str(node.name) for node in nodes) or "none"


def reserved_summary(node: Node, overcommit: float) -> str:
    """'1 of 2 CPUs and 64 MiB of 1.9 GiB reserved' for a node (capacity includes overcommit)."""
    used_cpus, used_memory = node.usage()
    ratio = overcommit_ratio(overcommit)
    return "%g of %d CPUs and %s of %s reserved" % (
        used_cpus / 1000.0, with_overcommit(node.cpus, ratio), size(used_memory), size(with_overcommit(node.memory, ratio)))


def choose_node(request: Request, picture: Picture, settings: Settings) -> Tuple[Dict[str, Any], Placement]:
    """The best node for ``request`` (its snapshot dict) and the placement explanation; SchedulingError when none fits."""
    nodes = picture.nodes()
    ranked = place(request, nodes, strategy=settings.strategy, filters=settings.filters, overcommit=settings.overcommit)
    chosen = ranked[0]
    feasible = {node.id for node in ranked}
    dropped = [node for node in nodes if node.health and node.id not in feasible]
    down = [node for node in nodes if not node.health]
    reason = "%s ranked %s first of %d feasible node(s) (%s); it had %s before this container." % (
        settings.strategy, chosen.name, len(ranked), _names(ranked), reserved_summary(chosen, settings.overcommit))
    if dropped:
        reason += " Filtered out: %s." % _names(dropped)
    if down:
        reason += " Unreachable, skipped: %s." % _names(down)
    placement = Placement(settings.strategy, settings.filters, chosen.name, [node.name for node in ranked], reason)
    return dict(picture.dicts[chosen.id]), placement


def misfit_reason(request: Request, node: Union[Node, Mapping[str, Any]], settings: Settings,
                  container_id: Optional[str] = None) -> Optional[str]:
    """Why ``node`` (without the container ``container_id``) cannot hold ``request``; None when it can.

    Only the node itself is offered to the scheduler, so soft expressions that it does not meet
    are dropped by the second pass and never move a container that satisfies the hard ones.
    """
    health = node.health if isinstance(node, Node) else node.get("health")
    if not health:
        addr = node.addr if isinstance(node, Node) else node.get("addr")
        return "its engine %s is unreachable" % addr
    problem = still_fits(request, node, container_id, strategy=settings.strategy, filters=settings.filters,
                         overcommit=settings.overcommit)
    return None if problem is None else str(problem)


def kept_in_place(node: Mapping[str, Any], settings: Settings, why: str) -> Placement:
    """The placement of a container that stays where it is."""
    return Placement(settings.strategy, settings.filters, str(node.get("name")), [str(node.get("name"))], why)


def scheduler_request(desired: Desired, cache: Dict[int, Request]) -> Request:
    """The parsed request of ``desired`` (parsed once per run: expressions, ports, numbers)."""
    request = cache.get(id(desired))
    if request is None:
        request = cache[id(desired)] = Request(desired.request)
    return request
