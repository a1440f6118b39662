# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning on a snapshot: place, keep, recreate in place, reschedule, replicas, scale down, absent."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.container_run import (
    desired_containers,
    plan_task,
    task_result,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired, settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import PlacementFailed, Planner
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import AmbiguousContainerError

from .helpers import FakeEngines, inspect_from_body, node, summary

EDGE = {"name": "edge_webserver", "image": "busybox", "ports": ["80:80"], "constraints": ["zone==external", "disk==ssd"]}


def lab():
    return [node("node-1", {"status": "master", "disk": "ssd", "zone": "internal"}),
            node("node-2", {"disk": "ssd", "zone": "external"}),
            node("node-3", {"disk": "hdd", "zone": "internal"})]


def run(params, nodes, engines=None, check_mode=False):
    settings = settings_from(params)
    engines = engines or FakeEngines()
    planner = Planner(settings, engines, check_mode)
    return plan_task(params, desired_containers(params, settings), planner, nodes)


def existing(engines, nodes, index, params, running=True, replica_of=None, name=None):
    """Put a container made from ``params`` on nodes[index] (snapshot + inspect)."""
    desired = build_desired(params, name=name, replica_of=replica_of)
    inspect = engines.add(inspect_from_body(desired.name, desired.body, running=running))
    nodes[index]["containers"].append(summary(inspect, cpus=desired.request["cpus"], memory=desired.request["memory"],
                                              ports=desired.request["ports"]))
    return inspect


def test_new_container_goes_where_the_constraints_allow():
    plans = run(EDGE, lab())
    assert len(plans) == 1
    plan = plans[0]
    assert plan.node["name"] == "node-2" and plan.create and plan.start and not plan.remove_old
    assert plan.placement.candidates == ["node-2"]
    assert "Filtered out: node-1, node-3" in plan.placement.reason


def test_affinity_places_app_beside_the_webserver():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    plan = run({"name": "app_1", "image": "busybox", "env": ["affinity:container==edge_webserver"]}, nodes, engines)[0]
    assert plan.node["name"] == "node-2"


def test_same_container_is_kept():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    plan = run(EDGE, nodes, engines)[0]
    assert not plan.changed and plan.node["name"] == "node-2"
    assert "already exists on node-2" in plan.placement.reason
    result = task_result(EDGE, [plan], with_diff=True)
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"]


def test_stopped_container_is_started_only():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE, running=False)
    plan = run(EDGE, nodes, engines)[0]
    assert plan.start and not plan.create and not plan.remove_old
    assert run(dict(EDGE, state="present"), nodes, engines)[0].changed is False


def test_running_container_is_stopped():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    plan = run(dict(EDGE, state="stopped"), nodes, engines)[0]
    assert plan.stop and not plan.create


def test_changed_configuration_recreates_in_place():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    plan = run(dict(EDGE, command="httpd -f -p 80"), nodes, engines)[0]
    assert plan.remove_old and plan.create and plan.node["name"] == "node-2" == plan.old_node["name"]
    assert "command" in plan.why
    assert plan.actions()[0].startswith("remove edge_webserver from node-2")


def test_recreate_option():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    plan = run(dict(EDGE, recreate=True), nodes, engines)[0]
    assert plan.remove_old and plan.create and plan.why == "recreate requested"


def test_node_that_no_longer_fits_means_reschedule():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    moved = dict(EDGE, constraints=["zone==internal", "disk==ssd"])
    plan = run(moved, nodes, engines)[0]
    assert plan.remove_old and plan.create
    assert plan.old_node["name"] == "node-2" and plan.node["name"] == "node-1"
    assert plan.placement.reason.startswith("rescheduled: its node no longer satisfies the request")


def test_soft_constraint_does_not_move_a_container():
    engines, nodes = FakeEngines(), lab()
    params = dict(EDGE, constraints=["disk==ssd"])
    existing(engines, nodes, 1, params)
    soft = dict(params, constraints=["disk==ssd", "zone==~internal"])
    plans = run(soft, nodes, engines)
    # the expression label changes (recreate) but node-2 still satisfies the hard constraints: it stays there
    assert plans[0].node["name"] == "node-2"


