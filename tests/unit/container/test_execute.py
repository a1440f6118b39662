# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Executing plans: create, verify against the engine's own list, step back, place again, truthful results."""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.container_run import desired_containers, plan_task, task_result
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.execute import PLACEMENT_ROUNDS, apply_placements, apply_states
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import Planner
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineAPIError, EngineUnreachableError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import reservation_labels

from .helpers import FakeEngines, inspect_from_body, node

ONE_CPU = {"name": "web", "image": "busybox", "cpus": 1, "overcommit": 0}


class ClusterEngines(FakeEngines):
    """Engines whose containers live per node; hooks let a test act 'concurrently' at a given moment."""

    def __init__(self, nodes: List[Dict[str, Any]]) -> None:
        super().__init__()
        self.nodes = {n["id"]: copy.deepcopy(n) for n in nodes}
        self.down: set = set()
        self.fail_create: Dict[str, Exception] = {}
        self.after_create: Optional[Any] = None  # callable(node_id) run after each successful create
        self.removed: List[str] = []
        self.created: List[str] = []
        self.reads = 0

    def _check(self, node_dict: Dict[str, Any]) -> Dict[str, Any]:
        if node_dict["id"] in self.down:
            raise EngineUnreachableError("Engine %s: connection refused" % node_dict["addr"], node_dict["addr"])
        return self.nodes[node_dict["id"]]

    def put(self, node_id: str, name: str, cpus: float) -> None:
        """A container made by somebody else (another front end) on node ``node_id``."""
        labels = reservation_labels(cpus=cpus)
        self.nodes[node_id]["containers"].append({
            "id": "foreign-" + name, "name": name, "image": "busybox", "image_id": "", "state": "created",
            "labels": labels, "cpus": cpus, "memory": 0, "network_mode": "bridge", "ports": [], "exposed_ports": [],
            "volumes_from": [], "links": []})

    def create(self, node_dict, name, body, pull):
        target = self._check(node_dict)
        if node_dict["id"] in self.fail_create:
            raise self.fail_create[node_dict["id"]]
        inspect = self.add(inspect_from_body(name, body, running=False))
        target["containers"].append({
            "id": inspect["Id"], "name": name, "image": body["Image"], "image_id": "", "state": "created",
            "labels": dict(body["Labels"]), "cpus": (body["HostConfig"].get("NanoCpus") or 0) / 1e9,
            "memory": body["HostConfig"].get("Memory") or 0, "network_mode": "bridge", "ports": [], "exposed_ports": [],
            "volumes_from": [], "links": []})
        self.created.append("%s@%s" % (name, node_dict["name"]))
        if self.after_create is not None:
            self.after_create(node_dict["id"])
        return inspect

    def remove(self, node_dict, container_id):
        target = self._check(node_dict)
        self.removed.append(container_id)
        before = len(target["containers"])
        target["containers"] = [c for c in target["containers"] if c["id"] != container_id]
        return len(target["containers"]) < before

    def start(self, node_dict, container_id):
        self._check(node_dict)
        self.inspects[container_id]["State"] = {"Running": True, "Status": "running"}

    def stop(self, node_dict, container_id, timeout):
        self._check(node_dict)
        return True

    def read_node(self, node_dict):
        self.reads += 1
        if node_dict["id"] in self.down:
            return dict(node_dict, health=0, status="Unhealthy", error="connection refused", containers=[])
        return copy.deepcopy(self.nodes[node_dict["id"]])


class HeldLock:
    def __init__(self) -> None:
        self.checks = 0
        self.lost = False

    def ensure_held(self) -> None:
        self.checks += 1
        if self.lost:
            raise RuntimeError("the placement lock was lost")


def cluster():
    return [node("node-1", {"zone": "internal"}), node("node-2", {"zone": "external"}), node("node-3", {"zone": "internal"})]


def execute(params, nodes, engines, lock=None):
    settings = settings_from(params)
    planner = Planner(settings, engines, False)
    plans = plan_task(params, desired_containers(params, settings), planner, copy.deepcopy(nodes))
    apply_placements(plans, engines, settings, planner, lock=lock or HeldLock())
    apply_states(plans, engines, settings)
    return plans, task_result(params, plans, with_diff=False)


def test_a_verified_create_reports_what_was_done():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    lock = HeldLock()
    plans, result = execute(ONE_CPU, nodes, engines, lock)
    assert result["changed"] is True and not plans[0].error
    assert result["actions"] == ["create web on node-1 (10.0.0.1:2376)", "start web on node-1 (10.0.0.1:2376)"]
    assert result["node"]["name"] == "node-1" and result["container"]["State"]["Running"] is True
    assert engines.reads == 1 and lock.checks == 1


