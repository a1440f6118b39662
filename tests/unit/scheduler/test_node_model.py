# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The typed model: containers validated once, nodes changed in place with their aggregates."""
from __future__ import annotations

import random

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    DEFAULT_OVERCOMMIT, Container, Node, PortBinding, Request, SchedulingError, place, schedule, still_fits)

from .helpers import GIB, container, names, node, port


def test_container_from_dict_normalises_once():
    c = Container.from_dict(container("/web", cpus=0.25, memory=64, labels={"tier": "front", "n": 3},
                                      ports=[port("8080", "80/udp")], exposed_ports=["90", 91]), "n1")
    assert (c.name, c.cpus_m, c.memory, c.labels) == ("web", 250, 64, {"tier": "front", "n": "3"})
    assert c.ports == (PortBinding("", 8080, "80", "udp"),)
    assert c.exposed_ports == ("90/tcp", "91/tcp")
    # dict-style reads for filters written against snapshot dicts
    assert c.get("name") == "web" and c["cpus"] == 0.25 and c.get("nope", 1) == 1
    assert c.get("ports") == [{"host_ip": "", "host_port": 8080, "container_port": "80", "protocol": "udp"}]
    with pytest.raises(KeyError):
        c["nope"]  # pylint: disable=pointless-statement
    assert Container.from_dict(c.to_dict(), "n1").to_dict() == c.to_dict()


@pytest.mark.parametrize("raw, message", [
    ("web", "node 'n1': container 2 must be a mapping, got str"),
    ({"name": 5}, "node 'n1': container 2 field 'name' must be a string, got int 5"),
    ({"name": "w", "state": 1}, "node 'n1': container 'w' field 'state' must be a string"),
    ({"name": "w", "cpus": "1"}, "node 'n1' container 'w' 'cpus' must be a number of CPUs >= 0"),
    ({"name": "w", "memory": 1.5}, "node 'n1' container 'w' 'memory' must be a whole number"),
    ({"name": "w", "labels": {"a": [1]}}, "node 'n1': container 'w' label 'a' must be a string"),
    ({"name": "w", "links": "db"}, "node 'n1': container 'w' field 'links' must be a list"),
    ({"name": "w", "ports": [{"host_port": "http"}]}, "node 'n1' container 'w' port host_port must be a port"),
])
def test_container_errors_name_node_container_and_field(raw, message):
    with pytest.raises(SchedulingError) as info:
        Container.from_dict(raw, "n1", 2)
    assert message in str(info.value) and info.value.kind == "invalid_nodes"


def test_pending_container_from_a_request():
    request = Request({"name": "web-3", "image": "nginx", "cpus": 0.5, "memory": GIB, "labels": {"a": "b"},
                       "ports": [port(80)], "links": ["db:db"]})
    pending = Container.pending(request, id="pending-1")
    assert (pending.id, pending.name, pending.state, pending.cpus_m, pending.memory) == (
        "pending-1", "web-3", "pending", 500, GIB)
    assert pending.labels == {"a": "b"} and pending.links == ("db:db",) and pending.exposed_ports == ("80/tcp",)
    n = Node("E1", "n1", cpus=4, memory=8 * GIB)
    n.add_container(pending)
    assert n.usage() == (500, GIB) and n.container_count == 1
    assert n.port_holder(PortBinding("", 80, "80", "tcp")) is pending
    assert n.has_named_container("web-3") and n.has_named_container("pending-1")


def _random_container(rng, i):
    return container("%s-%d" % (rng.choice(["web", "db"]), i), id=rng.choice(["", "c-%d" % i, "%064x" % i]),
                     cpus=rng.choice([0, 0.5, 1]), memory=rng.choice([0, 64, 128]),
                     network_mode=rng.choice(["bridge", "bridge", "host"]),
                     ports=[port(rng.choice([80, 443]), protocol=rng.choice(["tcp", "udp"]))] if rng.random() < 0.5 else [],
                     exposed_ports=["80/tcp"] if rng.random() < 0.3 else [])


def _observe(n):
    """Everything the filters and strategies read from a node's aggregates."""
    probes = [PortBinding(ip, p, "", proto) for ip in ("", "10.0.0.1") for p in (80, 443) for proto in ("tcp", "udp")]
    keys = ["web-%d" % i for i in range(12)] + ["c-%d" % i for i in range(12)] + ["%064x" % i for i in range(12)]
    return (n.usage(), n.container_count, [n.port_holder(b) is None for b in probes],
            [n.host_port_holder(k) is None for k in ("80/tcp", "443/tcp", "443/udp")],
            [n.has_named_container(k) for k in keys], [n.has_named_container(k[:12]) for k in keys],
            [n.has_named_container_prefix(p) for p in ("web", "db-1", "c-1", "0000", "x")])


