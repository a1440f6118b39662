# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The parallel snapshot with fake engines: shapes, failures, budgets, bounded threads, inspects."""

from __future__ import annotations

import importlib
import threading
import time
from typing import Dict

import pytest
import requests

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connection_options, reservation_labels, snapshot

from .fakes import FakeEngine, summary

OPTIONS = connection_options({}, {})
snapshot_module = importlib.import_module("ansible_collections.dockyard.swarm.plugins.module_utils._engine.snapshot")


@pytest.fixture()
def engines(monkeypatch: pytest.MonkeyPatch) -> Dict[str, FakeEngine]:
    registry: Dict[str, FakeEngine] = {}
    monkeypatch.setattr(snapshot_module, "connect", lambda target, options, timeout=None, probe=False: registry[target.replace("tcp://", "")].client())
    return registry


def test_one_node_per_address_in_order_with_spec_shapes(engines: Dict[str, FakeEngine]) -> None:
    ours = reservation_labels(cpus=1, memory=1 << 20, ports=[{"host_port": 80, "container_port": 80}])
    engines["h1:2376"] = FakeEngine("n1", labels=["zone=external"], containers=[summary("c1", "web", "exited", labels=ours)])
    engines["h2:2376"] = FakeEngine("n2")
    nodes = snapshot(["h2:2376", "tcp://h1:2376", "h1:2376"], OPTIONS)
    assert [node["name"] for node in nodes] == ["n2", "n1"]
    n1 = nodes[1]
    assert n1["labels"]["zone"] == "external" and n1["labels"]["ostype"] == "linux" and n1["docker_host"] == "tcp://h1:2376"
    web = n1["containers"][0]
    assert (web["name"], web["state"], web["cpus"], web["memory"]) == ("web", "exited", 1, 1 << 20)
    assert web["ports"] == [{"host_ip": "0.0.0.0", "host_port": 80, "container_port": 80, "protocol": "tcp"}]
    assert n1["images"] == [{"id": "sha256:img", "tags": ["busybox:latest"]}, {"id": "sha256:none", "tags": []}]
    assert "containers all=True" in engines["h1:2376"].calls
    assert not [call for call in engines["h1:2376"].calls if call.startswith("inspect")]  # labels made it unnecessary


def test_foreign_containers_are_inspected_once_and_cached(engines: Dict[str, FakeEngine]) -> None:
    inspect = {"HostConfig": {"Memory": 64 << 20, "CpuShares": 1024, "PortBindings": {"53/udp": [{"HostPort": "53"}]}},
               "Config": {}}
    engines["h1:1"] = FakeEngine("n1", ncpu=2, containers=[summary("f1", "dns", "exited"), summary("gone", "x")],
                                 inspects={"f1": inspect})
    cache: dict = {}
    nodes = snapshot(["h1:1"], OPTIONS, cache=cache)
    dns = nodes[0]["containers"]
    assert [c["name"] for c in dns] == ["dns"]  # "gone" vanished between list and inspect
    assert (dns[0]["cpus"], dns[0]["memory"], dns[0]["ports"][0]["host_port"]) == (2, 64 << 20, 53)
    snapshot(["h1:1"], OPTIONS, cache=cache)
    assert engines["h1:1"].calls.count("inspect f1") == 1


def test_a_failing_engine_is_unhealthy_and_the_rest_is_returned(engines: Dict[str, FakeEngine]) -> None:
    engines["h1:1"] = FakeEngine("n1")
    engines["h2:1"] = FakeEngine("n2", error=requests.exceptions.ConnectionError("[Errno 111] Connection refused"))
    nodes = snapshot(["h1:1", "h2:1"], OPTIONS)
    assert nodes[0]["status"] == "Healthy" and nodes[0]["health"] == 100
    assert nodes[1]["status"] == "Unhealthy" and nodes[1]["health"] == 0 and nodes[1]["containers"] == []
    assert "Engine h2:1: connection refused" in nodes[1]["error"]


