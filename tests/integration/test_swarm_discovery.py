# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_node registering the lab's engines in Consul/etcd/ZooKeeper, and placements through Consul discovery
with the Consul session lock (parallel runs included)."""
from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.request

import pytest

from tests.integration.playbooks.swarm_support import (
    adhoc,
    cleanup,
    finish_adhoc,
    lab_nodes,
    new_prefix,
    reserved_cpus,
    start_adhoc,
)

pytestmark = pytest.mark.integration


def _consul(lab, method: str, path: str):
    request = urllib.request.Request("http://%s/v1/kv/%s" % (lab["consul"], path), method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the lab's loopback Consul)
        body = answer.read()
    return json.loads(body) if body else None


def _consul_get(lab, key: str):
    try:
        return _consul(lab, "GET", key)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


@pytest.fixture()
def consul_prefix(lab):
    """A random Consul prefix, with the lab's engines registered by the tests; removed afterwards."""
    prefix = new_prefix()
    yield prefix
    _consul(lab, "DELETE", prefix + "?recurse=true")
    cleanup(lab, prefix)


def test_register_place_with_consul_lock_and_deregister(lab, ansible_env, consul_prefix):
    url = "consul://%s/%s" % (lab["consul"], consul_prefix)
    for addr in lab_nodes(lab):
        first = adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url})
        assert first["_rc"] == 0 and first["changed"] is True, first
    again = adhoc(ansible_env, "swarm_node", {"addr": lab_nodes(lab)[0], "discovery": url})
    assert again["changed"] is False and again["nodes"] == sorted(lab_nodes(lab))
    predicted = adhoc(ansible_env, "swarm_node", {"addr": "10.231.9.2:2376", "discovery": url}, check=True)
    assert predicted["changed"] is True and "10.231.9.2:2376" in predicted["nodes"]
    assert _consul_get(lab, consul_prefix + "/docker/swarm/nodes/10.231.9.2:2376") is None
    checked = adhoc(ansible_env, "swarm_node", {"addr": "10.231.9.2:2376", "discovery": url, "check_engine": True, "timeout": 3})
    assert checked["_rc"] != 0 and "10.231.9.2:2376" in checked["msg"], checked

    info = adhoc(ansible_env, "swarm_info", {"discovery": url})
    assert info["_rc"] == 0 and info["totals"]["nodes"] == 3 and info["discovery"] == url, info

    placed = adhoc(ansible_env, "swarm_container", {"name": consul_prefix + "web", "image": "busybox:latest",
                                                    "command": "sleep 3600", "discovery": url})
    assert placed["_rc"] == 0 and placed["changed"] is True, placed
    lock = _consul_get(lab, consul_prefix + "/docker/swarm/locks/placement")
    assert lock and not lock[0].get("Session"), lock  # taken during the run, released at its end

    for addr in lab_nodes(lab):
        gone = adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url, "state": "absent"})
        assert gone["_rc"] == 0 and gone["changed"] is True
    assert adhoc(ansible_env, "swarm_node", {"addr": lab_nodes(lab)[0], "discovery": url, "state": "absent"})["changed"] is False
    empty = adhoc(ansible_env, "swarm_info", {"discovery": url})
    assert empty["_rc"] != 0 and "lists no engines" in empty["msg"]


def test_ttl_registration_is_a_session_key(lab, ansible_env, consul_prefix):
    url = "consul://%s/%s" % (lab["consul"], consul_prefix)
    result = adhoc(ansible_env, "swarm_node", {"addr": lab_nodes(lab)[1], "discovery": url, "ttl": 20})
    assert result["_rc"] == 0 and result["changed"] is True and result["ttl"] == 20
    entry = _consul_get(lab, consul_prefix + "/docker/swarm/nodes/" + lab_nodes(lab)[1])
    assert entry and entry[0].get("Session"), entry


def test_parallel_runs_through_consul_discovery_never_overbook(lab, ansible_env, consul_prefix):
    """free+2 parallel runs pin 1-CPU containers to node-3 (2 CPUs, overcommit 0): exactly `free` succeed."""
    url = "consul://%s/%s" % (lab["consul"], consul_prefix)
    for addr in lab_nodes(lab):
        assert adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url})["_rc"] == 0
    free = math.floor(2 - reserved_cpus(lab)["node-3"] + 1e-9)
    deadline = time.monotonic() + 600
    procs = [start_adhoc(ansible_env, "swarm_container", {
        "name": "%sq%d" % (consul_prefix, index), "image": "busybox:latest", "command": "sleep 3600", "cpus": 1,
        "overcommit": 0, "constraints": ["node==node-3"], "discovery": url}) for index in range(free + 2)]
    results = [finish_adhoc(proc, deadline) for proc in procs]
    succeeded = [result for result in results if result["_rc"] == 0]
    refused = [result for result in results if result["_rc"] != 0]
    assert len(succeeded) == free, results
    assert all("no resources available to schedule container" in result["msg"] for result in refused), refused
    assert reserved_cpus(lab)["node-3"] <= 2


@pytest.mark.parametrize("scheme", ["etcd", "zk"])
def test_etcd_and_zookeeper_discovery(lab, ansible_env, scheme):
    prefix = new_prefix()
    url = "%s://%s/%s" % (scheme, lab["etcd" if scheme == "etcd" else "zookeeper"], prefix)
    addr = lab_nodes(lab)[0]
    try:
        registered = adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url})
        assert registered["_rc"] == 0 and registered["changed"] is True and registered["nodes"] == [addr], registered
        info = adhoc(ansible_env, "swarm_info", {"discovery": url})
        assert info["_rc"] == 0 and [node["name"] for node in info["nodes"]] == ["node-1"], info
        if scheme == "zk":
            refused = adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url, "ttl": 30})
            assert refused["_rc"] != 0 and "ephemeral" in refused["msg"]
    finally:
        removed = adhoc(ansible_env, "swarm_node", {"addr": addr, "discovery": url, "state": "absent"})
        assert removed["_rc"] == 0 and removed["nodes"] == []
