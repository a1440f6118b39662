# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Decide, from one snapshot, what to do with each container of a task; nothing is changed here.

A ``Plan`` says where a container is, where it will be and which steps get it there (remove
the old one, create, start, stop). Check mode stops after planning, so what it reports is what
a real run would do. Names are unique cluster-wide: a container of that name is converged
where it runs (kept, started or stopped, or recreated in place when its configuration
differs) unless its node no longer satisfies the request; then it is rescheduled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._container.compare import Difference, differences
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import REPLICA_LABEL, Desired, Settings
from ansible_collections.dockyard.swarm.plugins.module_utils._container.engines import Engines
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._container.picture import Picture
from ansible_collections.dockyard.swarm.plugins.module_utils._container.node_choice import (
    Placement,
    choose_node,
    kept_in_place,
    misfit_reason,
    scheduler_request,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import AmbiguousContainerError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Request, SchedulingError


class PlacementFailed(Exception):
    """No node can take a container; wraps the SchedulingError and names the container."""

    def __init__(self, name: str, error: SchedulingError) -> None:
        super().__init__("Cannot place %s: %s" % (name, error))
        self.name = name
        self.error = error


@dataclass
class Plan:
    """What happens to one container name."""

    name: str
    desired: Optional[Desired] = None
    node: Optional[Dict[str, Any]] = None
    old_node: Optional[Dict[str, Any]] = None
    old: Optional[Dict[str, Any]] = None
    create: bool = False
    remove_old: bool = False
    start: bool = False
    stop: bool = False
    placement: Optional[Placement] = None
    differences: List[Difference] = field(default_factory=list)
    why: str = ""
    result: Optional[Dict[str, Any]] = None
    error: Optional[str] = None
    # What a real run did, in order (check mode leaves it empty: actions() then tells the plan).
    log: List[str] = field(default_factory=list)
    executed: bool = False
    swarm_id: str = ""
    # Set by a real run when the system changed: a container removed, created and kept, started or stopped.
    done: bool = False

    @property
    def changed(self) -> bool:
        if self.executed:
            return self.done
        return self.create or self.remove_old or self.start or self.stop

    @property
    def old_running(self) -> bool:
        return bool(((self.old or {}).get("State") or {}).get("Running"))

    def actions(self) -> List[str]:
        """What was done (a real run), or would be done (check mode), in order."""
        if self.executed:
            return list(self.log)
        steps = []
        if self.remove_old:
            steps.append("remove %s from %s: %s" % (self.name, where(self.old_node), self.why))
        if self.create:
            steps.append("create %s on %s" % (self.name, where(self.node)))
        if self.start:
            steps.append("start %s on %s" % (self.name, where(self.node)))
        if self.stop:
            steps.append("stop %s on %s" % (self.name, where(self.node)))
        return steps


def where(node: Optional[Mapping[str, Any]]) -> str:
    """``node-2 (10.231.2.2:2376)`` for messages."""
    return "%s (%s)" % (node.get("name"), node.get("addr")) if node else "?"


class Planner:
    """Plans a task's containers one after the other on the run's picture (changed in place)."""

    def __init__(self, settings: Settings, engines: Engines, check_mode: bool) -> None:
        self.settings = settings
        self.engines = engines
        self.check_mode = check_mode
        self.picture: Optional[Picture] = None
        self.requests: Dict[int, Request] = {}

    def request(self, desired: Desired) -> Request:
        return scheduler_request(desired, self.requests)

    def _one_match(self, picture: Picture, name: str) -> Optional[Tuple[Dict[str, Any], Dict[str, Any]]]:
        matches = [(node, container) for node, container in picture.named(name) if container.get("name") == name]
        if len(matches) > 1:
            places = ", ".join("%s (%s)" % (node.get("name"), node.get("addr")) for node, unused in matches)
            raise AmbiguousContainerError("The container name %r exists on several engines: %s. Names must be unique "
                                          "cluster-wide: remove the extra ones (state=absent removes all)." % (name, places))
        return (dict(matches[0][0]), dict(matches[0][1])) if matches else None

    def _image_id(self, desired: Desired, node: Mapping[str, Any]) -> Optional[str]:
        """The image's id on the container's engine, pulling first when the policy asks for it (not in check mode)."""
        if not desired.image:
            return None
        image_id = self.engines.image_id(node, desired.image)
        pull = self.settings.pull
        if not self.check_mode and (pull == "always" or (pull == "missing" and image_id is None)):
            image_id = self.engines.pull(node, desired.image)
        return image_id

    def converge(self, desired: Desired, picture: Picture) -> Plan:
        """Plan ``desired`` (state started/present/stopped); the picture then holds it as pending."""
        try:
            return self._converge(desired, picture)
        except SchedulingError as exc:
            raise PlacementFailed(desired.name, exc) from None

    def _converge(self, desired: Desired, picture: Picture) -> Plan:
        plan = Plan(desired.name, desired)
        state = self.settings.state
        request = self.request(desired)
        match = self._one_match(picture, desired.name)
        inspect = self.engines.inspect(match[0], match[1]["id"]) if match else None
        if match and inspect is not None:
            node, summary = match
            plan.old_node, plan.old = node, inspect
            plan.differences = differences(desired, inspect, self._image_id(desired, node))
            problem = misfit_reason(request, picture.typed[node["id"]], self.settings, summary["id"])
            if not plan.differences and not problem and not self.settings.recreate:
                plan.node = node
                why = "%s already exists on %s, which still satisfies the request." % (desired.name, node.get("name"))
                plan.placement = kept_in_place(node, self.settings, why)
                plan.start = state == "started" and not plan.old_running
                plan.stop = state == "stopped" and plan.old_running
                return plan
            plan.remove_old = True
            picture.take_out(node["id"], summary["id"])
            if problem:
                plan.why = "its node no longer satisfies the request (%s)" % problem
                plan.node, plan.placement = choose_node(request, picture, self.settings)
                plan.placement.reason = "rescheduled: %s %s" % (plan.why, plan.placement.reason)
            else:
                plan.why = "recreate requested" if not plan.differences else "configuration changed (%s)" % ", ".join(
                    d.option for d in plan.differences)
                plan.node = node
                why = "recreated in place on %s: %s; the node still satisfies the request." % (node.get("name"), plan.why)
                plan.placement = kept_in_place(node, self.settings, why)
        else:
            if not desired.image:
                raise ContainerOptionError("image is required to create the container %s (it does not exist in the cluster)" % desired.name)
            plan.node, plan.placement = choose_node(request, picture, self.settings)
        plan.create = True
        plan.start = state == "started"
        picture.add_pending(plan.node["id"], request, desired.labels)  # type: ignore[index]
        return plan

    def remove(self, picture: Picture, names: Sequence[str], why: str) -> List[Plan]:
        """Plans removing every container called one of ``names`` (duplicates included)."""
        plans = []
        for name in names:
            for node, container in picture.named(name):
                if container.get("name") != name:
                    continue
                inspect = self.engines.inspect(node, container["id"])
                if inspect is None:
                    continue
                plans.append(Plan(name, None, old_node=dict(node), old=inspect, remove_old=True, why=why))
        return plans


def replica_names(name: str, count: int) -> List[str]:
    """``name-1`` .. ``name-count``."""
    return ["%s-%d" % (name, index) for index in range(1, count + 1)]


def surplus_replicas(nodes: Sequence[Mapping[str, Any]], name: str, count: int) -> List[str]:
    """Names of this task's replicas numbered above ``count`` (only containers carrying its replica label)."""
    pattern = re.compile(r"^%s-(\d+)$" % re.escape(name))
    found = set()
    for node in nodes:
        for container in node.get("containers") or []:
            match = pattern.match(container.get("name") or "")
            if match and int(match.group(1)) > count and (container.get("labels") or {}).get(REPLICA_LABEL) == name:
                found.add(container["name"])
    return sorted(found, key=lambda text: int(text.rsplit("-", 1)[1]))
