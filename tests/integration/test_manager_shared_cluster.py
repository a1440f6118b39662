# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager and swarm_container on one cluster: each counts the other's reservations, and when they
race for the last room on a node the exclusion rule keeps at most one of the two.

Sizes are 60 % of node-1's memory capacity (with overcommit): one fits beside what other tests keep
there, two never do. Names carry a unique prefix; everything is removed at the end.
"""
from __future__ import annotations

import time

import pytest

from tests.integration.playbooks.swarm_support import adhoc, cleanup, containers, finish_adhoc, start_adhoc, task_args

# the module-scoped manager fixture of the docker CLI tests, shared
from .test_manager_docker import manager, run_cli  # noqa: F401  # pylint: disable=unused-import

pytestmark = pytest.mark.integration

GIB = 1 << 30


@pytest.fixture
def prefix(lab):
    value = "dymgrs%s-" % time.strftime("%H%M%S")
    yield value
    cleanup(lab, value)


def big_memory(manager) -> int:
    """60 % of node-1's memory with 5 % overcommit, in bytes (a multiple of 1 MiB)."""
    info = run_cli("28", ["info", "--format", "{{json .SystemStatus}}"], manager).stdout
    import json

    status = json.loads(info)
    at = next(i for i, (key, _value) in enumerate(status) if key.startswith("node-1"))
    memory_line = next(value for key, value in status[at:] if key.strip() == "└ Reserved Memory")
    total = memory_line.split("/")[1].strip()
    number, unit = total.split()
    capacity = float(number) * {"GiB": GIB, "MiB": 1 << 20, "TiB": 1 << 40}[unit]
    return int(capacity * 0.6) // (1 << 20) * (1 << 20)


def on_node1(lab, prefix):
    return list(containers(lab, prefix).get("node-1", []))


def test_each_front_end_counts_the_others_reservation(lab, ansible_env, manager, prefix):  # noqa: F811  # pylint: disable=redefined-outer-name
    size = big_memory(manager)
    run_cli("28", ["create", "--name", prefix + "bymanager", "-m", "%db" % size, "-e", "constraint:node==node-1",
                   "busybox", "sleep", "600"], manager)
    refused = adhoc(ansible_env, "swarm_container", task_args(
        lab, name=prefix + "bymodule", image="busybox:latest", command="sleep 600", memory="%db" % size, state="present",
        constraints=["node==node-1"]))
    assert refused["_rc"] != 0 and "no resources available" in refused["msg"], refused
    run_cli("28", ["rm", prefix + "bymanager"], manager)
    placed = adhoc(ansible_env, "swarm_container", task_args(
        lab, name=prefix + "bymodule", image="busybox:latest", command="sleep 600", memory="%db" % size, state="present",
        constraints=["node==node-1"]))
    assert placed["_rc"] == 0, placed
    failed = run_cli("28", ["create", "--name", prefix + "bymanager", "-m", "%db" % size, "-e", "constraint:node==node-1",
                            "busybox", "sleep", "600"], manager, check=False)
    assert failed.returncode != 0 and "no resources available" in failed.stderr


@pytest.mark.parametrize("round_", [1, 2])
def test_a_race_for_the_last_room_keeps_at_most_one(lab, ansible_env, manager, prefix, round_):  # noqa: F811  # pylint: disable=redefined-outer-name
    size = big_memory(manager)
    module = start_adhoc(ansible_env, "swarm_container", task_args(
        lab, name=prefix + "racemodule", image="busybox:latest", command="sleep 600", memory="%db" % size,
        state="present", constraints=["node==node-1"]))
    through_manager = run_cli("28", ["create", "--name", prefix + "racemanager", "-m", "%db" % size, "-e",
                                     "constraint:node==node-1", "busybox", "sleep", "600"], manager, check=False)
    result = finish_adhoc(module, time.monotonic() + 120)
    kept = on_node1(lab, prefix)
    assert len(kept) <= 1, (kept, result, through_manager.stderr)
    assert (result["_rc"] == 0) + (through_manager.returncode == 0) == len(kept), (result, through_manager.stderr)
