# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host naming, group names, unsafe marking and gathering of the inventory (plugin_utils._inventory)."""
from __future__ import annotations

import json

import pytest

from ansible_collections.dockyard.swarm.plugins.plugin_utils import _inventory
from tests.unit.inventory.conftest import FakeSnapshot, NoSnapshot, engine_info


def records(*pairs):
    return [{"addr": addr, "name": name} for addr, name in pairs]


def test_names_fall_back_to_the_address():
    assert _inventory.host_names(records(("10.0.0.1:2376", "node-1"), ("10.0.0.2:2376", ""))) == ["node-1", "10.0.0.2:2376"]


def test_shared_names_are_qualified_by_address_independent_of_order():
    pairs = [("10.0.0.2:2376", "docker"), ("10.0.0.1:2376", "docker"), ("[fd00::1]:2376", "docker"), ("10.0.0.9:2376", "other")]
    names = dict(zip([p[0] for p in pairs], _inventory.host_names(records(*pairs))))
    again = dict(zip([p[0] for p in reversed(pairs)], _inventory.host_names(records(*reversed(pairs)))))
    assert names == again == {"10.0.0.2:2376": "docker_10.0.0.2_2376", "10.0.0.1:2376": "docker_10.0.0.1_2376",
                              "[fd00::1]:2376": "docker_fd00_1_2376", "10.0.0.9:2376": "other"}


def test_a_qualified_name_meeting_a_plain_one_is_numbered():
    pairs = [("10.0.0.1:2376", "a"), ("10.0.0.2:2376", "a"), ("10.0.0.3:2376", "a_10.0.0.1_2376")]
    names = _inventory.host_names(records(*pairs))
    assert len(set(names)) == 3
    assert names == ["a_10.0.0.1_2376_1", "a_10.0.0.2_2376", "a_10.0.0.1_2376_2"]


def test_addr_names_and_bad_choice():
    assert _inventory.host_names(records(("10.0.0.1:2376", "n")), "addr") == ["10.0.0.1:2376"]
    with pytest.raises(ValueError, match="hostnames"):
        _inventory.host_names(records(("10.0.0.1:2376", "n")), "id")


@pytest.mark.parametrize("key, value, group", [
    ("zone", "external", "label_zone_external"),
    ("com.example.rack", "r-12/b", "label_com_example_rack_r_12_b"),
    ("disk", "", "label_disk_"),
    ("zone", "zürich", "label_zone_z_rich"),
])
def test_label_groups_are_sanitised(key, value, group):
    assert _inventory.label_group(key, value) == group


def test_ansible_host_strips_port_and_brackets():
    assert _inventory.ansible_host("10.0.0.1:2376") == "10.0.0.1"
    assert _inventory.ansible_host("[fd00::1]:2376") == "fd00::1"
    assert _inventory.ansible_host("docker-a.example:2376") == "docker-a.example"


def test_make_unsafe_only_touches_brace_strings():
    from ansible import template

    value = {"a": "plain", "b": ["x{", "y"], "c": 3, "d": None, "e{": ("}",)}
    marked = _inventory.make_unsafe(value)
    assert marked == value
    unsafe = [marked["b"][0], [key for key in marked if key.startswith("e")][0], marked["e{"][0]]
    ordinary = [marked["a"], marked["b"][1]]
    if hasattr(template, "is_trusted_as_template"):  # ansible-core 2.19+: ordinary strings are trusted
        assert not any(template.is_trusted_as_template(item) for item in unsafe)
        assert all(template.is_trusted_as_template(item) for item in ordinary)
    else:  # pragma: no cover - older ansible-core: brace strings are wrapped
        from ansible.utils.unsafe_proxy import AnsibleUnsafe

        assert all(isinstance(item, AnsibleUnsafe) for item in unsafe)
        assert not any(isinstance(item, AnsibleUnsafe) for item in ordinary)


def test_failure_summary_names_at_most_five_engines():
    failed = [{"addr": "10.0.0.%d:2376" % n, "queried": True, "status": "Unhealthy",
               "error": "Engine 10.0.0.%d:2376: timeout" % n} for n in range(1, 9)]
    healthy = [{"addr": "10.0.1.1:2376", "queried": True, "status": "Healthy", "error": None}]
    text = _inventory.failure_summary(failed + healthy, "consul://c:8500/swarm")
    assert text.startswith("8 of 9 engines from consul://c:8500/swarm are unhealthy")
    assert "10.0.0.5:2376" in text and "10.0.0.6:2376" not in text and "(and 3 more)" in text
    assert "10.0.0.1:2376: Engine" not in text  # the address is not repeated when the error names it
    assert _inventory.failure_summary(healthy, "x") is None
    assert _inventory.failure_summary([{"addr": "a:1", "queried": False}], "x") is None


def test_gather_reads_a_cluster_file_and_is_json_serialisable(tmp_path):
    cluster = tmp_path / "cluster.conf"
    cluster.write_text("# lab\n10.0.0.2:2376\n10.0.0.1:2376  # first\n10.0.0.2:2376\n")
    fake = FakeSnapshot({"10.0.0.1:2376": engine_info("a"), "10.0.0.2:2376": engine_info("b")}, containers={"10.0.0.1:2376": 2})
    data = _inventory.gather({"discovery": "file://%s" % cluster}, environ={}, snapshot_fn=fake)
    assert fake.calls == [["10.0.0.2:2376", "10.0.0.1:2376"]]
    assert fake.info_only == [True], "the inventory needs only /info from each engine"
    assert data["source"] == "file://%s" % cluster
    assert [(engine["name"], engine["containers"]) for engine in data["engines"]] == [("b", 0), ("a", 2)]
    assert json.loads(json.dumps(data)) == data
    source = "file://%s" % cluster
    assert _inventory.valid_cached(data, source, True)
    assert not _inventory.valid_cached(data, source, False)
    assert not _inventory.valid_cached(data, "file:///elsewhere", True)
    assert not _inventory.valid_cached(dict(data, version=0), source, True)
    assert not _inventory.valid_cached(dict(data, engines=[{"name": "x"}]), source, True)


def test_gather_of_an_empty_source_reads_no_engine(tmp_path):
    cluster = tmp_path / "cluster.conf"
    cluster.write_text("# nobody yet\n")
    data = _inventory.gather({"discovery": "file://%s" % cluster}, environ={}, snapshot_fn=NoSnapshot())
    assert data["engines"] == []


def test_gather_without_query_lists_addresses_only():
    data = _inventory.gather({"nodes": ["10.0.0.[1:3]:2376"]}, query_engines=False, environ={}, snapshot_fn=NoSnapshot())
    assert [engine["addr"] for engine in data["engines"]] == ["10.0.0.1:2376", "10.0.0.2:2376", "10.0.0.3:2376"]
    assert all(engine["queried"] is False for engine in data["engines"])


def test_missing_docker_sdk_fails_the_inventory(monkeypatch):
    from ansible_collections.dockyard.swarm.plugins.module_utils._engine import MissingDockerSDKError

    def missing():
        raise MissingDockerSDKError("The Python package 'docker' ... is not installed on this host (pip install docker).")

    monkeypatch.setattr(_inventory, "docker_sdk", missing)
    with pytest.raises(_inventory.InventorySourceError, match=r"nodes://10\.0\.0\.1:2376.*pip install docker"):
        _inventory.gather({"nodes": ["10.0.0.1:2376"]}, environ={})
