# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    Node, Request, SchedulingError, natural_key, schedule)
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.model import build_nodes

from .helpers import cid, container, node


def test_minimal_node_and_request_are_accepted():
    # Only id is required; everything else defaults to empty (health to 100).
    assert schedule({}, [{"id": "a"}]) == ["a"]
    assert schedule({"name": None, "env": None, "ports": None}, [{"id": "a", "labels": None}]) == ["a"]


def test_node_name_defaults_to_id():
    assert Node({"id": "abc"}).name == "abc"


@pytest.mark.parametrize("nodes, message", [
    ("node-1", "nodes must be a list"),
    ([["id", "a"]], "node 0: must be a mapping"),
    ([{"name": "x"}], "node 0: 'id' must be a non-empty string"),
    ([{"id": "a", "labels": ["zone=x"]}], "node 0 \\(id 'a'\\): 'labels' must be a mapping"),
    ([{"id": "a", "health": 150}], "'health' must be a number 0..100"),
    ([{"id": "a", "health": True}], "'health' must be a number 0..100"),
    ([{"id": "a"}, {"id": "a"}], "node ids must be unique; duplicated: a"),
])
def test_invalid_nodes(nodes, message):
    with pytest.raises(SchedulingError, match=message):
        schedule({}, nodes)


@pytest.mark.parametrize("raw, message", [
    ({"id": "a", "cpus": "4"}, "'cpus' must be a whole number"),
    ({"id": "a", "memory": -1}, "'memory' must be a whole number"),
    ({"id": "a", "containers": "web"}, "'containers' must be a list"),
    ({"id": "a", "containers": ["web"]}, "container 0 must be a mapping"),
    ({"id": "a", "containers": [{"name": "w", "cpus": "1"}]}, "container 'w' 'cpus'"),
    ({"id": "a", "containers": [{"name": "w", "memory": 1.5}]}, "container 'w' 'memory'"),
])
def test_invalid_node_fields_found_when_used(raw, message):
    with pytest.raises(SchedulingError, match=message):
        schedule({"cpus": 1, "memory": 1}, [raw])


@pytest.mark.parametrize("request_, message", [
    ("web", "request must be a mapping"),
    ({"cpus": "1"}, "request 'cpus' must be a number"),
    ({"cpus": -1}, "request 'cpus' must be a number"),
    ({"memory": "1g"}, "request 'memory' must be a whole number"),
    ({"ports": "80:80"}, "request 'ports' must be a list"),
    ({"ports": [{"host_port": "http"}]}, "host_port must be a port number"),
    ({"exposed_ports": "80/tcp"}, "exposed_ports"),
    ({"exposed_ports": ["http"]}, "exposed_ports"),
    ({"network_mode": 1}, "network_mode"),
    ({"links": "db"}, "links"),
])
def test_invalid_request(request_, message):
    with pytest.raises(SchedulingError, match=message):
        schedule(request_, [{"id": "a"}])


@pytest.mark.parametrize("containers, request_, message", [
    ([{"name": 5}], {"affinities": ["container==x"]}, "container 0 field 'name' must be a string, got int 5"),
    ([{"name": "w", "labels": ["a=b"]}], {"affinities": ["tier==x"]}, "container 'w' field 'labels' must be a mapping"),
    ([{"name": "w", "ports": [80]}], {"ports": [{"host_port": 80}]}, "node 'a' container 'w' port must be a mapping"),
    ([{"name": "w", "id": 7}], {"links": ["abcdefabcdef"]}, "container 'w' field 'id' must be a string"),
    ([{"name": "w", "network_mode": "host", "exposed_ports": ["http"]}],
     {"network_mode": "host", "exposed_ports": ["80"]}, "exposed port must be a port like '80/tcp'"),
])
def test_wrong_container_fields_are_named(containers, request_, message):
    with pytest.raises(SchedulingError, match=message):
        schedule(request_, [{"id": "a", "containers": containers}])


