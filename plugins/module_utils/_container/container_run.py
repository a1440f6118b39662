# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container from options to result: validate, list the engines, lock, snapshot, plan, apply.

Order of a run: every option is validated first (nothing is contacted for a bad task); then
discovery lists the engines; the placement lock is taken (not in check mode, not for
state=absent), the snapshot read, every container planned on it and the removals/creations
done; the lock is released; containers are started/stopped and read back.
"""

from __future__ import annotations

import contextlib
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import (
    Cluster,
    node_ref,
    read_nodes,
    resolve_cluster,
    unhealthy_warnings,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.compare import describe
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import Desired, Settings, build_desired, settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.engines import Engines
from ansible_collections.dockyard.swarm.plugins.module_utils._container.errors import USER_ERRORS
from ansible_collections.dockyard.swarm.plugins.module_utils._container.execute import apply_placements, apply_states, failures
from ansible_collections.dockyard.swarm.plugins.module_utils._container.lock import placement_lock
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._container.picture import Picture
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import (
    PlacementFailed,
    Plan,
    Planner,
    replica_names,
    surplus_replicas,
)


# One task places at most this many containers (planning is linear, but every one is an engine create
# made while the placement lock is held).
MAX_REPLICAS = 1000


def desired_containers(params: Mapping[str, Any], settings: Settings) -> List[Desired]:
    """The task's containers (one, or ``name-1``..``name-N``), validated; none for state=absent."""
    if settings.state == "absent":
        return []
    replicas = params.get("replicas")
    if replicas is None:
        return [build_desired(params)]
    if replicas < 0 or replicas > MAX_REPLICAS:
        raise ContainerOptionError("replicas must be between 0 and %d, got %d; split larger sets into several tasks "
                                   "(each placement and create is bounded work under the placement lock)"
                                   % (MAX_REPLICAS, replicas))
    return [build_desired(params, name, replica_of=params["name"]) for name in replica_names(params["name"], replicas)]


def plan_task(params: Mapping[str, Any], desireds: Sequence[Desired], planner: Planner,
              nodes: List[Dict[str, Any]]) -> List[Plan]:
    """Plans for every container of the task, from one snapshot (kept as ``planner.picture``)."""
    name = params["name"]
    replicas = params.get("replicas")
    picture = planner.picture = Picture(nodes)
    if planner.settings.state == "absent":
        names = [name] if replicas is None else surplus_replicas(picture.node_dicts(), name, 0)
        return planner.remove(picture, names, "state=absent")
    plans = [planner.converge(desired, picture) for desired in desireds]
    if replicas is not None:
        plans += planner.remove(picture, surplus_replicas(picture.node_dicts(), name, replicas),
                                "scaled down to %d replicas" % replicas)
    return plans


def _state_after(plan: Plan) -> Optional[str]:
    if plan.desired is None:
        return None
    if plan.start:
        return "running"
    if plan.stop:
        return "exited"
    if plan.create:
        return "created"
    return ((plan.old or {}).get("State") or {}).get("Status")


def _diff(plan: Plan) -> Dict[str, Any]:
    old_state = ((plan.old or {}).get("State") or {}).get("Status")
    before = describe(plan.desired, plan.old, (plan.old_node or {}).get("name"), old_state) if plan.old else {}
    if plan.desired is None:
        after: Dict[str, Any] = {}
    elif plan.create:
        after = describe(plan.desired, None, (plan.node or {}).get("name"), _state_after(plan))
    else:
        after = dict(before, state=_state_after(plan))
    return {"before": before, "after": after}


def plan_result(plan: Plan) -> Dict[str, Any]:
    """The per-container result: node, container (inspect), placement, actions."""
    if plan.desired is None:
        node, container = node_ref(plan.old_node), {}
    elif plan.executed:  # where the container really is after the run (nowhere when it failed)
        container = plan.result or {}
        node = node_ref(plan.node) if container else {}
    else:
        node, container = node_ref(plan.node or plan.old_node), plan.result or plan.old or {}
    result = {
        "name": plan.name,
        "changed": plan.changed,
        "failed": plan.error is not None,
        "actions": plan.actions(),
        "node": node,
        "container": container,
        "placement": plan.placement.as_dict() if plan.placement else {},
        "differences": [difference.as_dict() for difference in plan.differences],
    }
    if plan.error is not None:
        result["msg"] = plan.error
    return result


def task_result(params: Mapping[str, Any], plans: Sequence[Plan], with_diff: bool) -> Dict[str, Any]:
    """The module result: the single container's keys, or ``replicas`` and ``removed``."""
    result: Dict[str, Any] = {"changed": any(plan.changed for plan in plans),
                              "actions": [action for plan in plans for action in plan.actions()]}
    if params.get("replicas") is None:
        single = plan_result(plans[0]) if plans else {"node": {}, "container": {}, "placement": {}, "differences": []}
        result.update({key: single[key] for key in ("node", "container", "placement", "differences")})
        if with_diff:
            result["diff"] = _diff(plans[0]) if plans else {"before": {}, "after": {}}
    else:
        result["replicas"] = [plan_result(plan) for plan in plans if plan.desired is not None]
        result["removed"] = [plan.name for plan in plans if plan.desired is None]
        if with_diff:
            diffs = {plan.name: _diff(plan) for plan in plans}
            result["diff"] = {"before": {name: diff["before"] for name, diff in diffs.items()},
                              "after": {name: diff["after"] for name, diff in diffs.items()}}
    return result


def converge_cluster(params: Mapping[str, Any], cluster: Cluster, settings: Settings, desireds: Sequence[Desired],
                     check_mode: bool, with_diff: bool) -> Dict[str, Any]:
    """Lock, snapshot, plan and apply; returns the result (``failed`` set when a container failed)."""
    engines = Engines(cluster.options)
    try:
        locking = not check_mode and settings.state != "absent"
        lock = placement_lock(cluster, params, settings.lock_timeout) if locking else contextlib.nullcontext()
        with lock:
            nodes = read_nodes(cluster)
            planner = Planner(settings, engines, check_mode)
            plans = plan_task(params, desireds, planner, nodes)
            if not check_mode:
                apply_placements(plans, engines, settings, planner, lock=lock)
        if not check_mode:
            apply_states(plans, engines, settings)
        result = task_result(params, plans, with_diff)
        result["warnings"] = unhealthy_warnings(nodes, "A container it holds is not seen by this run.")
        errors = failures(plans)
        if errors:
            result.update(failed=True, msg="; ".join(errors))
        return result
    finally:
        engines.close()


def run_swarm_container(module: Any) -> None:
    """The whole of swarm_container's main()."""
    params = module.params
    try:
        settings = settings_from(params)
        desireds = desired_containers(params, settings)
        cluster = resolve_cluster(params)
        result = converge_cluster(params, cluster, settings, desireds, module.check_mode, module._diff)
    except PlacementFailed as exc:
        module.fail_json(msg=str(exc), placement_error=exc.error.to_dict())
    except USER_ERRORS as exc:
        module.fail_json(msg=str(exc))
    for warning in result.pop("warnings", []):
        module.warn(warning)
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)