def test_aggregates_follow_every_change():
    rng = random.Random(7)
    for unused in range(40):
        n = Node.from_dict(node("n1", containers=[_random_container(rng, i) for i in range(rng.randint(0, 6))]))
        serial = 100
        for unused_step in range(12):
            action = rng.choice(["add", "remove", "replace"])
            if action == "add" or not n.containers:
                n.add_container(Container.from_dict(_random_container(rng, serial)))
                serial += 1
            elif action == "remove":
                victim = rng.choice(n.containers)
                assert n.remove_container(victim if rng.random() < 0.5 else victim.id) is not None
            else:
                old = rng.choice([c for c in n.containers if c.id] or n.containers)
                fresh = Container.from_dict(dict(_random_container(rng, serial), id=old.id))
                serial += 1
                assert n.replace_container(fresh) is not None
            rebuilt = Node("E", "n1", containers=list(n.containers))
            assert _observe(n) == _observe(rebuilt)


def test_lazy_snapshot_node_reads_the_same_as_a_parsed_one():
    rng = random.Random(11)
    for unused in range(40):
        raw = node("n1", containers=[_random_container(rng, i) for i in range(rng.randint(0, 8))])
        assert _observe(Node.from_dict(raw, lazy=True)) == _observe(Node.from_dict(raw))


def test_remove_unknown_container_and_replace_unknown_adds():
    n = Node("E1", "n1")
    assert n.remove_container("nope") is None
    c = Container(id="x", name="a")
    assert n.replace_container(c) is None and n.containers == [c]


def test_set_health_images_labels_and_copy():
    n = Node.from_dict(node("n1", {"zone": "a"}, containers=[container("web", cpus=1)],
                            images=[{"id": "sha256:1", "tags": ["redis:7"]}]))
    n.set_health(67)
    with pytest.raises(SchedulingError, match="'health' must be a number 0..100"):
        n.set_health(101)
    assert "redis" in n.image_names()
    n.set_images([{"id": "sha256:2", "tags": ["nginx:1"]}])
    assert "redis" not in n.image_names() and "nginx" in n.image_names()
    n.set_labels({"zone": "b", "slots": 3})
    assert n.labels == {"zone": "b", "slots": "3"}
    twin = n.copy()
    twin.remove_container(n.containers[0].id)
    twin.labels["zone"] = "c"
    assert n.usage() == (1000, 0) and twin.usage() == (0, 0) and n.label("zone") == "b"


def test_node_from_a_dict_keeps_working_for_callers_of_the_dict_view():
    n = Node(node("n1", cpus=2, memory=GIB, containers=[container("a", cpus=0.5, memory=10)]))
    assert (n.cpus, n.memory, n.usage(), n.name) == (2, GIB, (500, 10), "n1")


def _cluster(rng):
    nodes = []
    for i in range(rng.randint(1, 10)):
        nodes.append(node("n%d" % i, {"zone": rng.choice("ab")}, cpus=rng.choice([1, 2, 4]),
                          containers=[_random_container(rng, 100 * i + j) for j in range(rng.randint(0, 4))],
                          health=rng.choice([0, 100, 100])))
    return nodes


def _request(rng):
    request = {"name": "x", "cpus": rng.choice([0, 1, 2]), "constraints": [], "affinities": []}
    if rng.random() < 0.5:
        request["constraints"].append("zone%s%s" % (rng.choice(["==", "!=", "==~"]), rng.choice("ab")))
    if rng.random() < 0.4:
        request["affinities"].append(rng.choice(["container!=web*", "container==c-1*", "container==~db-3"]))
    if rng.random() < 0.5:
        request["ports"] = [port(rng.choice([80, 443]))]
    return request


def _outcome(call):
    try:
        return call()
    except SchedulingError as exc:
        return exc.to_dict()


def test_place_on_prebuilt_nodes_agrees_with_schedule():
    rng = random.Random(3)
    for unused in range(200):
        raws = _cluster(rng)
        request = _request(rng)
        model = [Node.from_dict(raw, i) for i, raw in enumerate(raws)]
        expected = _outcome(lambda: schedule(request, raws))
        got = _outcome(lambda: [n.id for n in place(Request(request), model)])
        assert got == expected, request


