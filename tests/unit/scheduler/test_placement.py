# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    DEFAULT_FILTERS, SchedulingError, schedule)

from .helpers import GIB, container, names, node, port


def test_default_chain_is_classic():
    assert DEFAULT_FILTERS == ("health", "port", "containerslots", "dependency", "affinity", "constraint",
                               "whitelist")


def test_seed_example():
    nodes = [
        node("edge-1", {"zone": "external"}, containers=[container("edge_webserver", ports=[port(80)])]),
        node("edge-2", {"zone": "external"}),
        node("core-1", {"zone": "internal"}),
    ]
    request = {"name": "edge_proxy", "image": "nginx", "env": ["constraint:zone==external"]}
    assert names(nodes, schedule(request, nodes)) == ["edge-2", "edge-1"]
    request["env"].append("affinity:container==edge_webserver")
    assert names(nodes, schedule(request, nodes)) == ["edge-1"]


def test_returns_all_feasible_nodes_best_first():
    nodes = [node("a", containers=[container("x")]), node("b"), node("c", {"zone": "no"})]
    assert names(nodes, schedule({"constraints": ["zone!=no"]}, nodes)) == ["b", "a"]


def test_soft_constraint_dropped_when_the_strategy_fails():
    # classic TestSelectNodesForContainer: the soft rule only selects an under-sized node.
    nodes = [node("small", {"zone": "a"}, cpus=1), node("big", {"zone": "b"}, cpus=4)]
    assert names(nodes, schedule({"cpus": 2, "constraints": ["zone==~a"]}, nodes)) == ["big"]


def test_soft_rules_are_kept_when_they_can_be_met():
    nodes = [node("a", images=[{"id": "sha256:1", "tags": ["redis:7"]}]), node("b")]
    assert names(nodes, schedule({"affinities": ["image==~redis"]}, nodes)) == ["a"]


def test_soft_rules_are_dropped_all_together():
    nodes = [node("a", {"zone": "x"}), node("b", {"zone": "y"})]
    request = {"constraints": ["zone==~x", "zone==~nowhere"]}
    assert names(nodes, schedule(request, nodes)) == ["a", "b"]


def test_second_pass_error_is_what_the_user_sees():
    nodes = [node("a", {"zone": "x"}), node("b", {"zone": "y"})]
    with pytest.raises(SchedulingError) as info:
        schedule({"constraints": ["zone==nowhere", "disk==~ssd"], "affinities": ["image==~redis"]}, nodes)
    e = info.value
    assert e.soft_dropped is True
    # pass 1 would have failed on the soft affinity first; pass 2 (no soft rules) reports the constraint.
    assert str(e).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[available container slots] removed 0 of 2 nodes",
        "[zone==nowhere] removed 2 of 2 nodes",
        "constraint zone==nowhere removed the last 2 nodes: a (zone=x), b (zone=y)",
        "soft expressions were ignored after the first attempt failed: "
        "constraint disk==ssd (soft=true), affinity image==redis (soft=true)",
    ]
    assert e.filter == "constraint" and e.expression == "zone==nowhere"


def test_second_pass_strategy_error():
    nodes = [node("a", {"zone": "x"}, cpus=1)]
    with pytest.raises(SchedulingError) as info:
        schedule({"cpus": 2, "constraints": ["zone==~x"]}, nodes)
    assert str(info.value).startswith("no resources available to schedule container\n")
    assert info.value.soft_dropped is True


def test_message_for_the_issue_example():
    nodes = [
        node("n1", {"zone": "external"}, containers=[container("web", ports=[port(80)])]),
        node("n2", {"zone": "external"}, containers=[container("api", ports=[port(80)])]),
        node("n3", {"zone": "internal"}),
    ]
    with pytest.raises(SchedulingError) as info:
        schedule({"ports": [port(80)], "constraints": ["zone==external"]}, nodes)
    e = info.value
    assert str(e).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[port 80/tcp (Bridge mode)] removed 2 of 3 nodes",
        "[available container slots] removed 0 of 1 node",
        "[zone==external] removed 1 of 1 node",
        "constraint zone==external removed the last 1 node: n3 (zone=internal)",
    ]
    assert e.kind == "filter_failed" and e.filter == "constraint" and e.expression == "zone==external"
    assert [(s.filter, s.before, s.after) for s in e.steps] == [
        ("health", 3, 3), ("port", 3, 1), ("containerslots", 1, 1), ("dependency", 1, 1), ("affinity", 1, 1),
        ("constraint", 1, 0)]
    assert e.removed_nodes == ("n3",)
    data = e.to_dict()
    assert data["steps"][1] == {"filter": "port", "conditions": ["port 80/tcp (Bridge mode)"], "before": 3,
                                "after": 1, "removed": 2}


def test_message_follows_classic_order_even_when_fast_path_differs():
    # Constraint is evaluated first on the fast path, but the message replays classic order.
    nodes = [node("n1", {"zone": "internal"}, containers=[container("web", ports=[port(80)])])]
    with pytest.raises(SchedulingError) as info:
        schedule({"ports": [port(80)], "constraints": ["zone==external"]}, nodes)
    assert info.value.filter == "port"
    assert str(info.value).splitlines()[1] == "[port 80/tcp (Bridge mode)] removed 1 of 1 node"


def test_given_filter_list_replaces_and_runs_in_order():
    nodes = [node("n1", {"zone": "internal"}, containers=[container("web", ports=[port(80)])])]
    request = {"ports": [port(80)], "constraints": ["zone==external"]}
    with pytest.raises(SchedulingError) as info:
        schedule(request, nodes, filters=["constraint", "port"])
    assert info.value.filter == "constraint"
    assert schedule(request, nodes, filters=["health"]) == ["ID-n1"]
    assert schedule(request, nodes, filters=[]) == ["ID-n1"]


@pytest.mark.parametrize("filters", [["health", "ports"], ["nope"], [None]])
def test_unknown_filter_lists_known(filters):
    with pytest.raises(SchedulingError) as info:
        schedule({}, [node("a")], filters=filters)
    assert "not supported; known filters: affinity, constraint, containerslots, dependency, health, port, "            "whitelist" in str(info.value)
    assert info.value.kind == "unknown_filter"


def test_filters_must_be_a_list():
    with pytest.raises(SchedulingError, match="filters must be a list"):
        schedule({}, [node("a")], filters="health,port")


def test_parse_errors_surface_directly():
    with pytest.raises(SchedulingError, match='^constraint "zone=external" is invalid: one of the operators'):
        schedule({"env": ["constraint:zone=external"]}, [node("a")])


def test_unhealthy_nodes_only_message_wins_over_resources():
    nodes = [node("a", health=0, cpus=64)]
    with pytest.raises(SchedulingError, match="^No healthy node available in the cluster$"):
        schedule({"cpus": 1, "memory": GIB}, nodes)


def test_none_options_mean_defaults():
    nodes = [node("a", cpus=20), node("b", cpus=2)]
    assert schedule({"cpus": 21}, nodes, strategy=None, overcommit=None) == ["ID-a"]
    assert schedule({}, nodes, strategy=None) == schedule({}, nodes)
