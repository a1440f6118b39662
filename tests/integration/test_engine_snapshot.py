# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster snapshot against the lab's three real TLS engines.

Includes the failure case: node-2's engine is stopped between two snapshots; the second still
returns, with node-2 unhealthy and its error. The engine is always started again.
"""

from __future__ import annotations

import time
import uuid
from typing import Iterator, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    connect,
    connection_options,
    create_container,
    remove_container,
    reservation_labels,
    snapshot,
)
from tests.integration.helpers import engine_client

pytestmark = pytest.mark.integration
MIB = 1 << 20


def lab_options(lab: dict):  # type: ignore[no-untyped-def]
    tls = lab["tls"]
    return connection_options({"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
                               "client_key": tls["client_key"], "timeout": 15}, {})


def addrs(lab: dict) -> List[str]:
    return [engine["addr"] for engine in lab["engines"]]


def by_name(nodes: list, name: str) -> dict:
    return next(node for node in nodes if node["name"] == name)


def test_three_engines_with_names_labels_and_images(lab: dict) -> None:
    nodes = snapshot(addrs(lab), lab_options(lab))
    assert [node["name"] for node in nodes] == ["node-1", "node-2", "node-3"]
    for node, engine in zip(nodes, lab["engines"]):
        assert node["status"] == "Healthy" and node["health"] == 100 and node["error"] is None
        assert node["addr"] == engine["addr"] and node["docker_host"] == engine["docker_host"]
        assert {k: node["labels"][k] for k in engine["labels"]} == engine["labels"]
        assert node["labels"]["ostype"] == "linux" and node["labels"]["storagedriver"]
        assert node["cpus"] > 0 and node["memory"] > 0 and node["server_version"]
        assert {"id": lab["image"]["id"], "tags": ["busybox:latest"]} in node["images"]
    assert len({node["id"] for node in nodes}) == 3


@pytest.fixture()
def containers(lab: dict) -> Iterator[dict]:
    """A stopped container of ours on node-1 (reservation in labels) and a foreign one on node-2."""
    suffix = uuid.uuid4().hex[:8]
    names = {"ours": "itest-ours-%s" % suffix, "foreign": "itest-foreign-%s" % suffix}
    options = lab_options(lab)
    ours_client = connect(lab["engines"][0]["addr"], options)
    foreign_client = engine_client(lab, "node-2")
    try:
        labels = reservation_labels(cpus=1, memory=64 * MIB, ports=[{"host_port": 18081, "container_port": 80}],
                                    exposed_ports=["80/tcp"])
        create_container(ours_client, names["ours"], {
            "Image": "busybox:latest", "Cmd": ["sleep", "600"], "Labels": labels, "ExposedPorts": {"80/tcp": {}},
            "HostConfig": {"Memory": 64 * MIB, "PortBindings": {"80/tcp": [{"HostPort": "18081"}]}}})
        host_config = foreign_client.create_host_config(port_bindings={53: ("127.0.0.1", 18053)}, mem_limit="32m",
                                                        nano_cpus=500000000)
        foreign_client.create_container("busybox:latest", command=["sleep", "600"], name=names["foreign"], ports=[53],
                                        host_config=host_config)
        yield names
    finally:
        remove_container(ours_client, names["ours"])
        try:
            foreign_client.remove_container(names["foreign"], force=True)
        except Exception:  # noqa: BLE001 (not created)
            pass
        ours_client.close()
        foreign_client.close()


def test_stopped_containers_carry_reservations_and_ports(lab: dict, containers: dict) -> None:
    nodes = snapshot(addrs(lab), lab_options(lab))
    ours = next(c for c in by_name(nodes, "node-1")["containers"] if c["name"] == containers["ours"])
    assert ours["state"] == "created" and (ours["cpus"], ours["memory"]) == (1, 64 * MIB)
    assert ours["ports"] == [{"host_ip": "0.0.0.0", "host_port": 18081, "container_port": 80, "protocol": "tcp"}]
    assert ours["exposed_ports"] == ["80/tcp"] and ours["network_mode"] == "bridge"
    foreign = next(c for c in by_name(nodes, "node-2")["containers"] if c["name"] == containers["foreign"])
    assert (foreign["cpus"], foreign["memory"]) == (0.5, 32 * MIB)
    assert foreign["ports"] == [{"host_ip": "127.0.0.1", "host_port": 18053, "container_port": 53, "protocol": "tcp"}]
    assert foreign["exposed_ports"] == ["53/tcp"] and foreign["image"] == "busybox:latest"


def test_a_stopped_engine_is_unhealthy_and_the_snapshot_goes_on(lab: dict, lab_control) -> None:  # type: ignore[no-untyped-def]
    options = lab_options(lab)
    assert all(node["status"] == "Healthy" for node in snapshot(addrs(lab), options))
    try:
        lab_control("stop-engine", "node-2")
        started = time.monotonic()
        nodes = snapshot(addrs(lab), options)
        took = time.monotonic() - started
        down = nodes[1]
        assert (down["addr"], down["status"], down["health"], down["containers"]) == (lab["engines"][1]["addr"], "Unhealthy", 0, [])
        assert "Engine 10.231.2.2:2376: connection refused" in down["error"]
        assert [node["status"] for node in (nodes[0], nodes[2])] == ["Healthy", "Healthy"]
        assert took < 10, "a stopped engine must not hold the snapshot up (%.1fs)" % took
    finally:
        lab_control("start-engine", "node-2")
    assert by_name(snapshot(addrs(lab), options), "node-2")["status"] == "Healthy"


def test_info_only_reads_what_docker_info_tells(lab: dict) -> None:
    full = snapshot(addrs(lab), lab_options(lab))
    light = snapshot(addrs(lab), lab_options(lab), info_only=True)
    assert [n["name"] for n in light] == [n["name"] for n in full] == ["node-1", "node-2", "node-3"]
    for heavy, node in zip(full, light):
        assert (node["id"], node["labels"], node["cpus"], node["memory"], node["health"], node["status"]) == \
            (heavy["id"], heavy["labels"], heavy["cpus"], heavy["memory"], heavy["health"], heavy["status"])
        assert node["containers"] == [] and node["images"] == []
        assert node["containers_total"] == heavy["containers_total"] == len(heavy["containers"])
