# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filter plugins registrator_services, swarm_expressions and swarm_place (called as Python functions)."""
from __future__ import annotations

import base64

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.dockyard.swarm.plugins.filter import registrator_services as rs_plugin
from ansible_collections.dockyard.swarm.plugins.filter import swarm_expressions as se_plugin
from ansible_collections.dockyard.swarm.plugins.filter import swarm_place as sp_plugin
from ansible_collections.dockyard.swarm.plugins.filter.registrator_services import registrator_services
from ansible_collections.dockyard.swarm.plugins.filter.swarm_expressions import swarm_expressions
from ansible_collections.dockyard.swarm.plugins.filter.swarm_place import swarm_place

from tests.unit.scheduler.helpers import container, node, port


def test_filter_modules_register_their_names():
    assert set(rs_plugin.FilterModule().filters()) == {"registrator_services"}
    assert set(se_plugin.FilterModule().filters()) == {"swarm_expressions"}
    assert set(sp_plugin.FilterModule().filters()) == {"swarm_place"}


def test_registrator_services_from_consul_json():
    items = [{"Key": "services/web/h:web:80", "Value": base64.b64encode(b"10.0.0.2:80").decode(), "Flags": 0},
             {"Key": "services/web/h:web2:80", "Value": base64.b64encode(b"10.0.0.1:80").decode()},
             {"Key": "services/bad name/h:x:80", "Value": "10.0.0.1:80"},
             {"Key": "services/db/h:db:5432", "Value": "10.0.0.1:5432; }"}]
    assert registrator_services(items) == {"bad name": ["10.0.0.1:80"], "db": ["10.0.0.1:5432; }"],
                                           "web": ["10.0.0.1:80", "10.0.0.2:80"]}
    assert registrator_services(items, "services", strict=True) == {"db": [], "web": ["10.0.0.1:80", "10.0.0.2:80"]}


def test_registrator_services_errors():
    with pytest.raises(AnsibleFilterError, match="registrator_services: a KV prefix"):
        registrator_services({}, "")
    with pytest.raises(AnsibleFilterError, match="KV items must be"):
        registrator_services("text")


@pytest.mark.parametrize("given, expected", [
    ([" zone==external ", "disk==~ssd", "zone==external"], ["zone==external", "disk==~ssd"]),
    ("node!=node-1", ["node!=node-1"]),
    (None, []),
    (["image==/^busy.*/"], ["image==/^busy.*/"]),
])
def test_swarm_expressions_normalise(given, expected):
    assert swarm_expressions(given) == expected


@pytest.mark.parametrize("given, kind, message", [
    (["zone=external"], "constraint", 'constraint "zone=external" is invalid: one of the operators'),
    (["container==a;b"], "affinity", 'affinity "container==a;b" is invalid: value .* contains \';\''),
    ([3], "constraint", "constraint 3 is invalid"),
    (["zone==x"], "nonsense", "kind must be one of"),
    ({"zone": "x"}, "constraint", "expected a list"),
])
def test_swarm_expressions_errors(given, kind, message):
    with pytest.raises(AnsibleFilterError, match=message):
        swarm_expressions(given, kind)


def cluster():
    return {"nodes": [
        node("node-1", {"zone": "internal", "disk": "ssd"}, containers=[container("c1"), container("c2")]),
        node("node-2", {"zone": "external", "disk": "ssd"},
             containers=[container("web", ports=[port(80)], exposed_ports=["80/tcp"])]),
        node("node-3", {"zone": "internal", "disk": "hdd"}),
        node("node-4", {"zone": "external"}, health=0),
    ]}


def test_swarm_place_ranks_like_the_scheduler():
    assert swarm_place(cluster(), {"name": "x", "image": "busybox"}) == ["node-3", "node-2", "node-1"]
    assert swarm_place(cluster()["nodes"], {"image": "busybox"}, strategy="binpack") == ["node-1", "node-2", "node-3"]
    internal = {"image": "busybox", "constraints": ["zone==internal"]}
    assert swarm_place(cluster(), internal, key="id") == ["ID-node-3", "ID-node-1"]
    assert swarm_place(cluster(), {"image": "busybox", "env": ["constraint:disk==ssd"]}) == ["node-2", "node-1"]


def test_swarm_place_uses_swarm_container_option_forms():
    # "80:80" as swarm_container takes it: node-2 already publishes 80
    assert swarm_place(cluster(), {"image": "busybox", "ports": ["80:80"]}) == ["node-3", "node-1"]
    assert swarm_place(cluster(), {"image": "busybox", "memory": "64M", "cpus": 0.5}) == ["node-3", "node-2", "node-1"]


@pytest.mark.parametrize("snapshot, request_, kwargs, message", [
    (None, {"image": "busybox", "constraints": ["zone==mars"]}, {}, "swarm_place: Unable to find a node"),
    (None, {"image": "busybox", "constraints": ["zone=mars"]}, {}, 'constraint "zone=mars" is invalid'),
    (None, {"image": "busybox", "ports": ["eighty"]}, {}, "swarm_place: ports"),
    (None, {"image": "busybox"}, {"strategy": "nope"}, "swarm_place: .*nope"),
    (None, {"image": "busybox"}, {"key": "label"}, "key must be one of"),
    ({"no": "nodes"}, {"image": "busybox"}, {}, "swarm_info result"),
    (["x"], {"image": "busybox"}, {}, "list of node mappings"),
    (None, "busybox", {}, "mapping of swarm_container options"),
])
def test_swarm_place_errors(snapshot, request_, kwargs, message):
    with pytest.raises(AnsibleFilterError, match=message):
        swarm_place(cluster() if snapshot is None else snapshot, request_, **kwargs)


def test_swarm_place_names_the_filter_and_expression():
    with pytest.raises(AnsibleFilterError) as info:
        swarm_place(cluster(), {"image": "busybox", "constraints": ["zone==external", "disk==hdd"]})
    assert "constraint" in str(info.value) and "disk==hdd" in str(info.value)
