# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container (and friends) against the real lab, through real `ansible-playbook` and `ansible` runs.

Engines may hold containers of other tests: assertions compare with what the engines hold at
the time, never with an empty lab. Every container is named with a random prefix and removed
at the end whatever happens.
"""
from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.integration.helpers import engine_client
from tests.integration.playbooks.swarm_support import (
    adhoc,
    containers,
    lab_nodes,
    prefix_fixture,
    playbook,
    reserved_cpus,
    task_args,
    where,
)

pytestmark = pytest.mark.integration


prefix = pytest.fixture()(prefix_fixture)


def _http_get(url: str, seconds: float = 15) -> "tuple[int, str]":
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as answer:  # noqa: S310 (a lab address)
                return answer.status, answer.read().decode()
        except Exception as exc:  # not listening yet
            last = exc
            time.sleep(0.3)
    raise AssertionError("no HTTP answer from %s within %ss: %s" % (url, seconds, last))


def test_seed_example_playbook(lab, ansible_env, prefix):
    """edge_webserver (zone==external, disk==ssd, 80:80) lands on node-2 and answers HTTP there; app_1 joins it."""
    edge = prefix + "edge_webserver"
    predicted = adhoc(ansible_env, "swarm_container", task_args(
        lab, name=edge, image="busybox:latest", command="httpd -f -p 80 -h /etc", ports=["80:80"],
        constraints=["zone==external", "disk==ssd"]), check=True)
    assert predicted["_rc"] == 0, predicted
    assert predicted["changed"] is True and predicted["node"]["name"] == "node-2"
    assert predicted["placement"]["candidates"] == ["node-2"]
    assert where(lab, edge) == []  # check mode created nothing

    first = playbook(ansible_env, "seed.yml", {"swarm_test_prefix": prefix, "swarm_test_nodes": lab_nodes(lab)})
    assert first["rc"] == 0, first
    tasks = first["tasks"]
    assert tasks["Edge web server"]["node"]["name"] == predicted["node"]["name"] == "node-2"
    assert tasks["App beside it"]["node"]["name"] == "node-2"
    assert where(lab, edge) == ["node-2"] and where(lab, prefix + "app_1") == ["node-2"]
    info = tasks["Container info"]
    assert info["exists"] is True and info["node"]["name"] == "node-2"
    assert any(node["name"] == "node-2" and node["status"] == "Healthy" for node in tasks["Cluster info"]["nodes"])

    status, body = _http_get("http://10.231.2.2:80/hostname")
    assert status == 200 and body.strip() == tasks["Edge web server"]["container"]["Config"]["Hostname"]

    app = tasks["App beside it"]["container"]
    assert "APP_MODE=production" in app["Config"]["Env"]
    assert not any(entry.startswith("affinity:") for entry in app["Config"]["Env"])
    assert json.loads(app["Config"]["Labels"]["com.docker.swarm.affinities"]) == ["container==" + edge]

    second = playbook(ansible_env, "seed.yml", {"swarm_test_prefix": prefix, "swarm_test_nodes": lab_nodes(lab)})
    assert second["rc"] == 0, second
    assert [name for name, result in second["tasks"].items() if result.get("changed")] == []
    assert second["stats"]["localhost"]["changed"] == 0


def test_check_mode_predicts_and_second_run_changes_nothing(lab, ansible_env, prefix):
    args = task_args(lab, name=prefix + "c", image="busybox:latest", command="sleep 3600", cpus=0.25, memory="32M")
    predicted = adhoc(ansible_env, "swarm_container", args, check=True)
    assert predicted["_rc"] == 0 and predicted["changed"] is True, predicted
    assert predicted["actions"][0].startswith("create %sc on %s" % (prefix, predicted["node"]["name"]))
    assert where(lab, prefix + "c") == []
    real = adhoc(ansible_env, "swarm_container", args)
    assert real["_rc"] == 0 and real["changed"] is True
    assert real["node"]["name"] == predicted["node"]["name"]
    assert real["container"]["State"]["Running"] is True
    assert real["container"]["HostConfig"]["NanoCpus"] == 250000000
    assert real["container"]["HostConfig"]["Memory"] == 32 * 1024 * 1024
    again = adhoc(ansible_env, "swarm_container", args)
    assert again["_rc"] == 0 and again["changed"] is False, again
    assert again["container"]["Id"] == real["container"]["Id"]
    assert adhoc(ansible_env, "swarm_container", args, check=True)["changed"] is False
    for module, extra in (("swarm_info", {}), ("swarm_container_info", {"name": prefix + "c", "all": True})):
        result = adhoc(ansible_env, module, dict(task_args(lab), **extra))
        assert result["_rc"] == 0 and result["changed"] is False, result
    listing = adhoc(ansible_env, "swarm_container_info", task_args(lab, name=prefix + "c"))
    assert "%s/%sc" % (real["node"]["name"], prefix) in [row["names"] for row in listing["containers"]]
    assert listing["node"]["name"] == real["node"]["name"]


def test_binpack_fills_one_engine_first(lab, ansible_env, prefix):
    placed = []
    for index in range(2):
        result = adhoc(ansible_env, "swarm_container", task_args(
            lab, name="%sb%d" % (prefix, index), image="busybox:latest", command="sleep 3600", cpus=0.1, memory="16M",
            strategy="binpack"))
        assert result["_rc"] == 0, result
        assert result["placement"]["strategy"] == "binpack"
        placed.append(result["node"]["name"])
    assert placed[0] == placed[1], placed


def test_spread_goes_to_the_least_reserved_engine_each_time(lab, ansible_env, prefix):
    """Each placement picks an engine with the fewest reserved CPUs (ties: fewer containers, then name)."""
    start = reserved_cpus(lab)
    placed = []
    for index in range(3):
        before = reserved_cpus(lab)
        result = adhoc(ansible_env, "swarm_container", task_args(
            lab, name="%ss%d" % (prefix, index), image="busybox:latest", command="sleep 3600", cpus=1, overcommit=1.0))
        assert result["_rc"] == 0, result
        chosen = result["node"]["name"]
        assert before[chosen] == min(before.values()), (chosen, before)
        placed.append(chosen)
    if len(set(start.values())) == 1:  # an evenly loaded lab: spread alternates over all three
        assert sorted(placed) == ["node-1", "node-2", "node-3"]


def test_diff_mode_and_recreate_in_place(lab, ansible_env, prefix):
    args = task_args(lab, name=prefix + "d", image="busybox:latest", command="sleep 3600")
    first = adhoc(ansible_env, "swarm_container", args)
    assert first["_rc"] == 0
    changed = adhoc(ansible_env, "swarm_container", dict(args, command="sleep 7200", env={"MODE": "x"}), diff=True)
    assert changed["_rc"] == 0 and changed["changed"] is True, changed
    assert changed["node"]["name"] == first["node"]["name"]
    assert changed["container"]["Id"] != first["container"]["Id"]
    assert {"command", "env"} <= {difference["option"] for difference in changed["differences"]}
    diff = changed["diff"]
    assert diff["before"]["command"] == ["sleep", "3600"] and diff["after"]["command"] == ["sleep", "7200"]
    assert diff["before"]["node"] == diff["after"]["node"] == first["node"]["name"]
    assert changed["placement"]["reason"].startswith("recreated in place")
    assert where(lab, prefix + "d") == [first["node"]["name"]]


def test_reschedule_when_the_node_no_longer_satisfies(lab, ansible_env, prefix):
    args = task_args(lab, name=prefix + "r", image="busybox:latest", command="sleep 3600", constraints=["node==node-1"])
    assert adhoc(ansible_env, "swarm_container", args)["node"]["name"] == "node-1"
    moved = adhoc(ansible_env, "swarm_container", dict(args, constraints=["node==node-3"]))
    assert moved["_rc"] == 0 and moved["node"]["name"] == "node-3", moved
    assert moved["placement"]["reason"].startswith("rescheduled: its node no longer satisfies the request")
    assert where(lab, prefix + "r") == ["node-3"]


def test_states(lab, ansible_env, prefix):
    args = task_args(lab, name=prefix + "st", image="busybox:latest", command="sleep 3600")
    created = adhoc(ansible_env, "swarm_container", dict(args, state="present"))
    assert created["changed"] is True and created["container"]["State"]["Status"] == "created"
    started = adhoc(ansible_env, "swarm_container", dict(args, state="started"))
    assert started["changed"] is True and started["container"]["State"]["Running"] is True
    stopped = adhoc(ansible_env, "swarm_container", dict(args, state="stopped", stop_timeout=1))
    assert stopped["changed"] is True and stopped["container"]["State"]["Running"] is False
    assert adhoc(ansible_env, "swarm_container", dict(args, state="stopped"))["changed"] is False
    assert adhoc(ansible_env, "swarm_container", dict(args, state="present"))["changed"] is False
    gone = adhoc(ansible_env, "swarm_container", dict(args, state="absent"))
    assert gone["changed"] is True and where(lab, prefix + "st") == []
    assert adhoc(ansible_env, "swarm_container", dict(args, state="absent"))["changed"] is False


def test_replicas_scale_up_down_and_away(lab, ansible_env, prefix):
    args = task_args(lab, name=prefix + "w", image="busybox:latest", command="sleep 3600", replicas=4, cpus=0.1)
    up = adhoc(ansible_env, "swarm_container", args)
    assert up["_rc"] == 0 and up["changed"] is True, up
    assert [item["name"] for item in up["replicas"]] == ["%sw-%d" % (prefix, i) for i in range(1, 5)]
    assert sum(len(items) for items in containers(lab, prefix + "w-").values()) == 4
    assert adhoc(ansible_env, "swarm_container", args)["changed"] is False
    down = adhoc(ansible_env, "swarm_container", dict(args, replicas=2))
    assert down["changed"] is True and down["removed"] == [prefix + "w-3", prefix + "w-4"]
    assert sorted(c["Names"][0] for items in containers(lab, prefix + "w-").values() for c in items) == [
        "/%sw-1" % prefix, "/%sw-2" % prefix]
    away = adhoc(ansible_env, "swarm_container", dict(args, state="absent"))
    assert away["changed"] is True and sorted(away["removed"]) == [prefix + "w-1", prefix + "w-2"]
    assert sum(len(items) for items in containers(lab, prefix + "w-").values()) == 0


def test_reservation_labels_are_counted_by_later_placements(lab, ansible_env, prefix):
    """A stopped container still reserves its CPUs (classic: stopped containers count).

    node-3 has 2 CPUs (overcommit 0): a stopped container takes what other tests leave free there,
    then a 1-CPU container pinned to node-3 must be refused with the resource message.
    """
    free = round(2 - reserved_cpus(lab)["node-3"], 3)
    if free < 0.01:
        pytest.skip("other tests reserve all of node-3")
    first = adhoc(ansible_env, "swarm_container", task_args(
        lab, name=prefix + "big", image="busybox:latest", command="sleep 3600", cpus=free, overcommit=0, state="stopped",
        constraints=["node==node-3"]))
    assert first["_rc"] == 0, first
    second = adhoc(ansible_env, "swarm_container", task_args(
        lab, name=prefix + "more", image="busybox:latest", cpus=1, overcommit=0, constraints=["node==node-3"]))
    assert second["_rc"] != 0 and "no resources available to schedule container" in second["msg"], second
    assert second["placement_error"]["kind"] == "no_resources"
    assert where(lab, prefix + "more") == []
    client = engine_client(lab, "node-3")
    try:
        labels = client.inspect_container(first["container"]["Id"])["Config"]["Labels"]
    finally:
        client.close()
    assert float(labels["com.dockyard.swarm.cpus"]) == free
    assert json.loads(labels["com.docker.swarm.constraints"]) == ["node==node-3"]
