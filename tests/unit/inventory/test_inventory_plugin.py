# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dockyard.swarm.swarm inventory plugin, parsed as ansible-inventory parses it, with a fake snapshot."""
from __future__ import annotations

import pytest

from tests.unit.inventory.conftest import GIB, FakeSnapshot, NoSnapshot, engine_info, group_hosts

LAB = {
    "10.0.0.1:2376": engine_info("node-1", {"status": "master", "disk": "ssd", "zone": "internal"}),
    "10.0.0.2:2376": engine_info("node-2", {"disk": "ssd", "zone": "external"}, cpus=8, memory=16 * GIB),
    "10.0.0.3:2376": engine_info("node-3", {"disk": "hdd", "zone": "internal"}),
}
ADDRS = sorted(LAB)
EVIL = "EVALU{{ '' }}ATED {{ 6 * 7 }}"  # templated, it would read "EVALUATED 42"


def test_verify_file_accepts_only_swarm_yml_names(plugin_loader, tmp_path):
    plugin = plugin_loader.get("dockyard.swarm.swarm")
    for name, expected in [("lab.swarm.yml", True), ("swarm.yaml", True), ("prod_swarm.yml", True),
                           ("lab.docker.yml", False), ("swarm.yml.bak", False), ("swarm.json", False)]:
        path = tmp_path / name
        path.write_text("plugin: dockyard.swarm.swarm\n")
        assert plugin.verify_file(str(path)) is expected, name
    assert plugin.verify_file(str(tmp_path / "missing.swarm.yml")) is False


def test_hosts_vars_and_groups(inventory_source):
    fake = FakeSnapshot(dict(LAB), containers={"10.0.0.2:2376": 3})
    inventory = inventory_source({"nodes": ADDRS}).parse(fake)

    assert sorted(inventory.hosts) == ["node-1", "node-2", "node-3"]
    assert fake.calls == [ADDRS]
    node2 = inventory.get_host("node-2").get_vars()
    assert node2["ansible_host"] == "10.0.0.2"
    assert node2["docker_host"] == "tcp://10.0.0.2:2376"
    assert node2["swarm_addr"] == "10.0.0.2:2376"
    assert node2["swarm_labels"] == {"disk": "ssd", "zone": "external", "ostype": "linux", "storagedriver": "overlay2"}
    assert (node2["swarm_health"], node2["swarm_status"], node2["swarm_error"]) == (100, "Healthy", None)
    assert (node2["swarm_cpus"], node2["swarm_memory"], node2["swarm_containers"]) == (8, 16 * GIB, 3)
    assert (node2["swarm_name"], node2["swarm_id"], node2["swarm_server_version"]) == ("node-2", "ID-node-2", "24.0.7")
    assert group_hosts(inventory, "label_zone_external") == ["node-2"]
    assert group_hosts(inventory, "label_zone_internal") == ["node-1", "node-3"]
    assert group_hosts(inventory, "label_status_master") == ["node-1"]
    assert group_hosts(inventory, "label_ostype_linux") == ["node-1", "node-2", "node-3"]
    assert group_hosts(inventory, "healthy") == ["node-1", "node-2", "node-3"]
    assert group_hosts(inventory, "unhealthy") == []


def test_unreachable_engine_is_unhealthy_and_named_by_address(inventory_source):
    engines = dict(LAB)
    engines["10.0.0.3:2376"] = "Engine 10.0.0.3:2376: connection refused: no Docker engine listens there."
    run = inventory_source({"nodes": ADDRS})
    inventory = run.parse(FakeSnapshot(engines))

    assert sorted(inventory.hosts) == ["10.0.0.3:2376", "node-1", "node-2"]
    down = inventory.get_host("10.0.0.3:2376").get_vars()
    assert (down["swarm_health"], down["swarm_status"]) == (0, "Unhealthy")
    assert "connection refused" in down["swarm_error"]
    assert down["ansible_host"] == "10.0.0.3"
    assert group_hosts(inventory, "unhealthy") == ["10.0.0.3:2376"]
    assert group_hosts(inventory, "healthy") == ["node-1", "node-2"]
    assert len(run.warnings) == 1
    assert "1 of 3 engines" in run.warnings[0] and "10.0.0.3:2376" in run.warnings[0]


