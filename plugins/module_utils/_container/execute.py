# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carry out plans on the engines, in parallel (bounded), recording what each plan really did.

``apply_placements`` removes old containers, creates the new ones and then checks every creation
against the engine's own list (the cluster-wide exclusion rule, docs/architecture.md): a
container that no longer fits beside everything its engine now holds steps back (it is removed)
and is placed again on the refreshed picture, up to ``PLACEMENT_ROUNDS`` rounds. An engine
that goes away during a create is marked unhealthy and its containers are placed elsewhere the
same way. It runs while the placement lock is held (the fast path that keeps runs of one
controller or one Consul from competing at all). ``apply_states`` starts/stops and reads the
final inspect data after the lock is released. A failing container does not stop the others:
its plan carries the error, its log says what happened, and the caller reports all of them.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import SWARM_ID_LABEL, Settings
from ansible_collections.dockyard.swarm.plugins.module_utils._container.engines import Engines
from ansible_collections.dockyard.swarm.plugins.module_utils._container.picture import Picture
from ansible_collections.dockyard.swarm.plugins.module_utils._container.node_choice import choose_node, misfit_reason
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import Plan, Planner, where
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineAPIError, EngineUnreachableError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError

MAX_WORKERS = 16
# Rounds of create-and-verify per run: the first placement plus up to three placements again after a step
# back or an engine failure (classic's swarm.createretry, bounded here by default).
PLACEMENT_ROUNDS = 4
# Engine answers that say the engine itself is in trouble (not the request): worth another node.
RETRY_ELSEWHERE_STATUS = frozenset((500, 502, 503, 504))


def _each(plans: Sequence[Plan], step: Callable[[Plan], None]) -> None:
    """Run ``step`` for every plan without an error yet, in parallel; an exception becomes the plan's error."""
    todo = [plan for plan in plans if plan.error is None]

    def guarded(plan: Plan) -> None:
        try:
            step(plan)
        except Exception as exc:  # reported per container by the caller
            plan.error = str(exc) or type(exc).__name__

    if len(todo) <= 1:
        for plan in todo:
            guarded(plan)
        return
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(todo)), thread_name_prefix="swarm-container") as pool:
        list(pool.map(guarded, todo))


def _swarm_id(plan: Plan) -> str:
    """Classic Swarm's container id label: kept across recreation and rescheduling, random when new."""
    old = (((plan.old or {}).get("Config") or {}).get("Labels") or {}).get(SWARM_ID_LABEL)
    if old:
        return old
    if not plan.swarm_id:
        plan.swarm_id = os.urandom(32).hex()  # the same id across the attempts of one run
    return plan.swarm_id


def _retry_elsewhere(exc: BaseException) -> bool:
    """The engine went away or failed on its own side: another node may well take the container."""
    if isinstance(exc, EngineUnreachableError):
        return True
    return isinstance(exc, EngineAPIError) and exc.status_code in RETRY_ELSEWHERE_STATUS


class _Round:
    """One round of creates and their verification; what must be placed again comes out of it."""

    def __init__(self, engines: Engines, planner: Planner, picture: Picture) -> None:
        self.engines = engines
        self.planner = planner
        self.settings = planner.settings
        self.picture = picture  # fresh reads and unreachable engines go into it
        self.again: List[Plan] = []

    def create(self, plan: Plan) -> None:
        node, desired = plan.node, plan.desired
        if node is None or desired is None:
            return
        body: Dict[str, Any] = dict(desired.body)
        body["Labels"] = dict(body["Labels"], **{SWARM_ID_LABEL: _swarm_id(plan)})
        try:
            plan.result = self.engines.create(node, plan.name, body, self.settings.pull)
        except Exception as exc:
            plan.log.append("create %s on %s failed: %s" % (plan.name, where(node), exc))
            if _retry_elsewhere(exc):
                self.picture.mark_down(node["id"], str(exc))
                self.again.append(plan)
                return
            raise
        plan.log.append("create %s on %s" % (plan.name, where(node)))

    def verify(self, node_id: str, plans: List[Plan]) -> None:
        """Keep what fits beside everything the engine holds now; step the rest back (the exclusion rule)."""
        node = self.picture.dicts[node_id]
        fresh = self.engines.read_node(node)
        if not fresh.get("health"):
            for plan in plans:
                plan.error = ("created on %s, but the engine stopped answering before the placement could be checked "
                              "(%s); the container may exist there: check it before running again"
                              % (where(node), fresh.get("error")))
                plan.log.append(plan.error)
            self.picture.mark_down(node_id, str(fresh.get("error")))
            return
        fresh = dict(fresh, id=node_id)  # a shared engine ID may have been disambiguated in the snapshot
        ours = {str((plan.result or {}).get("Id")): plan for plan in plans}
        by_id = {container.get("id"): container for container in fresh.get("containers") or []}
        others = [container for container in fresh.get("containers") or [] if container.get("id") not in ours]
        for container_id, plan in ours.items():
            view = dict(fresh, containers=others)
            problem = misfit_reason(self.planner.request(plan.desired), view, self.settings)  # type: ignore[arg-type]
            if problem is None and container_id in by_id:
                others = others + [by_id[container_id]]
                plan.done = True
                continue
            problem = problem or "the engine does not list the new container"
            self.engines.remove(node, container_id)
            plan.log.append("step back %s from %s: it does not fit beside what the engine holds now (%s)"
                            % (plan.name, where(node), problem))
            plan.result = None
            self.again.append(plan)
        self.picture.put(dict(fresh, containers=others))


