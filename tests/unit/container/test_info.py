# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_info's docker-info view and swarm_container_info's rows, from snapshot dicts."""
from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster_info import cluster_info
from ansible_collections.dockyard.swarm.plugins.module_utils._container.container_listing import container_rows

from .helpers import node


def snapshot():
    one = node("node-1", {"zone": "internal", "disk": "ssd"}, containers=[
        {"id": "a", "name": "web", "state": "running", "cpus": 1, "memory": 64 * 1024 ** 2, "labels": {"team": "edge"}},
        {"id": "b", "name": "old", "state": "exited", "cpus": 0.5, "memory": 0, "labels": {}},
        {"id": "c", "name": "nap", "state": "paused", "cpus": 0, "memory": 0, "labels": {"team": "core"}}])
    ten = node("node-10", {"zone": "external"})
    two = node("node-2", {}, health=0)
    two.update(name="10.0.0.2:2376", id="10.0.0.2:2376", cpus=0, memory=0, error="Engine 10.0.0.2:2376: connection refused")
    return [ten, one, two]


def test_cluster_info_mirrors_docker_info():
    info = cluster_info(snapshot(), "binpack", None, 0.5, "nodes://x")
    assert [n["name"] for n in info["nodes"]] == ["10.0.0.2:2376", "node-1", "node-10"]
    first = info["nodes"][1]
    assert first["container_counts"] == {"total": 3, "running": 1, "paused": 1, "stopped": 1}
    assert first["reserved_cpus"] == 1.5 and first["total_cpus"] == 3
    assert first["reserved_memory"] == 64 * 1024 ** 2 and first["total_memory"] == 3 * 1024 ** 3
    assert info["filters"][0] == "health" and info["strategy"] == "binpack"
    assert info["totals"]["nodes"] == 3 and info["totals"]["healthy"] == 2 and info["totals"]["containers"] == 3
    lines = info["system_status"]
    assert lines[:3] == ["Strategy: binpack", "Filters: health, port, containerslots, dependency, affinity, constraint, whitelist",
                         "Nodes: 3"]
    assert "  \u2514 Containers: 3 (1 Running, 1 Paused, 1 Stopped)" in lines
    assert "  \u2514 Reserved CPUs: 1.5 / 3" in lines
    assert "  \u2514 Reserved Memory: 64 MiB / 3 GiB" in lines
    assert "  \u2514 Labels: disk=ssd, zone=internal" in lines
    assert "  \u2514 Status: Unhealthy" in lines
    assert "  \u2514 Error: Engine 10.0.0.2:2376: connection refused" in lines


def test_rows_like_docker_ps():
    rows = container_rows(snapshot())
    assert [row["names"] for row in rows] == ["node-1/web"]
    rows = container_rows(snapshot(), all_states=True)
    assert [row["names"] for row in rows] == ["node-1/nap", "node-1/old", "node-1/web"]
    assert rows[0]["node_addr"] == "10.0.0.1:2376"
    assert [row["name"] for row in container_rows(snapshot(), True, ["team"])] == ["nap", "web"]
    assert [row["name"] for row in container_rows(snapshot(), True, ["team=edge"])] == ["web"]