def test_wrong_types_not_read_are_not_reported():
    # Nodes are read lazily: a node removed by a label constraint is not inspected further.
    nodes = [{"id": "a", "labels": {"zone": "x"}, "containers": [{"name": 5}]}, {"id": "b"}]
    assert schedule({"constraints": ["zone!=x"]}, nodes) == ["b"]


def test_request_normalisation():
    r = Request({"cpus": 0.5, "memory": 2.0, "network_mode": "container:db",
                 "ports": [{"host_port": "8080", "container_port": "80/udp"}, {"container_port": 81}],
                 "exposed_ports": ["90", 91, "92/UDP"], "volumes_from": ["data:ro"], "links": ["cache:c"]})
    assert r.cpus_m == 500 and r.memory == 2
    assert r.ports[0].host_port == 8080 and r.ports[0].protocol == "udp" and r.ports[0].container_port == "80"
    assert r.ports[1].host_port is None
    assert r.exposed == ("90/tcp", "91/tcp", "92/udp", "80/udp", "81/tcp")
    assert r.dependencies == (("--volumes-from=data:ro", "data"), ("--link=cache:c", "cache"),
                              ("--net=container:db", "db"))


def test_natural_key():
    names = ["node-10", "node-2", "node-1", "node-1a", "alpha"]
    assert sorted(names, key=natural_key) == ["alpha", "node-1", "node-1a", "node-2", "node-10"]


def found(n, ref):
    """Name of the container a reference resolves to (find_container returns a typed Container)."""
    container_ = n.find_container(ref)
    return None if container_ is None else container_.name


def test_find_container_resolution_order():
    db = container("db", labels={"com.docker.swarm.id": "f" * 64})
    web = container("/web")
    n = build_nodes([node("n1", containers=[db, web], id="E1")])[0]
    assert found(n, db["id"]) == "db"
    assert found(n, db["id"][:12]) == "db"
    assert found(n, "f" * 64) == "db"            # Swarm ID
    assert found(n, "f" * 12) == "db"            # short Swarm ID
    assert found(n, "db") == "db"
    assert found(n, "/db") == "db"
    assert found(n, "web") == "web"              # stored name has a leading /
    assert found(n, "n1/db") == "db"             # <node name>/name
    assert found(n, "E1/db") == "db"             # <node id>/name
    assert found(n, db["id"][:5]) == "db"        # unique prefix
    assert n.find_container("nope") is None
    assert n.find_container("") is None


def test_find_container_ambiguous_prefix_is_not_found():
    a = container("a", id="abc" + "0" * 61)
    b = container("b", id="abd" + "0" * 61)
    n = build_nodes([node("n1", containers=[a, b])])[0]
    assert n.find_container("ab") is None
    assert found(n, "abc") == "a"


def test_usage_sums_all_containers_with_fractional_cpus():
    n = build_nodes([node("n1", containers=[
        container("a", cpus=0.5, memory=100, state="running"),
        container("b", cpus=0.25, memory=50, state="exited"),
        container("c", cpus=None, memory=None, state="created"),
        container("d", cpus=1, memory=1, state="pending", id=""),
    ])])[0]
    assert n.usage() == (1750, 151)


def test_cid_helper_is_stable():
    assert cid("x") == cid("x") and len(cid("x")) == 64


def test_mapping_types_other_than_dict_are_accepted():
    from types import MappingProxyType
    nodes = [MappingProxyType({"id": "a", "labels": MappingProxyType({"zone": "x"})}), {"id": "b"}]
    assert schedule({"constraints": ["zone==x"]}, nodes) == ["a"]
    assert schedule(MappingProxyType({"constraints": ["zone!=x"]}), nodes) == ["b"]


def test_exposed_ports_in_docker_api_form():
    assert Request({"exposed_ports": {"80/tcp": {}, "53/udp": {}}}).exposed == ("80/tcp", "53/udp")