def _verify_all(created: Sequence[Plan], step: _Round) -> None:
    by_node: Dict[str, List[Plan]] = {}
    for plan in created:
        by_node.setdefault(plan.node["id"], []).append(plan)  # type: ignore[index]
    groups = list(by_node.items())

    def verify(group: Any) -> None:
        node_id, plans = group
        try:
            step.verify(node_id, plans)
        except Exception as exc:  # the removal of a stepped-back container failed, or the read did
            for plan in plans:
                if plan.error is None and not plan.done:
                    plan.error = "could not check the placement on %s: %s" % (where(plan.node), exc)

    if len(groups) <= 1:
        for group in groups:
            verify(group)
        return
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(groups)), thread_name_prefix="swarm-verify") as pool:
        list(pool.map(verify, groups))


def _place_again(plans: Sequence[Plan], planner: Planner, picture: Picture) -> List[Plan]:
    """Rank each stepped-back plan on the refreshed picture (they see each other as pending); the placeable ones."""
    placed = []
    for plan in plans:
        request = planner.request(plan.desired)  # type: ignore[arg-type]
        try:
            node, placement = choose_node(request, picture, planner.settings)
        except SchedulingError as exc:
            plan.error = "Cannot place %s after %s: %s" % (plan.name, plan.log[-1] if plan.log else "a failed attempt", exc)
            continue
        placement.reason = "placed again: %s" % placement.reason
        plan.node, plan.placement = node, placement
        picture.add_pending(node["id"], request, plan.desired.labels)  # type: ignore[union-attr]
        placed.append(plan)
    return placed


def _ensure_held(lock: Any) -> None:
    check = getattr(lock, "ensure_held", None)
    if check is not None:
        check()


def apply_placements(plans: Sequence[Plan], engines: Engines, settings: Settings, planner: Planner,
                     lock: Any = None) -> None:
    """Remove what must go, create what must be created and verify it (run under the placement lock).

    ``planner`` made the plans (its picture and parsed requests are needed to place again); ``lock``
    is the placement lock, checked before every round of creates so a run that lost it never acts on
    what it read.
    """
    for plan in plans:
        plan.executed = True

    def remove_old(plan: Plan) -> None:
        if plan.old is None or plan.old_node is None:
            return
        if plan.old_running:
            engines.stop(plan.old_node, plan.old["Id"], settings.stop_timeout)
        engines.remove(plan.old_node, plan.old["Id"])
        plan.done = True
        plan.log.append("remove %s from %s: %s" % (plan.name, where(plan.old_node), plan.why))

    _each([plan for plan in plans if plan.remove_old and plan.old is not None and plan.old_node is not None], remove_old)
    picture = planner.picture if planner.picture is not None else Picture([])
    todo = [plan for plan in plans if plan.create and plan.desired is not None and plan.node is not None and plan.error is None]
    for round_number in range(1, PLACEMENT_ROUNDS + 1):
        if not todo:
            return
        _ensure_held(lock)
        step = _Round(engines, planner, picture)
        _each(todo, step.create)
        _verify_all([plan for plan in todo if plan.result is not None and plan.error is None], step)
        again = [plan for plan in step.again if plan.error is None]
        if not again:
            return
        if round_number == PLACEMENT_ROUNDS:
            for plan in again:
                plan.error = "not placed after %d attempt(s); last: %s" % (round_number, plan.log[-1])
            return
        todo = _place_again(again, planner, picture)


def apply_states(plans: Sequence[Plan], engines: Engines, settings: Settings) -> None:
    """Start or stop, then read each container's final inspect data (run after the lock)."""
    def step(plan: Plan) -> None:
        container_id = (plan.result or plan.old or {}).get("Id")
        if plan.node is None or not container_id:
            return
        if plan.remove_old and plan.result is None:
            return  # the old container is gone and no new one was kept
        if not (plan.start or plan.stop):
            plan.result = plan.result or plan.old
            return
        if plan.start:
            engines.start(plan.node, container_id)
            plan.done = True
            plan.log.append("start %s on %s" % (plan.name, where(plan.node)))
        if plan.stop:
            engines.stop(plan.node, container_id, settings.stop_timeout)
            plan.done = True
            plan.log.append("stop %s on %s" % (plan.name, where(plan.node)))
        plan.result = engines.inspect(plan.node, container_id) or plan.result

    _each(plans, step)


def failures(plans: Sequence[Plan]) -> List[str]:
    """One line per container that failed."""
    return ["%s: %s" % (plan.name, plan.error) for plan in plans if plan.error]
