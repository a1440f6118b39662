# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The dockyard.swarm.swarm inventory against the lab: ansible-inventory and ansible-playbook, as users run them.

The three lab engines are registered under a fresh prefix in Consul, etcd and ZooKeeper (or
listed in a cluster file) for each test, and removed afterwards. The engines are not assumed to
be empty: only their names, addresses and fixed labels are asserted exactly.
"""
from __future__ import annotations

import json
import shutil
import socket
import time

import pytest

from tests.integration.inventory_plugin.helpers import (
    BIN,
    files_in,
    group,
    hosts,
    inventory_env,
    inventory_graph,
    inventory_list,
    lab_tls,
    playbook,
    registered,
    run,
    write_source,
)

pytestmark = pytest.mark.integration

NODES = ["node-1", "node-2", "node-3"]
CLOSED_PORT = "10.231.3.2:2399"  # node-3's address, a port nothing listens on: refused at once


def squash(text):
    """Text without white space: ansible-core before 2.19 wraps warnings at the terminal width, inside words."""
    return "".join(text.split())


def lab_addresses(lab):
    return [engine["addr"] for engine in lab["engines"]]


@pytest.mark.parametrize("kind, enabled", [
    ("consul", None),  # through the `auto` inventory plugin, as AWX and the default configuration load it
    ("etcd", "dockyard.swarm.swarm"),
    ("zk", "dockyard.swarm.swarm"),
    ("file", None),
])
def test_list_and_graph_from_each_source(lab, ansible_env, tmp_path, kind, enabled):
    env = inventory_env(ansible_env, **({"ANSIBLE_INVENTORY_ENABLED": enabled} if enabled else {}))
    with registered(lab, kind, lab_addresses(lab), tmp_path) as url:
        source = write_source(tmp_path, dict(lab_tls(lab), discovery=url))
        listing = inventory_list(source, env)
        graph = inventory_graph(source, env)

    assert hosts(listing) == NODES
    for engine in lab["engines"]:
        variables = listing["_meta"]["hostvars"][engine["name"]]
        assert variables["swarm_addr"] == engine["addr"]
        assert variables["ansible_host"] == engine["addr"].split(":")[0]
        assert variables["docker_host"] == engine["docker_host"]
        assert {key: variables["swarm_labels"][key] for key in engine["labels"]} == engine["labels"]
        assert variables["swarm_labels"]["ostype"] == "linux"
        assert (variables["swarm_health"], variables["swarm_status"], variables["swarm_error"]) == (100, "Healthy", None)
        assert variables["swarm_cpus"] > 0 and variables["swarm_memory"] > 0
        assert isinstance(variables["swarm_containers"], int) and variables["swarm_containers"] >= 0
    assert group(listing, "label_zone_external") == ["node-2"]
    assert group(listing, "label_zone_internal") == ["node-1", "node-3"]
    assert group(listing, "label_disk_ssd") == ["node-1", "node-2"]
    assert group(listing, "label_disk_hdd") == ["node-3"]
    assert group(listing, "label_status_master") == ["node-1"]
    assert group(listing, "healthy") == NODES
    assert group(listing, "unhealthy") == []
    assert "  |--@label_zone_external:\n  |  |--node-2\n" in graph
    assert "  |--@healthy:\n  |  |--node-1\n  |  |--node-2\n  |  |--node-3\n" in graph


@pytest.mark.parametrize("how", ["cert_path", "one_file_each"])
def test_tls_and_store_settings_from_the_environment(lab, ansible_env, tmp_path, how):
    """Nothing about TLS or the store's address in the file: the environment, as an AWX credential injects it.

    cert_path: DOCKER_TLS_VERIFY + DOCKER_CERT_PATH (ansible_env). one_file_each: DOCKER_CA_PATH,
    DOCKER_CLIENT_CERT, DOCKER_CLIENT_KEY (what a credential's file injectors can set) and no DOCKER_CERT_PATH.
    """
    env = inventory_env(ansible_env, CONSUL_HTTP_ADDR=lab["consul"], DOCKER_TLS_VERIFY="1")
    if how == "one_file_each":
        del env["DOCKER_CERT_PATH"]
        env.update(DOCKER_CA_PATH=lab["tls"]["ca_path"], DOCKER_CLIENT_CERT=lab["tls"]["client_cert"],
                   DOCKER_CLIENT_KEY=lab["tls"]["client_key"])
    with registered(lab, "consul", lab_addresses(lab), tmp_path) as url:
        prefix = url.rsplit("/", 1)[1]
        listing = inventory_list(write_source(tmp_path, {"discovery": "consul:///" + prefix, "timeout": 20}), env)
    assert hosts(listing) == NODES and group(listing, "healthy") == NODES


def test_wrong_ca_makes_engines_unhealthy_not_the_inventory_fail(lab, ansible_env, tmp_path):
    config = dict(lab_tls(lab), nodes=lab_addresses(lab), ca_path=lab["tls"]["wrong_ca_path"])
    proc = run([str(BIN / "ansible-inventory"), "-i", str(write_source(tmp_path, config)), "--list"], inventory_env(ansible_env))
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert group(listing, "unhealthy") == sorted(lab_addresses(lab))
    assert group(listing, "healthy") == []
    error = listing["_meta"]["hostvars"][lab_addresses(lab)[0]]["swarm_error"]
    assert "certificate" in error.lower()
    assert squash("3 of 3 engines") in squash(proc.stderr)


def test_unreachable_engine_is_listed_unhealthy(lab, ansible_env, tmp_path):
    with registered(lab, "consul", lab_addresses(lab) + [CLOSED_PORT], tmp_path) as url:
        source = write_source(tmp_path, dict(lab_tls(lab), discovery=url))
        proc = run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], inventory_env(ansible_env))
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert hosts(listing) == sorted(NODES + [CLOSED_PORT])
    assert group(listing, "unhealthy") == [CLOSED_PORT]
    assert group(listing, "healthy") == NODES
    down = listing["_meta"]["hostvars"][CLOSED_PORT]
    assert (down["swarm_health"], down["swarm_status"]) == (0, "Unhealthy")
    assert CLOSED_PORT in down["swarm_error"] and down["ansible_host"] == "10.231.3.2"
    assert squash("1 of 4 engines") in squash(proc.stderr) and CLOSED_PORT in squash(proc.stderr)


def test_hung_engine_costs_at_most_the_timeout(lab, ansible_env, tmp_path):
    """An engine that accepts the connection and never answers: the others are listed, it is unhealthy, in time."""
    hung = socket.socket()
    try:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)  # never accept(): the kernel completes the handshake, nothing ever answers
        addr = "127.0.0.1:%d" % hung.getsockname()[1]
        config = dict(lab_tls(lab), nodes=lab_addresses(lab) + [addr], timeout=3)
        start = time.monotonic()
        proc = run([str(BIN / "ansible-inventory"), "-i", str(write_source(tmp_path, config)), "--list"], inventory_env(ansible_env))
        took = time.monotonic() - start
    finally:
        hung.close()
    assert proc.returncode == 0, proc.stderr
    listing = json.loads(proc.stdout)
    assert group(listing, "healthy") == NODES
    assert group(listing, "unhealthy") == [addr]
    assert addr in listing["_meta"]["hostvars"][addr]["swarm_error"]
    assert took < 3 + 12, "the hung engine held the inventory for %.1f s" % took  # 3 s budget + CLI start-up on a busy host


@pytest.mark.parametrize("kind, url", [
    ("consul", "consul://127.0.0.1:1/dyinv-test-broken"),
    ("etcd", "etcd://127.0.0.1:1/dyinv-test-broken"),
    ("zk", "zk://127.0.0.1:1/dyinv-test-broken"),
    ("file", "file:///nonexistent/dyinv-test/cluster.conf"),
])
def test_broken_discovery_source_fails_naming_it(lab, ansible_env, tmp_path, kind, url):
    source = write_source(tmp_path, dict(lab_tls(lab), discovery=url, discovery_timeout=3))
    proc = run([str(BIN / "ansible-inventory"), "-i", str(source), "--list"], inventory_env(ansible_env))
    assert proc.returncode != 0
    assert squash("dockyard.swarm.swarm: Discovery source %s failed" % url) in squash(proc.stderr), proc.stderr


def test_cache_hit_makes_no_network_call(lab, ansible_env, tmp_path):
    """The second run happens in a new network namespace (no network at all, not even loopback)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is needed to run ansible-inventory without network")
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
             "cache_timeout": 600}
    env = inventory_env(ansible_env)
    with registered(lab, "consul", lab_addresses(lab), tmp_path) as url:
        source = write_source(tmp_path, dict(lab_tls(lab), discovery=url, discovery_timeout=3, **cache))
        first = inventory_list(source, env)
    # The registrations are gone now, and the new namespace reaches neither Consul nor any engine.
    second = inventory_list(source, env, prefix=["unshare", "--net"])
    assert hosts(first) == hosts(second) == NODES
    assert second["_meta"]["hostvars"] == first["_meta"]["hostvars"]
    assert group(second, "label_zone_external") == ["node-2"]

    # Control: the same source under another path (the cache key is the path) has no cache entry and no network.
    uncached = tmp_path / "uncached.swarm.yml"
    uncached.write_text(source.read_text())
    proc = run([str(BIN / "ansible-inventory"), "-i", str(uncached), "--list"], env, prefix=["unshare", "--net"])
    assert proc.returncode != 0
    assert squash("Discovery source %s failed" % url) in squash(proc.stderr), proc.stderr


def test_playbook_on_label_zone_external_runs_on_node_2_only(lab, ansible_env, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with registered(lab, "file", lab_addresses(lab), tmp_path) as url:
        source = write_source(tmp_path, dict(lab_tls(lab), discovery=url))
        proc = run([str(BIN / "ansible-playbook"), "-i", str(source), playbook("record_hosts.yml"),
                    "-e", "out_dir=%s" % out,
                    "-e", "ansible_python_interpreter=%s" % (BIN / "python")], inventory_env(ansible_env))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert files_in(out) == ["node-2"]
    assert (out / "node-2").read_text() == "node-2 10.231.2.2\n"
    assert "node-2                     : ok=1    changed=1" in proc.stdout