def test_hostnames_addr_keeps_names_while_an_engine_is_down(inventory_source):
    run = inventory_source({"nodes": ADDRS, "hostnames": "addr"})
    up = run.parse(FakeSnapshot(dict(LAB)))
    down = run.parse(FakeSnapshot({addr: info for addr, info in LAB.items() if addr != "10.0.0.2:2376"}))
    assert sorted(up.hosts) == sorted(down.hosts) == ADDRS
    assert group_hosts(up, "label_zone_external") == ["10.0.0.2:2376"]
    assert group_hosts(down, "unhealthy") == ["10.0.0.2:2376"]


def test_engines_sharing_a_name_get_distinct_names_whatever_the_order(inventory_source):
    engines = {"10.0.0.1:2376": engine_info("docker"), "10.0.0.2:2376": engine_info("docker"),
               "10.0.0.3:2376": engine_info("node-3")}
    expected = ["docker_10.0.0.1_2376", "docker_10.0.0.2_2376", "node-3"]
    forward = inventory_source({"nodes": ADDRS}).parse(FakeSnapshot(engines))
    backward = inventory_source({"nodes": list(reversed(ADDRS))}, name="b.swarm.yml").parse(FakeSnapshot(engines))
    assert sorted(forward.hosts) == sorted(backward.hosts) == expected
    assert forward.get_host("docker_10.0.0.2_2376").get_vars()["swarm_addr"] == "10.0.0.2:2376"
    assert backward.get_host("docker_10.0.0.2_2376").get_vars()["swarm_addr"] == "10.0.0.2:2376"


def test_label_with_braces_is_never_templated_and_other_values_are_plain(inventory_source):
    from ansible.template import Templar

    engines = {"10.0.0.1:2376": engine_info("node-1", {"zone": "external", "evil": EVIL, "note{x}": "ok"})}
    inventory = inventory_source({"nodes": ["10.0.0.1:2376"]}).parse(FakeSnapshot(engines))
    variables = inventory.get_host("node-1").get_vars()
    assert variables["swarm_labels"]["evil"] == EVIL

    templar = Templar(loader=None, variables=variables)
    assert templar.template(variables["swarm_labels"]["evil"]) == EVIL
    assert templar.template(variables["swarm_labels"]["zone"]) == "external"
    # Group names from a label with braces are sanitised, never templated.
    assert "label_evil_EVALU________ATED____6___7___" in inventory.groups
    assert "label_note_x__ok" in inventory.groups


def test_trust_marks_follow_the_brace_rule(inventory_source):
    pytest.importorskip("ansible.template", reason="needs ansible-core with data tagging")
    from ansible import template

    if not hasattr(template, "is_trusted_as_template"):
        pytest.skip("ansible-core < 2.19 has no trust tags")
    engines = {"10.0.0.1:2376": engine_info("node-1", {"zone": "external", "evil": EVIL})}
    variables = inventory_source({"nodes": ["10.0.0.1:2376"]}).parse(FakeSnapshot(engines)).get_host("node-1").get_vars()
    assert not template.is_trusted_as_template(variables["swarm_labels"]["evil"])
    for value in (variables["ansible_host"], variables["docker_host"], variables["swarm_labels"]["zone"], variables["swarm_name"]):
        assert template.is_trusted_as_template(value), value


def test_query_engines_false_contacts_no_engine(inventory_source):
    inventory = inventory_source({"nodes": ADDRS, "query_engines": False}).parse(NoSnapshot())
    assert sorted(inventory.hosts) == ADDRS
    variables = inventory.get_host("10.0.0.2:2376").vars
    assert {key: value for key, value in variables.items() if not key.startswith("inventory_")} == {
        "ansible_host": "10.0.0.2", "docker_host": "tcp://10.0.0.2:2376", "swarm_addr": "10.0.0.2:2376"}
    assert "healthy" not in inventory.groups and "unhealthy" not in inventory.groups


def test_label_groups_can_be_switched_off(inventory_source):
    inventory = inventory_source({"nodes": ADDRS, "label_groups": False}).parse(FakeSnapshot(dict(LAB)))
    assert not [group for group in inventory.groups if group.startswith("label_")]
    assert group_hosts(inventory, "healthy") == ["node-1", "node-2", "node-3"]