def test_duplicate_names_are_an_error_but_absent_removes_all():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 0, EDGE)
    existing(engines, nodes, 1, EDGE)
    with pytest.raises(AmbiguousContainerError, match="node-1.*node-2"):
        run(EDGE, nodes, engines)
    plans = run(dict(EDGE, state="absent"), nodes, engines)
    assert sorted(plan.old_node["name"] for plan in plans) == ["node-1", "node-2"]
    assert all(plan.remove_old and not plan.create for plan in plans)


def test_absent_when_missing_changes_nothing():
    assert run(dict(EDGE, state="absent"), lab()) == []


def test_missing_image_for_a_new_container():
    with pytest.raises(ContainerOptionError, match="image is required"):
        run({"name": "x"}, lab())


def test_binpack_replicas_fill_one_engine_first():
    params = {"name": "w", "image": "busybox", "cpus": 1, "replicas": 3, "strategy": "binpack"}
    plans = run(params, lab())
    names = [plan.node["name"] for plan in plans]
    assert names[0] == names[1] != names[2]
    assert [plan.name for plan in plans] == ["w-1", "w-2", "w-3"]


def test_spread_replicas_alternate():
    params = {"name": "w", "image": "busybox", "cpus": 1, "replicas": 3}
    assert sorted(plan.node["name"] for plan in run(params, lab())) == ["node-1", "node-2", "node-3"]


def test_replicas_respect_capacity_and_explain():
    params = {"name": "w", "image": "busybox", "cpus": 1, "replicas": 7}
    with pytest.raises(PlacementFailed, match="Cannot place w-7: no resources available"):
        run(params, lab())


def test_replicas_scale_down_only_removes_own_replicas():
    engines, nodes = FakeEngines(), lab()
    params = {"name": "w", "image": "busybox", "replicas": 3}
    for index in range(1, 4):
        existing(engines, nodes, index - 1, params, replica_of="w", name="w-%d" % index)
    existing(engines, nodes, 2, {"name": "w-9", "image": "busybox"})  # same pattern, not a replica
    plans = run(dict(params, replicas=1), nodes, engines)
    assert [(plan.name, plan.changed) for plan in plans] == [("w-1", False), ("w-2", True), ("w-3", True)]
    assert all(plan.desired is None for plan in plans[1:])
    result = task_result(dict(params, replicas=1), plans, with_diff=False)
    assert result["removed"] == ["w-2", "w-3"] and len(result["replicas"]) == 1


def test_replicas_absent():
    engines, nodes = FakeEngines(), lab()
    params = {"name": "w", "image": "busybox", "replicas": 2}
    for index in (1, 2):
        existing(engines, nodes, index, params, replica_of="w", name="w-%d" % index)
    plans = run(dict(params, state="absent"), nodes, engines)
    assert sorted(plan.name for plan in plans) == ["w-1", "w-2"]


def test_pull_policy_in_and_out_of_check_mode():
    engines, nodes = FakeEngines(), lab()
    existing(engines, nodes, 1, EDGE)
    run(dict(EDGE, pull="always"), nodes, engines, check_mode=True)
    assert engines.pulls == []
    run(dict(EDGE, pull="always"), nodes, engines)
    assert engines.pulls == [("node-2", "busybox")]


def test_check_mode_plans_the_same():
    assert run(EDGE, lab(), check_mode=True)[0].node["name"] == run(EDGE, lab())[0].node["name"]


def test_unhealthy_engine_is_skipped():
    nodes = lab()
    nodes[1]["health"] = 0
    with pytest.raises(PlacementFailed, match="Cannot place edge_webserver"):
        run(EDGE, nodes)
    plan = run({"name": "x", "image": "busybox"}, nodes)[0]
    assert plan.node["name"] != "node-2" and "Unreachable, skipped: node-2" in plan.placement.reason


def test_diff_of_a_new_container():
    plans = run(EDGE, lab())
    diff = task_result(EDGE, plans, with_diff=True)["diff"]
    assert diff["before"] == {} and diff["after"]["node"] == "node-2" and diff["after"]["state"] == "running"