def test_a_concurrent_placement_makes_ours_step_back_and_go_elsewhere():
    """Another front end filled node-1 between our snapshot and our create: ours must not stay there."""
    nodes = cluster()
    engines = ClusterEngines(nodes)
    engines.put("id-node-1", "other-a", 1)

    def concurrent(node_id):
        if node_id == "id-node-1" and not any(c["name"] == "other-b" for c in engines.nodes[node_id]["containers"]):
            engines.put(node_id, "other-b", 1)
    engines.after_create = concurrent
    plans, result = execute(dict(ONE_CPU, constraints=["zone==internal"]), nodes, engines)
    assert not plans[0].error, plans[0].error
    assert engines.created == ["web@node-1", "web@node-3"]
    assert result["actions"][0] == "create web on node-1 (10.0.0.1:2376)"
    assert result["actions"][1].startswith("step back web from node-1 (10.0.0.1:2376): it does not fit beside what the "
                                           "engine holds now (no resources available")
    assert result["actions"][2:] == ["create web on node-3 (10.0.0.3:2376)", "start web on node-3 (10.0.0.3:2376)"]
    assert result["node"]["name"] == "node-3"
    assert [c["name"] for c in engines.nodes["id-node-1"]["containers"]] == ["other-a", "other-b"]
    assert "placed again" in plans[0].placement.reason


def test_a_step_back_with_nowhere_else_to_go_fails_truthfully():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    engines.put("id-node-2", "other-a", 1)
    engines.after_create = lambda node_id: engines.put(node_id, "late", 1) if node_id == "id-node-2" else None
    plans, result = execute(dict(ONE_CPU, constraints=["zone==external"]), nodes, engines)
    assert plans[0].error.startswith("Cannot place web after step back web from node-2")
    assert "no resources available to schedule container" in plans[0].error
    assert result["changed"] is False and result["container"] == {} and result["node"] == {}
    assert not any(c["name"] == "web" for c in engines.nodes["id-node-2"]["containers"])


def test_an_engine_that_goes_away_during_create_is_skipped_and_the_container_placed_elsewhere():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    engines.fail_create["id-node-1"] = EngineUnreachableError("Engine 10.0.0.1:2376: connection refused", "10.0.0.1:2376")
    plans, result = execute(ONE_CPU, nodes, engines)
    assert not plans[0].error
    assert result["actions"][0] == "create web on node-1 (10.0.0.1:2376) failed: Engine 10.0.0.1:2376: connection refused"
    assert result["node"]["name"] == "node-2" and result["changed"] is True


def test_an_engine_answering_500_counts_as_its_own_failure():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    engines.fail_create["id-node-1"] = EngineAPIError("Engine 10.0.0.1:2376 answered 500: driver failed", "10.0.0.1:2376", 500)
    plans, result = execute(ONE_CPU, nodes, engines)
    assert not plans[0].error and result["node"]["name"] == "node-2"


def test_a_request_error_is_not_retried_elsewhere():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    conflict = EngineAPIError("Engine 10.0.0.1:2376 answered 409: Conflict. The container name \"/web\" is already in use",
                              "10.0.0.1:2376", 409)
    engines.fail_create["id-node-1"] = conflict
    plans, result = execute(ONE_CPU, nodes, engines)
    assert "409" in plans[0].error and engines.created == []
    assert result["actions"] == ["create web on node-1 (10.0.0.1:2376) failed: %s" % conflict]
    assert result["changed"] is False


def test_every_engine_failing_ends_after_the_bounded_rounds():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    for n in nodes:
        engines.fail_create[n["id"]] = EngineAPIError("Engine %s answered 503: busy" % n["addr"], n["addr"], 503)
    plans, unused_result = execute(ONE_CPU, nodes, engines)
    assert plans[0].error and len([line for line in plans[0].log if "failed" in line]) == 3 <= PLACEMENT_ROUNDS
    assert "No healthy node available in the cluster" in plans[0].error


def test_an_engine_dying_right_after_the_create_is_reported_not_duplicated():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    engines.after_create = engines.down.add
    plans, result = execute(ONE_CPU, nodes, engines)
    assert plans[0].error.startswith("created on node-1 (10.0.0.1:2376), but the engine stopped answering")
    assert engines.created == ["web@node-1"] and result["changed"] is False


def test_replicas_on_one_node_keep_what_fits_and_move_the_rest():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    params = dict(ONE_CPU, replicas=2, constraints=["node==node-2"], strategy="binpack")
    engines.after_create = lambda node_id: engines.put(node_id, "intruder", 1) if not any(
        c["name"] == "intruder" for c in engines.nodes[node_id]["containers"]) else None
    plans, result = execute(params, nodes, engines)
    outcomes = sorted((plan.name, bool(plan.error)) for plan in plans)
    assert outcomes == [("web-1", False), ("web-2", True)], [plan.log for plan in plans]
    on_node = [c["name"] for c in engines.nodes["id-node-2"]["containers"]]
    assert sorted(on_node) == ["intruder", "web-1"]
    failed = [r for r in result["replicas"] if r["failed"]]
    assert len(failed) == 1 and failed[0]["msg"].startswith("Cannot place web-2 after step back")


def test_a_lost_lock_stops_before_anything_is_created():
    nodes = cluster()
    engines = ClusterEngines(nodes)
    lock = HeldLock()
    lock.lost = True
    with pytest.raises(RuntimeError, match="lock was lost"):
        execute(ONE_CPU, nodes, engines, lock)
    assert engines.created == []


def test_replicas_are_bounded():
    settings = settings_from({"name": "web", "image": "busybox"})
    with pytest.raises(ContainerOptionError, match="replicas must be between 0 and 1000, got 100000"):
        desired_containers({"name": "web", "image": "busybox", "replicas": 100000}, settings)
