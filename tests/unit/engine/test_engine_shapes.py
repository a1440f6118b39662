# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine answers -> the node snapshots of docs/architecture.md, and reservations from labels or inspect data."""

from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import reservation_labels
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import (
    Reservation,
    from_inspect,
    from_labels,
    is_recorded,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import (
    container_dict,
    container_name,
    engine_labels,
    failed_node,
    image_dict,
    node_dict,
)

from .fakes import info, summary

SPEC_NODE_KEYS = {"id", "name", "addr", "labels", "cpus", "memory", "health", "containers", "images"}
SPEC_CONTAINER_KEYS = {"id", "name", "image", "image_id", "state", "labels", "cpus", "memory", "network_mode", "ports",
                       "exposed_ports", "volumes_from", "links"}


def test_engine_labels_include_classic_builtins() -> None:
    assert engine_labels(info("n1", labels=["zone=external", "disk=ssd", "odd"])) == {
        "zone": "external", "disk": "ssd", "odd": "", "storagedriver": "overlay2", "kernelversion": "6.1.0",
        "operatingsystem": "Debian GNU/Linux 12 (bookworm)", "ostype": "linux"}


def test_container_name_skips_link_aliases() -> None:
    assert container_name(["/app/db", "/db"]) == "db" and container_name([]) == "" and container_name(["/a/b"]) == "a/b"


def test_container_dict_merges_recorded_and_published_ports() -> None:
    ports = [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
             {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
             {"PrivatePort": 443, "Type": "tcp"}]
    reservation = Reservation(cpus=1.5, memory=256, ports=[{"host_ip": "0.0.0.0", "host_port": 8080, "container_port": 80,
                                                            "protocol": "tcp"}], exposed_ports=["53/udp"], links=["/db:/web/db"])
    container = container_dict(summary("c1", "web", ports=ports), reservation)
    assert set(container) == SPEC_CONTAINER_KEYS
    assert container["ports"] == [{"host_ip": "0.0.0.0", "host_port": 8080, "container_port": 80, "protocol": "tcp"}]
    assert container["exposed_ports"] == ["443/tcp", "53/udp", "80/tcp"]
    assert (container["cpus"], container["memory"], container["network_mode"]) == (1.5, 256, "bridge")
    assert container["links"] == ["/db:/web/db"] and container["name"] == "web" and container["state"] == "running"


def test_reservation_labels_round_trip() -> None:
    ports = [{"host_port": 80, "container_port": 80},
             {"host_ip": "127.0.0.1", "host_port": "53", "container_port": 53, "protocol": "UDP"}]
    labels = reservation_labels(cpus=2.0, memory=512 << 20, ports=ports,
                                exposed_ports=["80/tcp"], volumes_from=["data"], links=["db:db"])
    assert labels["com.dockyard.swarm.cpus"] == "2" and labels["com.dockyard.swarm.memory"] == str(512 << 20)
    assert is_recorded(labels) and not is_recorded({}) and not is_recorded(None)
    back = from_labels(labels)
    assert back.cpus == 2 and back.memory == 512 << 20 and back.volumes_from == ["data"] and back.links == ["db:db"]
    assert back.ports == [{"host_ip": "0.0.0.0", "host_port": 80, "container_port": 80, "protocol": "tcp"},
                          {"host_ip": "127.0.0.1", "host_port": 53, "container_port": 53, "protocol": "udp"}]
    assert set(reservation_labels()) == {"com.dockyard.swarm.cpus", "com.dockyard.swarm.memory"}


def test_unreadable_labels_count_as_zero() -> None:
    back = from_labels({"com.dockyard.swarm.cpus": "many", "com.dockyard.swarm.memory": "lots",
                        "com.dockyard.swarm.ports": "{not json"})
    assert (back.cpus, back.memory, back.ports) == (0, 0, [])


def test_reservation_from_inspect() -> None:
    inspect = {"HostConfig": {"NanoCpus": 1500000000, "Memory": 1 << 30, "VolumesFrom": ["data:ro"],
                              "Links": ["/db:/web/db"], "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}],
                                                                         "53/udp": [{"HostIp": "::", "HostPort": "53"}],
                                                                         "443/tcp": [{"HostIp": "", "HostPort": ""}]}},
               "Config": {"ExposedPorts": {"80/tcp": {}, "53/udp": {}}}}
    reservation = from_inspect(inspect, engine_cpus=4)
    assert reservation.cpus == 1.5 and reservation.memory == 1 << 30
    assert {(p["host_ip"], p["host_port"], p["container_port"], p["protocol"]) for p in reservation.ports} == {
        ("0.0.0.0", 8080, 80, "tcp"), ("0.0.0.0", 53, 53, "udp"), ("0.0.0.0", 0, 443, "tcp")}
    assert reservation.exposed_ports == ["53/udp", "80/tcp"] and reservation.volumes_from == ["data:ro"]


def test_cpu_shares_count_as_classic_swarm_did() -> None:
    assert from_inspect({"HostConfig": {"CpuShares": 512}}, engine_cpus=4).cpus == 2
    assert from_inspect({"HostConfig": {}}, engine_cpus=4).cpus == 0


def test_node_dicts() -> None:
    node = node_dict("10.0.0.1:2376", "tcp://10.0.0.1:2376", info("n1", ncpu=2), [], [image_dict({"Id": "i", "RepoTags": None})])
    assert SPEC_NODE_KEYS <= set(node) and node["health"] == 100 and node["status"] == "Healthy" and node["error"] is None
    assert node["images"] == [{"id": "i", "tags": []}] and node["cpus"] == 2 and node["server_version"] == "20.10.24"
    failed = failed_node("10.0.0.2:2376", "tcp://10.0.0.2:2376", "refused")
    assert SPEC_NODE_KEYS <= set(failed) and failed["health"] == 0 and failed["status"] == "Unhealthy"
    assert failed["error"] == "refused" and failed["id"] == failed["name"] == "10.0.0.2:2376"