def test_an_engine_without_cpus_is_not_an_engine(engines: Dict[str, FakeEngine]) -> None:
    engines["m:1"] = FakeEngine("manager", ncpu=0)
    assert "not a Swarm manager" in snapshot(["m:1"], OPTIONS)[0]["error"]


def test_slow_engine_runs_out_of_its_budget(engines: Dict[str, FakeEngine]) -> None:
    engines["fast:1"] = FakeEngine("fast")
    engines["slow:1"] = FakeEngine("slow", delay=1.0)
    started = time.monotonic()
    nodes = snapshot(["slow:1", "fast:1"], OPTIONS, timeout=0.3)
    assert time.monotonic() - started < 0.9
    assert nodes[0]["status"] == "Unhealthy" and "no complete answer within 0.3s" in nodes[0]["error"]
    assert nodes[1]["status"] == "Healthy"


def test_thread_pool_is_bounded(engines: Dict[str, FakeEngine], monkeypatch: pytest.MonkeyPatch) -> None:
    active, peak, lock = [0], [0], threading.Lock()

    def counting_connect(target, options, timeout=None, probe=False):  # type: ignore[no-untyped-def]
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.02)
        with lock:
            active[0] -= 1
        return engines[target].client()

    for number in range(40):
        engines["h%d:1" % number] = FakeEngine("n%d" % number)
    monkeypatch.setattr(snapshot_module, "connect", counting_connect)
    nodes = snapshot(list(engines), OPTIONS, max_workers=5)
    assert len(nodes) == 40 and all(node["status"] == "Healthy" for node in nodes)
    assert peak[0] <= 5


def test_same_engine_twice_is_reported_clones_are_kept_apart(engines: Dict[str, FakeEngine]) -> None:
    engines["a:1"] = FakeEngine("n1", engine_id="SAME", containers=[summary("c1", "web")])
    engines["b:1"] = FakeEngine("n1", engine_id="SAME", containers=[summary("c1", "web")])
    engines["c:1"] = FakeEngine("n3", engine_id="SAME")
    nodes = snapshot(["a:1", "b:1", "c:1"], OPTIONS)
    assert nodes[1]["status"] == "Unhealthy" and "listed twice in discovery" in nodes[1]["error"]
    assert nodes[0]["id"] == "SAME@a:1" and nodes[2]["id"] == "SAME@c:1" and nodes[2]["status"] == "Healthy"
    assert "cloned daemon key" in nodes[2]["id_conflict"]


def test_empty_target_list() -> None:
    assert snapshot([], OPTIONS) == []


def test_many_foreign_containers_are_inspected_on_the_pool(engines: Dict[str, FakeEngine]) -> None:
    count = snapshot_module.INLINE_INSPECTS + 3
    inspects = {"f%d" % n: {"HostConfig": {"Memory": n}, "Config": {}} for n in range(count)}
    engines["h1:1"] = FakeEngine("n1", containers=[summary("f%d" % n, "c%d" % n) for n in range(count)], inspects=inspects)
    containers = snapshot(["h1:1"], OPTIONS)[0]["containers"]
    assert [c["memory"] for c in containers] == list(range(count))


def test_an_inspect_failure_other_than_404_fails_that_engine(engines: Dict[str, FakeEngine]) -> None:
    from .fakes import api_error

    class Broken(dict):
        def __contains__(self, key: object) -> bool:
            raise api_error(500, "Internal Server Error: disk on fire")

    engines["h1:1"] = FakeEngine("n1", containers=[summary("f1", "c1")])
    engines["h1:1"].inspects = Broken()
    node = snapshot(["h1:1"], OPTIONS)[0]
    assert node["status"] == "Unhealthy" and "answered 500" in node["error"]


def test_worker_threads_are_gone_after_a_snapshot(engines: Dict[str, FakeEngine]) -> None:
    before = threading.active_count()
    for number in range(10):
        engines["h%d:1" % number] = FakeEngine("n%d" % number)
    snapshot(list(engines), OPTIONS, max_workers=8)
    assert threading.active_count() == before
