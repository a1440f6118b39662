# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`docker ps` and `docker info` as the manager builds them from the picture."""
from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import Reservation
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine_state import EngineHealth
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.info import build_info, bytes_size, cluster_status
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.listing import list_containers
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.picture import Picture
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.version import COLLECTION_VERSION


class StubEngine:
    def __init__(self, name, healthy=True, labels=None):
        self.addr = "10.0.0.%s:2376" % name[-1]
        self.ip = self.addr.split(":")[0]
        self.name = name
        self.node_id = "ID-" + name
        self.records = {}
        self.labels = labels or {}
        self.images = [{"RepoTags": ["busybox:latest"]}, {"RepoTags": ["<none>:<none>"]}]
        self.version = {"Version": "20.10.24"}
        self.info = {}
        self.sched = placement.new_node(self.node_id, name, self.addr)
        placement.set_facts(self.sched, self.node_id, name, self.labels, 2, 2 << 30)
        self.health = EngineHealth(3)
        self.health.validation_complete()
        if not healthy:
            for _attempt in range(3):
                self.health.failure("connection refused")

    @property
    def healthy(self):
        return self.health.state == "Healthy"


def add(picture, engine, cid, name, state="running", created=1, labels=None, ports=None, memory=0):
    summary = {"Id": cid, "Names": ["/" + name], "State": state, "Created": created, "Labels": labels or {},
               "Status": "Up 1 minute" if state == "running" else "Exited (3) 1 minute ago", "Image": "busybox",
               "ImageID": "sha256:abc", "Ports": ports or []}
    picture.put_container(engine, summary, Reservation(memory=memory, cpus=0.5 if memory else 0))


@pytest.fixture
def picture():
    pic = Picture()
    one, two, three = StubEngine("node-1", labels={"zone": "a"}), StubEngine("node-2"), StubEngine("node-3", healthy=False)
    for engine in (one, two, three):
        pic.add_engine(engine)
    add(pic, one, "a" * 64, "web", created=3, ports=[{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}],
        labels={"app": "web"}, memory=64 << 20)
    add(pic, one, "b" * 64, "old", state="exited", created=1)
    add(pic, two, "c" * 64, "db", created=2, labels={"app": "db"})
    add(pic, three, "d" * 64, "lost", created=4)
    return pic


def names(entries):
    return [entry["Names"][0] for entry in entries]


def test_running_on_healthy_engines_newest_first_with_node_names(picture):
    entries = list_containers(picture.records(), False, None, {}, picture.resolve)
    assert names(entries) == ["/node-1/web", "/node-2/db"]
    assert entries[0]["Ports"][0]["IP"] == "10.0.0.1"


def test_all_shows_stopped_and_host_down(picture):
    entries = list_containers(picture.records(), True, None, {}, picture.resolve)
    assert names(entries) == ["/node-3/lost", "/node-1/web", "/node-2/db", "/node-1/old"]
    assert entries[0]["Status"] == "Host Down"
    assert names(list_containers(picture.records(), False, 2, {}, picture.resolve)) == ["/node-3/lost", "/node-1/web"]


@pytest.mark.parametrize("filters, expected", [
    ({"node": ["node-2"]}, ["/node-2/db"]),
    ({"label": ["app=web"]}, ["/node-1/web"]),
    ({"label": ["app"]}, ["/node-1/web", "/node-2/db"]),
    ({"name": ["^/node-1/"]}, ["/node-1/web"]),
    ({"name": ["db"]}, ["/node-2/db"]),
    ({"id": ["ccc"]}, ["/node-2/db"]),
    ({"status": ["exited"]}, ["/node-1/old"]),
    ({"exited": ["3"]}, ["/node-1/old"]),
    ({"before": ["web"]}, ["/node-2/db"]),
    ({"since": ["db"]}, ["/node-1/web"]),
    ({"publish": ["8080"]}, ["/node-1/web"]),
])
def test_filters(picture, filters, expected):
    assert names(list_containers(picture.records(), False, None, filters, picture.resolve)) == expected


def test_bad_filters(picture):
    with pytest.raises(ApiError, match="Invalid filter 'colour'"):
        list_containers(picture.records(), False, None, {"colour": ["red"]}, picture.resolve)
    with pytest.raises(ApiError, match="status=asleep"):
        list_containers(picture.records(), False, None, {"status": ["asleep"]}, picture.resolve)


def test_info_layout(picture):
    config = SimpleNamespace(strategy="spread", filters=None, overcommit=0.05)
    cluster = SimpleNamespace(config=config, engines=picture.engines, picture=picture, bus=SimpleNamespace(subscribers=[]))
    status = cluster_status(cluster)
    assert status[:4] == [("Role", "primary"), ("Strategy", "spread"),
                          ("Filters", "health, port, containerslots, dependency, affinity, constraint, whitelist"),
                          ("Nodes", "3")]
    text = "\n".join("%s: %s" % pair for pair in status)
    assert "node-1: 10.0.0.1:2376\n └ ID: ID-node-1\n └ Status: Healthy\n └ Containers: 2 (1 Running, 0 Paused, 1 Stopped)" in text
    assert " └ Reserved CPUs: 0.5 / 2\n └ Reserved Memory: 64 MiB / 2.1 GiB\n └ Labels: zone=a" in text
    assert re.search(r"node-3: 10.0.0.3:2376\n └ ID: ID-node-3\n └ Status: Unhealthy\n └ Containers: 1\n", text)
    assert " └ Error: connection refused" in text and " └ ServerVersion: 20.10.24" in text
    info = build_info(cluster)
    assert info["Containers"] == 4 and info["ContainersRunning"] == 3 and info["ContainersStopped"] == 1
    assert info["NCPU"] == 6 and info["MemTotal"] == 3 * ((2 << 30) + (2 << 30) * 5 // 100)
    assert info["Images"] == 3 and info["ServerVersion"] == "dockyard-swarm/" + COLLECTION_VERSION
    assert info["SystemStatus"][0] == ["Role", "primary"]


def test_bytes_size_like_go_units():
    assert bytes_size(0) == "0 B" and bytes_size(20 << 20) == "20 MiB" and bytes_size(2.053 * (1 << 30)) == "2.053 GiB"


def test_version_matches_galaxy():
    galaxy = (Path(__file__).resolve().parents[3] / "galaxy.yml").read_text()
    assert re.search(r"^version: %s$" % re.escape(COLLECTION_VERSION), galaxy, re.M)
