# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Failures: a stopped engine, an unreachable discovery store, and bad input - clear messages, nothing created."""
from __future__ import annotations

import socket

import pytest

from tests.integration.playbooks.swarm_support import adhoc, containers, prefix_fixture, task_args, wait_healthy, where

pytestmark = pytest.mark.integration


prefix = pytest.fixture()(prefix_fixture)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stopped_engine_is_unhealthy_and_skipped(lab, lab_control, ansible_env, prefix):
    lab_control("stop-engine", "node-3")
    try:
        info = adhoc(ansible_env, "swarm_info", task_args(lab, timeout=10))
        assert info["_rc"] == 0, info
        node3 = next(node for node in info["nodes"] if node["addr"] == "10.231.3.2:2376")
        assert node3["status"] == "Unhealthy" and node3["health"] == 0 and node3["error"]
        assert info["totals"]["healthy"] == 2
        assert any(line.startswith("  \u2514 Error: ") for line in info["system_status"])

        placed = adhoc(ansible_env, "swarm_container", task_args(
            lab, name=prefix + "h", image="busybox:latest", command="sleep 3600", replicas=3, timeout=10))
        assert placed["_rc"] == 0, placed
        assert {item["node"]["name"] for item in placed["replicas"]} <= {"node-1", "node-2"}
        assert any("10.231.3.2:2376" in warning and "unhealthy" in warning for warning in placed.get("warnings", []))

        pinned = adhoc(ansible_env, "swarm_container", task_args(
            lab, name=prefix + "x", image="busybox:latest", constraints=["node==node-3"], timeout=10))
        assert pinned["_rc"] != 0 and "Unable to find a node that satisfies" in pinned["msg"], pinned
        assert where(lab, prefix + "x") == []
    finally:
        lab_control("start-engine", "node-3")
        assert wait_healthy(lab, "node-3", 60), "node-3 did not come back"


def test_consul_unreachable_is_a_clear_error_within_the_timeout(lab, ansible_env, prefix):
    """Same failure as a stopped Consul: discovery points at a closed loopback port (the lab's Consul keeps running)."""
    url = "consul://127.0.0.1:%d/dyt" % _closed_port()
    result = adhoc(ansible_env, "swarm_container", {"name": prefix + "c", "image": "busybox:latest", "discovery": url,
                                                    "discovery_timeout": 3})
    assert result["_rc"] != 0
    assert "Cannot reach Consul" in result["msg"] and "127.0.0.1" in result["msg"], result["msg"]
    assert result["_seconds"] < 60, result["_seconds"]
    info = adhoc(ansible_env, "swarm_info", {"discovery": url, "discovery_timeout": 3})
    assert info["_rc"] != 0 and "Cannot reach Consul" in info["msg"]
    assert sum(len(items) for items in containers(lab, prefix).values()) == 0


BAD = [
    ("malformed constraint", {"constraints": ["zone=external"]}, "operators ==, != is expected"),
    ("malformed affinity in env", {"env": ["affinity:container==a,b"]}, "not allowed"),
    ("bad expression label", {"labels": {"com.docker.swarm.constraints": "zone==x"}}, "must be a JSON array"),
    ("unknown strategy", {"strategy": "fastest"}, "strategy 'fastest' not supported"),
    ("unknown filter", {"filters": ["health", "gpu"]}, "filter 'gpu' not supported"),
    ("invalid port", {"ports": ["80:eighty"]}, "not a port number"),
    ("invalid protocol", {"ports": ["53:53/icmp"]}, "unknown protocol"),
    ("invalid memory", {"memory": "lots"}, "is not a size"),
    ("missing TLS file", {"ca_path": "/nonexistent/ca.pem"}, "ca_path=/nonexistent/ca.pem does not exist"),
    ("unreachable discovery", {"discovery": "file:///nonexistent/cluster.conf", "nodes": None}, "/nonexistent/cluster.conf"),
    ("token discovery", {"discovery": "token://abc", "nodes": None}, "shut down in 2019"),
    ("no image for a new container", {"image": None}, "image is required"),
    ("negative replicas", {"replicas": -1}, "replicas must be between 0 and 1000, got -1"),
    ("too many replicas", {"replicas": 100000}, "replicas must be between 0 and 1000, got 100000"),
]


@pytest.mark.parametrize("case, args, words", BAD, ids=[case[0] for case in BAD])
def test_bad_input_gives_a_clear_message_and_creates_nothing(lab, ansible_env, prefix, case, args, words):
    base = task_args(lab, name=prefix + "bad", image="busybox:latest", command="sleep 3600")
    base.update(args)
    base = {key: value for key, value in base.items() if value is not None}
    result = adhoc(ansible_env, "swarm_container", base)
    assert result["_rc"] != 0, (case, result)
    assert words in result["msg"], (case, result["msg"])
    assert "Traceback" not in result["msg"] and "most recent call" not in str(result.get("exception") or "")
    assert sum(len(items) for items in containers(lab, prefix).values()) == 0
