# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Carry out plans on the engines, in parallel (bounded), recording each plan's outcome.

``apply_placements`` removes old containers and creates the new ones; it runs while the
placement lock is held, because a created container (with its reservation labels) is what
the next run's snapshot counts. ``apply_states`` starts/stops and reads the final inspect
data; it runs after the lock is released. A failing container does not stop the others: its
plan carries the error and the caller reports all of them.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import SWARM_ID_LABEL, Settings
from ansible_collections.dockyard.swarm.plugins.module_utils._container.engines import Engines
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import Plan
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    create_container,
    inspect_container,
    remove_container,
    start_container,
    stop_container,
)

MAX_WORKERS = 16


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
    return old or os.urandom(32).hex()


def apply_placements(plans: Sequence[Plan], engines: Engines, settings: Settings) -> None:
    """Remove what must go and create what must be created (run under the placement lock)."""
    def step(plan: Plan) -> None:
        if plan.remove_old and plan.old is not None and plan.old_node is not None:
            client = engines.client(plan.old_node)
            if plan.old_running:
                stop_container(client, plan.old["Id"], timeout=settings.stop_timeout)
            remove_container(client, plan.old["Id"], force=True)
        if plan.create and plan.desired is not None and plan.node is not None:
            body: Dict[str, Any] = dict(plan.desired.body)
            body["Labels"] = dict(body["Labels"], **{SWARM_ID_LABEL: _swarm_id(plan)})
            plan.result = create_container(engines.client(plan.node), plan.name, body, pull=settings.pull)

    _each(plans, step)


def apply_states(plans: Sequence[Plan], engines: Engines, settings: Settings) -> None:
    """Start or stop, then read each container's final inspect data (run after the lock)."""
    def step(plan: Plan) -> None:
        container_id = (plan.result or plan.old or {}).get("Id")
        if plan.node is None or not container_id:
            return
        if not (plan.start or plan.stop):
            plan.result = plan.result or plan.old
            return
        client = engines.client(plan.node)
        if plan.start:
            start_container(client, container_id)
        if plan.stop:
            stop_container(client, container_id, timeout=settings.stop_timeout)
        plan.result = inspect_container(client, container_id) or plan.result

    _each(plans, step)


def failures(plans: Sequence[Plan]) -> List[str]:
    """One line per container that failed."""
    return ["%s: %s" % (plan.name, plan.error) for plan in plans if plan.error]
