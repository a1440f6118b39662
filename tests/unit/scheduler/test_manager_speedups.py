# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shortcuts a long-running caller relies on give exactly what the plain code gives:
remembered name order in the strategies, the engine layer's port shape on the fast path."""
from __future__ import annotations

import random

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import port as engine_port
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Node, Request, place
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.container import Container
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.model import name_order, natural_key

from .helpers import container


def test_name_order_sorts_like_natural_key():
    rng = random.Random(7)
    names = ["node-%d" % rng.randint(0, 2000) for index in range(500)] + ["alpha", "node-1a", "node-01", "10", "b2c3"]
    assert sorted(names, key=name_order) == sorted(names, key=natural_key)
    assert name_order("node-10") is name_order("node-10")  # remembered


@pytest.mark.parametrize("strategy", ["spread", "binpack"])
def test_ranking_equals_the_reference_order(strategy):
    """Every feasible node, best first, ties by container count, natural name, id (the contract)."""
    rng = random.Random(3)
    nodes = []
    for number in rng.sample(range(1, 400), 120):
        count = rng.randint(0, 3)
        node = Node("ID-" + str(400 - number).zfill(3), name="node-" + str(number), cpus=4, memory=8 << 30, health=rng.choice([100, 100, 67]),
                    containers=[container("c-%s-%s" % (number, i), cpus=rng.choice([0, 0.5, 1])) for i in range(count)])
        nodes.append(node)
    nodes.append(Node("ID-zz", name=nodes[0].name, cpus=4, memory=8 << 30))  # a name twice: the id decides
    request = Request({"cpus": 0.5})
    ranked = place(request, nodes, strategy=strategy)
    sign = 1 if strategy == "spread" else -1

    def weight(node):
        used, unused_memory = node.usage()
        cpu = (used + 500) * 100 // 4000
        return sign * (cpu + 100 + (-10 if strategy == "spread" else 10) * node.health)

    expected = sorted(nodes, key=lambda n: (weight(n), sign * n.container_count, natural_key(n.name), n.id))
    assert [n.id + n.name for n in ranked] == [n.id + n.name for n in expected]
    renamed = nodes[0]
    renamed.name = "aaa-first"  # a rename (set_facts) is seen at once
    assert place(request, nodes, strategy=strategy).index(renamed) <= ranked.index(renamed)


@pytest.mark.parametrize("bindings", [
    [engine_port("", "8080", 80, "tcp")],
    [engine_port("0.0.0.0", "", 53, "UDP")],  # no host port: 0 in the engine layer's shape
    [engine_port("127.0.0.1", "443", "443", None), engine_port("::", "0", 8443, "tcp")],
])
def test_engine_layer_ports_take_the_fast_path_with_the_checked_result(bindings, monkeypatch):
    raw = container("web", ports=bindings, cpus=0.5)
    fast = Container.from_dict(raw, "node-1")
    checked = Container._checked(raw, "node-1", 0)  # pylint: disable=protected-access
    assert fast.ports == checked.ports and fast.to_dict() == checked.to_dict()

    def refuse(*args, **kwargs):
        raise AssertionError("the checked path was taken")

    monkeypatch.setattr(Container, "_checked", classmethod(refuse))
    assert Container.from_dict(raw, "node-1").ports == checked.ports