def test_constructed_compose_groups_and_keyed_groups(inventory_source):
    config = {
        "nodes": ADDRS,
        "compose": {"memory_gib": "swarm_memory // 1073741824", "zone": "swarm_labels.zone"},
        "groups": {"big": "swarm_cpus >= 8", "ssd_internal": "swarm_labels.disk == 'ssd' and swarm_labels.zone == 'internal'"},
        "keyed_groups": [{"key": "swarm_labels.disk", "prefix": "disk"}, {"key": "swarm_status", "prefix": "state"}],
    }
    inventory = inventory_source(config).parse(FakeSnapshot(dict(LAB)))
    assert int(inventory.get_host("node-2").get_vars()["memory_gib"]) == 16  # a string before ansible-core 2.19
    assert inventory.get_host("node-1").get_vars()["zone"] == "internal"
    assert group_hosts(inventory, "big") == ["node-2"]
    assert group_hosts(inventory, "ssd_internal") == ["node-1"]
    assert group_hosts(inventory, "disk_hdd") == ["node-3"]
    assert group_hosts(inventory, "state_Healthy") == ["node-1", "node-2", "node-3"]


def test_strict_makes_a_bad_compose_expression_fail(inventory_source):
    from ansible.errors import AnsibleError

    config = {"nodes": ADDRS, "compose": {"x": "swarm_labels.nosuchlabel.deeper"}}
    inventory_source(config).parse(FakeSnapshot(dict(LAB)))  # not strict: skipped
    with pytest.raises(AnsibleError, match="nosuchlabel"):
        inventory_source(dict(config, strict=True), name="strict.swarm.yml").parse(FakeSnapshot(dict(LAB)))


def test_cache_hit_makes_no_discovery_or_engine_call(inventory_source, tmp_path):
    cluster = tmp_path / "cluster.conf"
    cluster.write_text("\n".join(ADDRS) + "\n")
    config = {"discovery": "file://%s" % cluster, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(tmp_path / "cache"), "cache_timeout": 600}
    run = inventory_source(config)
    fake = FakeSnapshot(dict(LAB))
    first = run.parse(fake)
    assert len(fake.calls) == 1 and sorted(first.hosts) == ["node-1", "node-2", "node-3"]
    assert list((tmp_path / "cache").iterdir()), "the jsonfile cache wrote nothing"

    cluster.unlink()  # discovery would now fail, and the engines must not be read
    second = run.parse(NoSnapshot())
    assert sorted(second.hosts) == ["node-1", "node-2", "node-3"]
    assert second.get_host("node-2").get_vars() == first.get_host("node-2").get_vars()
    assert group_hosts(second, "label_zone_external") == ["node-2"]

    # --flush-cache (cache=False) goes to the source again, and reports it failing.
    from ansible.errors import AnsibleParserError

    with pytest.raises(AnsibleParserError, match="file://"):
        run.parse(NoSnapshot(), cache=False)


def test_cache_of_another_format_is_refreshed(inventory_source, tmp_path):
    config = {"nodes": ADDRS, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(tmp_path / "cache")}
    run = inventory_source(config)
    run.parse(FakeSnapshot(dict(LAB)))
    plugin = run.plugin
    key = plugin.get_cache_key(str(run.path))
    plugin._cache[key] = {"version": 0, "hosts": ["old"]}
    plugin.update_cache_if_changed()
    fake = FakeSnapshot(dict(LAB))
    assert sorted(run.parse(fake).hosts) == ["node-1", "node-2", "node-3"]
    assert len(fake.calls) == 1


def test_cache_written_for_another_source_or_mode_is_refreshed(inventory_source, tmp_path):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}
    run = inventory_source(dict(cache, nodes=ADDRS))
    run.parse(FakeSnapshot(dict(LAB)))
    # The same file (same cache key), edited: one engine less, then addresses only.
    run.path.write_text(run.path.read_text().replace("- 10.0.0.3:2376\n", ""))
    fake = FakeSnapshot(dict(LAB))
    assert sorted(run.parse(fake).hosts) == ["node-1", "node-2"] and len(fake.calls) == 1
    run.path.write_text(run.path.read_text() + "query_engines: false\n")
    assert sorted(run.parse(NoSnapshot()).hosts) == ["10.0.0.1:2376", "10.0.0.2:2376"]


