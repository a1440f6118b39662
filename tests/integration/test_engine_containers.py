# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container operations on the lab's real engines, and finding a container anywhere in the cluster."""

from __future__ import annotations

import time
import uuid
from typing import Iterator, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    AmbiguousContainerError,
    EngineAPIError,
    connect,
    connection_options,
    container_logs,
    create_container,
    find_by_name,
    find_container,
    inspect_container,
    remove_container,
    reservation_labels,
    snapshot,
    start_container,
    stop_container,
)

pytestmark = pytest.mark.integration


def lab_options(lab: dict):  # type: ignore[no-untyped-def]
    tls = lab["tls"]
    return connection_options({"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
                               "client_key": tls["client_key"], "timeout": 30}, {})


@pytest.fixture()
def clients(lab: dict) -> Iterator[List]:
    made = [connect(engine["addr"], lab_options(lab)) for engine in lab["engines"]]
    yield made
    for client in made:
        client.close()


@pytest.fixture()
def name(clients: List) -> Iterator[str]:
    chosen = "itest-%s" % uuid.uuid4().hex[:8]
    yield chosen
    for client in clients:
        remove_container(client, chosen)


def test_create_start_logs_stop_remove(clients: List, name: str) -> None:
    client = clients[2]
    config = {"Image": "busybox:latest", "Cmd": ["sh", "-c", "echo hello from $HOSTNAME; sleep 600"],
              "Labels": reservation_labels(cpus=0.5, memory=0), "HostConfig": {"NanoCpus": 500000000}}
    created = create_container(client, name, config, pull="missing")
    assert created["Name"] == "/" + name and created["State"]["Status"] == "created"
    start_container(client, name)
    deadline = time.monotonic() + 10
    while "hello from" not in container_logs(client, name, tail=5) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "hello from" in container_logs(client, name, tail=5)
    assert stop_container(client, name, timeout=1) is True
    assert inspect_container(client, name)["State"]["Status"] == "exited"  # type: ignore[index]
    assert remove_container(client, name) is True
    assert inspect_container(client, name) is None and remove_container(client, name) is False


def test_find_a_container_anywhere_in_the_cluster(lab: dict, clients: List, name: str) -> None:
    created = create_container(clients[1], name, {"Image": "busybox:latest", "Cmd": ["true"]}, pull="never")
    nodes = snapshot([engine["addr"] for engine in lab["engines"]], lab_options(lab))
    for ref in (name, "/" + name, "node-2/" + name, created["Id"], created["Id"][:12]):
        found = find_container(nodes, ref)
        assert found is not None, ref
        node, container = found
        assert (node["name"], container["id"]) == ("node-2", created["Id"])


def test_the_same_name_on_two_engines_is_reported(lab: dict, clients: List, name: str) -> None:
    for client in (clients[0], clients[2]):
        create_container(client, name, {"Image": "busybox:latest", "Cmd": ["true"]}, pull="never")
    nodes = snapshot([engine["addr"] for engine in lab["engines"]], lab_options(lab))
    assert sorted(node["name"] for node, _container in find_by_name(nodes, name)) == ["node-1", "node-3"]
    with pytest.raises(AmbiguousContainerError, match=r"exists on several engines: node-1 \(10.231.1.2:2376\), node-3"):
        find_container(nodes, name)


def test_a_failed_pull_is_reported_and_creates_nothing(clients: List, name: str) -> None:
    # 127.0.0.1 inside the engine's own network namespace: nothing listens, no traffic leaves the lab.
    image = "127.0.0.1:1/dockyard/none:1"
    expected = r"Engine 10.231.1.2:2376 could not pull 127.0.0.1:1/dockyard/none:1: .*dial tcp 127.0.0.1:1: connect: connection refused"
    with pytest.raises(EngineAPIError, match=expected):
        create_container(clients[0], name, {"Image": image}, pull="missing")
    assert inspect_container(clients[0], name) is None
