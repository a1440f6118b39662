# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Name resolution and the indices of the live picture (classic's lookup order)."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import Reservation
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine_state import EngineHealth
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.picture import NoSuchContainer, Picture


class StubEngine:
    def __init__(self, name):
        self.addr = name + ":2376"
        self.name = name
        self.node_id = "ID-" + name
        self.records = {}
        self.sched = placement.new_node(self.node_id, name, self.addr)
        self.health = EngineHealth()
        self.health.validation_complete()


def put(picture, engine, cid, name, swarm_id=""):
    labels = {"com.docker.swarm.id": swarm_id} if swarm_id else {}
    return picture.put_container(engine, {"Id": cid, "Names": ["/" + name], "Labels": labels, "State": "running"},
                                 Reservation(memory=10))


@pytest.fixture
def picture():
    pic = Picture()
    one, two = StubEngine("node-1"), StubEngine("node-2")
    pic.add_engine(one)
    pic.add_engine(two)
    put(pic, one, "a1" * 32, "web", swarm_id="5" * 64)
    put(pic, one, "a2" * 32, "db")
    put(pic, two, "b1" * 32, "web")
    put(pic, two, "c3" * 32, "cache")
    return pic


def test_lookup_order(picture):
    assert picture.resolve("a1" * 32).name == "web"  # full id
    assert picture.resolve(("a1" * 32)[:12]).id == "a1" * 32  # short id
    assert picture.resolve("5" * 64).id == "a1" * 32  # swarm id
    assert picture.resolve("5" * 12).id == "a1" * 32  # truncated swarm id
    assert picture.resolve("db").id == "a2" * 32 and picture.resolve("/db").id == "a2" * 32  # names
    assert picture.resolve("node-2/web").id == "b1" * 32 and picture.resolve("ID-node-1/web").id == "a1" * 32
    assert picture.resolve("c3c").name == "cache"  # unique prefix


def test_ambiguous_and_unknown_names(picture):
    with pytest.raises(NoSuchContainer, match="node-1/web, node-2/web"):
        picture.resolve("web")
    with pytest.raises(NoSuchContainer, match="No such container: a"):
        picture.resolve("a")  # prefix of two ids
    with pytest.raises(NoSuchContainer):
        picture.resolve("node-3/db")


def test_names_pending_and_drops_keep_the_indices_right(picture):
    assert picture.name_owner("cache") == "c3" * 32
    picture.pending_names["soon"] = "x"
    assert picture.name_owner("/soon") == "pending"
    picture.drop_container("c3" * 32)
    assert picture.name_owner("cache") is None
    with pytest.raises(NoSuchContainer):
        picture.resolve("cache")
    engine = picture.engines["node-1:2376"]
    assert engine.sched.container_count == 2 and engine.sched.usage()[1] == 20
    picture.remove_engine("node-1:2376")
    assert picture.name_owner("db") is None and picture.resolve("web").id == "b1" * 32


def test_scheduler_nodes_are_the_validated_engines_kept_in_place(picture):
    nodes = picture.scheduler_nodes()
    assert [n.name for n in nodes] == ["node-1", "node-2"]
    put(picture, picture.engines["node-2:2376"], "d4" * 32, "new")
    assert picture.scheduler_nodes() is nodes and nodes[1].container_count == 3


def test_reads_begun_before_a_request_changed_a_container_do_not_overwrite_it(picture):
    import time

    engine = picture.engines["node-2:2376"]
    record = picture.resolve("cache")
    before = time.monotonic()
    picture.set_state(record, "running", "Up Less than a second")
    stale = {"Id": record.id, "Names": ["/cache"], "Labels": {}, "State": "created"}
    picture.put_container(engine, stale, Reservation(), read_at=before)
    assert picture.resolve("cache").summary["State"] == "running"
    picture.replace_containers(engine, [], read_at=before)  # an old full list without it: not dropped
    assert picture.name_owner("cache") == record.id
    picture.put_container(engine, stale, Reservation(), read_at=time.monotonic())  # a newer read wins
    assert picture.resolve("cache").summary["State"] == "created"