def test_replicas_with_pending_reservations_in_place():
    raws = [node("n%d" % i, cpus=4, memory=4 * GIB) for i in range(3)]
    model = [Node.from_dict(raw) for raw in raws]
    request = Request({"name": "web", "cpus": 1, "memory": GIB, "affinities": ["container!=web-1"]})
    chosen = []
    for replica in range(6):
        best = place(request, model)[0]
        best.add_container(Container.pending(request, name="web-%d" % replica))
        chosen.append(best.name)
        # the same placement from dicts with the pending container appended
        raw = next(r for r in raws if r["name"] == best.name)
        raw["containers"].append(container("web-%d" % replica, id="", state="pending", cpus=1, memory=GIB))
        assert schedule(request.raw, raws) == [n.id for n in place(request, model)]
    # spread fans out; web-1's node is excluded by the anti-affinity once it holds it
    assert chosen[:3] == ["n0", "n1", "n2"] and sorted(chosen[3:]) == ["n0", "n0", "n2"]
    assert "n0" not in [n.name for n in place(Request({"affinities": ["container!=web-0"]}), model)]
    with pytest.raises(SchedulingError, match="no resources available"):
        for unused in range(10):
            place(request, model)[0].add_container(Container.pending(request))


def test_still_fits_without_the_container_itself():
    raw = node("n1", {"zone": "a"}, cpus=2, containers=[container("web", id="w1", cpus=2, ports=[port(80)])])
    request = {"name": "web", "cpus": 2, "ports": [port(80)], "constraints": ["zone==a"]}
    for subject in (raw, Node.from_dict(raw)):
        assert still_fits(request, subject, "w1") is None                       # its own port and CPUs
        error = still_fits(request, subject, "other")
        assert error is not None and error.kind == "filter_failed" and error.filter == "port"
        assert still_fits(dict(request, constraints=["zone==b"]), subject, "w1").filter == "constraint"
        assert still_fits(dict(request, constraints=["zone==~b"]), subject, "w1") is None  # soft rules drop
    model_node = Node.from_dict(raw)
    still_fits(request, model_node, "w1")
    assert model_node.container_count == 1                                      # the caller's node is untouched
    with pytest.raises(SchedulingError, match="request 'cpus'"):
        still_fits({"cpus": "2"}, raw, "w1")                                     # bad input raises


def test_defaults_are_exported():
    assert DEFAULT_OVERCOMMIT == 0.05
    nodes = [node("a", cpus=20), node("b", cpus=2)]
    assert names(nodes, schedule({"cpus": 21}, nodes, overcommit=DEFAULT_OVERCOMMIT)) == ["a"]


def test_place_refuses_what_is_not_a_node_list():
    with pytest.raises(SchedulingError, match="nodes must be a list of Node objects"):
        place(Request({}), [node("a")])
    with pytest.raises(SchedulingError, match="No nodes available"):
        place(Request({}), [])


def test_cpu_sums_round_once_like_classic_sums():
    # 3 x 0.3333 CPUs: the sum (0.9999) rounds to 1000 thousandths, parsed or read from the dicts.
    raw = node("n1", containers=[container("c%d" % i, cpus=0.3333) for i in range(3)])
    assert Node.from_dict(raw).usage() == Node.from_dict(raw, lazy=True).usage() == (1000, 0)
    n = Node.from_dict(raw)
    n.remove_container(n.containers[0])
    assert n.usage() == (667, 0) and n.containers[0].cpus == 0.3333


def test_from_dict_checks_everything_unless_lazy():
    raw = {"id": "a", "cpus": "4", "images": "redis", "containers": [{"name": 5}]}
    for broken, message in (({"cpus": "4"}, "'cpus' must be a whole number"), ({"images": "redis"}, "'images' must be"),
                            ({"containers": [{"name": 5}]}, "container 0 field 'name' must be a string")):
        with pytest.raises(SchedulingError, match=message):
            Node.from_dict(dict({"id": "a"}, **broken))
    lazy = Node.from_dict(raw, lazy=True)          # nothing read yet: no error
    assert lazy.id == "a" and lazy.container_count == 1
    with pytest.raises(SchedulingError, match="'cpus' must be a whole number"):
        lazy.cpus  # pylint: disable=pointless-statement
