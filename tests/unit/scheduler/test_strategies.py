# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import random

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import GIB, container, names, node


def busy(name, count, **kw):
    return node(name, containers=[container("%s-%d" % (name, i)) for i in range(count)], **kw)


def test_spread_without_resources_counts_containers_then_natural_name():
    nodes = [busy("node-1", 1), busy("node-10", 0), busy("node-2", 0), busy("node-3", 2)]
    assert names(nodes, schedule({}, nodes)) == ["node-2", "node-10", "node-1", "node-3"]


def test_binpack_prefers_more_containers_then_natural_name():
    nodes = [busy("node-1", 1), busy("node-10", 2), busy("node-2", 2), busy("node-3", 0)]
    for strategy in ("binpack", "binpacking"):
        assert names(nodes, schedule({}, nodes, strategy=strategy)) == ["node-2", "node-10", "node-1", "node-3"]


def test_weights_with_resources():
    # a: 4 CPUs with 2 used -> cpuScore (2+1)*100/4 = 75; b: 4 CPUs free -> 25
    nodes = [node("a", cpus=4, containers=[container("x", cpus=2)]), node("b", cpus=4)]
    assert names(nodes, schedule({"cpus": 1}, nodes)) == ["b", "a"]
    assert names(nodes, schedule({"cpus": 1}, nodes, strategy="binpack")) == ["a", "b"]


def test_memory_weight():
    nodes = [node("a", memory=4 * GIB, containers=[container("x", memory=3 * GIB)]), node("b", memory=4 * GIB),
             node("full", memory=GIB, containers=[container("y", memory=GIB)])]
    assert names(nodes, schedule({"memory": GIB // 2}, nodes)) == ["b", "a"]
    assert names(nodes, schedule({"memory": GIB // 2}, nodes, strategy="binpack")) == ["a", "b"]


def test_weight_beats_container_count():
    # a has more containers but more free CPU: spread picks a.
    nodes = [busy("a", 3, cpus=8), node("b", cpus=2)]
    assert names(nodes, schedule({"cpus": 1}, nodes)) == ["a", "b"]


def test_unhealthy_ranks_last_in_both():
    nodes = [busy("sick", 0, health=67), busy("fine", 5)]
    assert names(nodes, schedule({}, nodes)) == ["fine", "sick"]
    nodes = [busy("sick", 5, health=67), busy("fine", 0)]
    assert names(nodes, schedule({}, nodes, strategy="binpack")) == ["fine", "sick"]


def test_equal_names_fall_back_to_id():
    nodes = [node("same", id="b"), node("same", id="a")]
    assert schedule({}, nodes) == ["a", "b"]


def test_input_order_does_not_matter():
    nodes = [busy("n%d" % i, i % 3) for i in range(12)]
    expected = schedule({}, nodes)
    shuffled = list(nodes)
    random.Random(1).shuffle(shuffled)
    assert schedule({}, shuffled) == expected
    assert schedule({}, shuffled, strategy="binpack") == schedule({}, nodes, strategy="binpack")


def test_random_is_seeded_and_independent_of_input_order():
    nodes = [node("n%d" % i) for i in range(8)]
    first = schedule({}, nodes, strategy="random", seed=7)
    assert sorted(first) == sorted(n["id"] for n in nodes)
    assert schedule({}, list(reversed(nodes)), strategy="random", seed=7) == first
    assert schedule({}, nodes, strategy="random", seed="7") == schedule({}, nodes, strategy="random", seed="7")
    assert schedule({}, nodes, strategy="random", seed=8) != first


def test_random_only_picks_nodes_that_fit():
    nodes = [node("small%d" % i, cpus=1) for i in range(5)] + [node("big", cpus=8)]
    for seed in range(20):
        assert names(nodes, schedule({"cpus": 4}, nodes, strategy="random", seed=seed)) == ["big"]
    with pytest.raises(SchedulingError, match="^no resources available"):
        schedule({"cpus": 100}, nodes, strategy="random", seed=1)


def test_random_without_seed_returns_all():
    nodes = [node("n%d" % i) for i in range(5)]
    assert sorted(schedule({}, nodes, strategy="random")) == sorted(n["id"] for n in nodes)


@pytest.mark.parametrize("seed", [1.5, [1], True])
def test_invalid_seed(seed):
    with pytest.raises(SchedulingError, match="seed"):
        schedule({}, [node("a")], strategy="random", seed=seed)


def test_unknown_strategy_lists_known():
    with pytest.raises(SchedulingError) as info:
        schedule({}, [node("a")], strategy="balanced")
    assert str(info.value) == ("strategy 'balanced' not supported; known strategies: "
                               "binpack, binpacking, random, spread")
    assert info.value.kind == "unknown_strategy"