def test_cached_brace_label_is_still_unsafe(inventory_source, tmp_path):
    from ansible.template import Templar

    engines = {"10.0.0.1:2376": engine_info("node-1", {"evil": EVIL})}
    config = {"nodes": ["10.0.0.1:2376"], "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(tmp_path / "cache")}
    run = inventory_source(config)
    run.parse(FakeSnapshot(engines))
    variables = run.parse(NoSnapshot()).get_host("node-1").get_vars()
    assert Templar(loader=None, variables=variables).template(variables["swarm_labels"]["evil"]) == EVIL


@pytest.mark.parametrize("config, words", [
    ({"discovery": "file:///nonexistent/dockyard/cluster.conf"}, ["file:///nonexistent/dockyard/cluster.conf"]),
    ({"discovery": "token://abc"}, ["token://", "2019"]),
    ({"discovery": "consul://127.0.0.1:8500/x", "nodes": ["10.0.0.1:2376"]}, ["either nodes or discovery"]),
    ({}, ["No cluster given", "SWARM_DISCOVERY"]),
])
def test_broken_discovery_fails_naming_the_source(inventory_source, config, words):
    from ansible.errors import AnsibleParserError

    with pytest.raises(AnsibleParserError) as info:
        inventory_source(config).parse(NoSnapshot())
    message = str(info.value)
    assert message.startswith("dockyard.swarm.swarm: ")
    for word in words:
        assert word in message


def test_bad_engine_tls_settings_fail_naming_the_source(inventory_source):
    from ansible.errors import AnsibleParserError

    config = {"nodes": ADDRS, "validate_certs": True, "ca_path": "/nonexistent/ca.pem"}
    with pytest.raises(AnsibleParserError, match=r"nodes://10\.0\.0\.1:2376.*ca_path=/nonexistent/ca.pem"):
        inventory_source(config).parse(NoSnapshot())


def test_options_reach_the_engine_and_discovery_layers(inventory_source, tmp_path, monkeypatch):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("DOCKER_CLIENT_KEY", str(tmp_path / "key.pem"))
    config = {"nodes": ADDRS, "validate_certs": True, "ca_cert": str(tmp_path / "ca.pem"),
              "tls_client_cert": str(tmp_path / "cert.pem"), "timeout": 7, "api_version": "1.41"}
    fake = FakeSnapshot(dict(LAB))
    inventory_source(config).parse(fake)
    options = fake.options[0]
    assert (options.validate_certs, options.timeout, options.api_version) == (True, 7.0, "1.41")
    assert (options.ca_path, options.client_cert, options.client_key) == (
        str(tmp_path / "ca.pem"), str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))


def test_docker_cert_path_and_tls_verify_from_the_environment(inventory_source, tmp_path, monkeypatch):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    monkeypatch.setenv("SWARM_DISCOVERY", ",".join(ADDRS))
    fake = FakeSnapshot(dict(LAB))
    assert sorted(inventory_source({}).parse(fake).hosts) == ["node-1", "node-2", "node-3"]
    options = fake.options[0]
    assert options.validate_certs and options.ca_path == str(tmp_path / "ca.pem")
    assert options.client_key == str(tmp_path / "key.pem")


def test_every_shared_option_and_secret_env_is_documented(plugin_loader):
    from ansible import constants
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DISCOVERY_OPTIONS
    from ansible_collections.dockyard.swarm.plugins.module_utils._engine import CONNECTION_OPTIONS

    plugin = plugin_loader.get("dockyard.swarm.swarm")
    definitions = constants.config.get_configuration_definitions("inventory", plugin._load_name)
    for name in list(DISCOVERY_OPTIONS) + list(CONNECTION_OPTIONS) + ["query_engines", "hostnames", "cache", "compose"]:
        assert name in definitions, name
    for secret in ("discovery_token", "discovery_password", "discovery_username", "discovery_ca_cert",
                   "discovery_client_cert", "discovery_client_key", "ca_path", "client_cert", "client_key",
                   "validate_certs", "tls"):
        assert definitions[secret].get("env"), "%s has no env entry" % secret
    assert definitions["plugin"]["choices"] == ["dockyard.swarm.swarm"]
