# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    SchedulingError, overcommit_ratio, schedule, with_overcommit)

from .helpers import GIB, container, names, node


@pytest.mark.parametrize("overcommit, ratio", [
    (0.05, 5), (0, 0), (0.07, 7), (0.29, 28), (1, 100), (-0.5, -50), (-0.999, -99)])
def test_ratio_truncates_like_go(overcommit, ratio):
    assert overcommit_ratio(overcommit) == ratio


@pytest.mark.parametrize("bad", [-1, -2.5, "0.05", None, True])
def test_invalid_overcommit(bad):
    with pytest.raises(SchedulingError, match="overcommit"):
        overcommit_ratio(bad)


@pytest.mark.parametrize("value, ratio, total", [
    (2, 5, 2),     # a 2-CPU host stays at 2 with 5 %
    (19, 5, 19),
    (20, 5, 21),   # 20 CPUs gain one
    (40, 5, 42),
    (20, 4, 20),
    (3, -50, 2),   # Go truncates toward zero: 3 + (-150/100 = -1)
    (1024, 5, 1075),
])
def test_with_overcommit_integer_maths(value, ratio, total):
    assert with_overcommit(value, ratio) == total


def one(cpus=4, memory=8 * GIB, used_cpus=0, used_memory=0):
    return [node("n", cpus=cpus, memory=memory,
                 containers=[container("c", cpus=used_cpus, memory=used_memory)])]


@pytest.mark.parametrize("node_cpus, request_cpus, overcommit, fits", [
    (2, 2, 0.05, True),
    (2, 3, 0.05, False),
    (2, 2.1, 0.05, False),   # 5 % of 2 CPUs is nothing (integer maths)
    (20, 21, 0.05, True),
    (20, 21, 0.04, False),
    (20, 22, 0.05, False),
    (4, 5, 0.25, True),
    (4, 4, -0.25, False),    # undercommit: 4 -> 3
])
def test_cpu_capacity(node_cpus, request_cpus, overcommit, fits):
    nodes = one(cpus=node_cpus)
    if fits:
        assert schedule({"cpus": request_cpus}, nodes, overcommit=overcommit) == ["ID-n"]
    else:
        with pytest.raises(SchedulingError, match="^no resources available to schedule container"):
            schedule({"cpus": request_cpus}, nodes, overcommit=overcommit)


def test_memory_capacity_with_overcommit():
    total = GIB + GIB * 5 // 100
    assert schedule({"memory": total}, one(memory=GIB)) == ["ID-n"]
    with pytest.raises(SchedulingError):
        schedule({"memory": total + 1}, one(memory=GIB))


def test_used_resources_count_and_fractional_cpus():
    nodes = one(cpus=2, used_cpus=0.5, used_memory=GIB)
    assert schedule({"cpus": 1.5}, nodes) == ["ID-n"]
    with pytest.raises(SchedulingError):
        schedule({"cpus": 1.6}, nodes)
    with pytest.raises(SchedulingError):
        schedule({"memory": 8 * GIB}, nodes)


def test_no_resources_message_explains():
    nodes = [node("small", cpus=1, memory=GIB, containers=[container("c", cpus=1, memory=GIB // 2)])]
    with pytest.raises(SchedulingError) as info:
        schedule({"cpus": 1, "memory": GIB}, nodes)
    assert str(info.value).splitlines() == [
        "no resources available to schedule container",
        "requested 1 CPUs and 1 GiB of memory; 1 node(s) passed the filters (small), "
        "capacity includes 5% overcommit:",
        "  small: 1 of 1 CPUs and 512 MiB of 1.05 GiB reserved",
    ]
    assert info.value.kind == "no_resources"


def test_memory_only_request_ignores_cpu_saturation():
    nodes = one(cpus=1, used_cpus=1)
    assert names(nodes, schedule({"memory": 1}, nodes)) == ["n"]
