# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

"""The fast path (cheap checks first) must select exactly what classic chain order selects."""
import random

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    COST_CONTAINERS, DEFAULT_FILTERS, Check, Filter, SchedulingError, register_filter, schedule, unregister_filter)
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.model import Request, build_nodes
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.registry import get_filters

from .helpers import container, node, port

ZONES = ["a", "b", "c"]


def random_cluster(rng):
    nodes = []
    for i in range(rng.randint(1, 12)):
        containers = []
        for j in range(rng.randint(0, 5)):
            containers.append(container(
                "%s-%d-%d" % (rng.choice(["web", "db", "cache"]), i, j),
                state=rng.choice(["running", "exited", "created"]),
                labels={"tier": rng.choice(["front", "back"])},
                ports=[port(rng.choice([80, 443, 53]), protocol=rng.choice(["tcp", "udp"]))]
                if rng.random() < 0.5 else []))
        labels = {"zone": rng.choice(ZONES)}
        if rng.random() < 0.3:
            labels["containerslots"] = str(rng.randint(0, 5))
        nodes.append(node("n%d" % i, labels, containers=containers, health=rng.choice([0, 67, 100, 100])))
    return nodes


def random_request(rng):
    request = {"constraints": [], "affinities": [], "ports": [], "whitelists": []}
    if rng.random() < 0.6:
        request["constraints"].append("zone%s%s" % (rng.choice(["==", "!=", "==~"]), rng.choice(ZONES)))
    if rng.random() < 0.5:
        request["affinities"].append(rng.choice(["container==web*", "container!=db*", "tier==front",
                                                 "container==~cache*"]))
    if rng.random() < 0.5:
        request["ports"].append(port(rng.choice([80, 443, 53]), protocol=rng.choice(["tcp", "udp"])))
    if rng.random() < 0.2:
        request["whitelists"].append("node==n0|n1|n2|n3")
    if rng.random() < 0.2:
        request["links"] = ["web-0-0"]
    return request


def classic_order(request, nodes, soft):
    """Reference: every filter in chain order over the whole list."""
    req = Request(request)
    survivors = build_nodes(nodes)
    for unused_name, flt in get_filters(None):
        for check in flt.checks(req, soft):
            survivors = [n for n in survivors if check.keep(n)]
    return {n.id for n in survivors}


def test_fast_path_matches_classic_order():
    rng = random.Random(2026)
    compared = failures = 0
    for unused in range(400):
        nodes = random_cluster(rng)
        request = random_request(rng)
        expected = classic_order(request, nodes, soft=True) or classic_order(request, nodes, soft=False)
        try:
            got = set(schedule(request, nodes))
        except SchedulingError:
            got = set()
            failures += 1
        assert got == expected, request
        compared += 1
    assert compared == 400 and 20 < failures < 380  # both outcomes exercised


def test_default_filters_constant():
    assert [name for name, unused_filter in get_filters(None)] == list(DEFAULT_FILTERS)


def classic_explanation(request, nodes):
    """Reference: the chain replayed in classic order over every node (pass without soft rules)."""
    req = Request(request)
    remaining = build_nodes(nodes)
    steps = []
    culprit = removed = None
    for name, flt in get_filters(None):
        before = len(remaining)
        for check in flt.checks(req, False):
            kept = [n for n in remaining if check.keep(n)]
            if not kept:
                culprit, removed = check, remaining
            remaining = kept
            if not remaining:
                break
        steps.append((name, before, len(remaining)))
        if not remaining:
            break
    return steps, culprit.text, [n.name for n in removed][:5]


def test_explanation_from_records_matches_a_classic_replay():
    rng = random.Random(77)
    explained = 0
    for unused in range(600):
        nodes = random_cluster(rng)
        request = random_request(rng)
        try:
            schedule(request, nodes)
        except SchedulingError as exc:
            if exc.kind not in ("filter_failed", "no_healthy_node"):
                continue
            steps, culprit, removed = classic_explanation(request, nodes)
            assert [(s.filter, s.before, s.after) for s in exc.steps] == steps, request
            assert (exc.expression, list(exc.removed_nodes)[:5]) == (culprit, removed), request
            explained += 1
    assert explained > 50


class CountingFilter(Filter):
    """A container-cost check that counts the nodes it is asked about."""

    name = "counting"

    def __init__(self):
        self.asked = []

    def checks(self, request, soft):
        return [Check("counted", lambda n: self.asked.append(n.name) or True, COST_CONTAINERS)]


def test_dropped_nodes_are_only_asked_again_when_placement_fails():
    counting = CountingFilter()
    register_filter("counting", counting)
    try:
        nodes = [node("n%d" % i, {"zone": "a" if i < 2 else "b"}) for i in range(6)]
        assert len(schedule({"constraints": ["zone==a"]}, nodes, filters=["counting", "constraint"])) == 2
        assert sorted(counting.asked) == ["n0", "n1"]   # the label check ran first; only survivors were asked
        del counting.asked[:]
        with pytest.raises(SchedulingError) as info:
            schedule({"constraints": ["zone==c"]}, nodes, filters=["counting", "constraint"])
        # classic order puts "counting" first: each dropped node is asked once, to attribute it
        assert sorted(counting.asked) == ["n%d" % i for i in range(6)]
        assert [(s.filter, s.before, s.after) for s in info.value.steps] == [("counting", 6, 6), ("constraint", 6, 0)]
    finally:
        unregister_filter("counting")
