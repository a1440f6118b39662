# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The API's container list (name index, one regex pass over all names, pieces between yields) lists exactly
what the plain per-record filter lists; `info` kept per engine equals a fresh build."""
from __future__ import annotations

import asyncio
import json
import random
from types import SimpleNamespace

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import Reservation
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import listing
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.info import build_info, info_json, node_lines
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.listing import list_containers, list_containers_yielding
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.picture import Picture

from .test_listing_info import StubEngine

PATTERNS = ["web", "web$", "^/web$", "^/web", "^/node-1/", "node-2", "b-1", "^/node-1/db", "d.", "x$", "^/a/web$",
            "web|db", "^/(web|db)$", "[0-9]$", "^/node-[12]/", "/web", "nothing"]


def summary(cid, names, state="running", created=1):
    return {"Id": cid, "Names": names, "State": state, "Created": created, "Labels": {}, "Status": "Up", "Image": "busybox",
            "ImageID": "sha256:abc", "Ports": []}


@pytest.fixture
def picture():
    rng = random.Random(5)
    pic = Picture()
    engines = [StubEngine("node-1"), StubEngine("node-2"), StubEngine("node-3")]
    for engine in engines:
        pic.add_engine(engine)
    words = ["web", "db", "cache", "web-1", "db-1", "xweb", "webx", "a"]
    for number in range(300):
        name = "%s%s" % (rng.choice(words), rng.choice(["", str(number)]))
        names = ["/" + name] + (["/a/" + name] if rng.random() < 0.1 else [])  # a link alias now and then
        pic.put_container(rng.choice(engines), summary("%064x" % number, names, rng.choice(["running", "exited"]), number),
                          Reservation())
    return pic


def listed(entries):
    return [entry["Id"] for entry in entries]


def yielding(picture, show_all, limit, filters):
    return asyncio.run(list_containers_yielding(picture, show_all, limit, filters))


@pytest.mark.parametrize("pattern", PATTERNS)
def test_name_filters_list_what_the_plain_filter_lists(picture, pattern, monkeypatch):
    filters = {"name": [pattern]}
    expected = list_containers(picture.records(), True, None, filters, picture.resolve)
    monkeypatch.setattr(listing, "CHUNK", 7)  # many pieces, many yields
    assert listed(yielding(picture, True, None, filters)) == listed(expected)
    assert listed(yielding(picture, False, 5, filters)) == listed(list_containers(picture.records(), False, 5, filters,
                                                                                  picture.resolve))


def test_the_name_lines_follow_changes(picture):
    engine = next(iter(picture.engines.values()))
    filters = {"name": ["fresh$"]}
    assert yielding(picture, True, None, filters) == []
    picture.put_container(engine, summary("f" * 64, ["/fresh"]), Reservation())
    assert listed(yielding(picture, True, None, filters)) == ["f" * 64]
    picture.put_container(engine, summary("f" * 64, ["/renamed"]), Reservation())
    assert yielding(picture, True, None, filters) == []
    assert listed(yielding(picture, True, None, {"name": ["renamed$"]})) == ["f" * 64]
    engine.name = "zone-9"
    picture.names_changed()
    assert listed(yielding(picture, True, None, {"name": ["^/zone-9/renamed$"]})) == ["f" * 64]
    picture.drop_container("f" * 64)
    assert yielding(picture, True, None, {"name": ["renamed$"]}) == []


def test_bad_pattern_is_a_400_before_any_scan(picture):
    with pytest.raises(ApiError, match="not a valid regular expression"):
        yielding(picture, True, None, {"name": ["web("]})


def test_info_kept_per_engine_equals_a_fresh_build(picture):
    config = SimpleNamespace(strategy="spread", filters=None, overcommit=0.05)
    cluster = SimpleNamespace(config=config, engines=picture.engines, picture=picture, bus=SimpleNamespace(subscribers=[]))

    def fresh():
        lines = []
        for engine in sorted(picture.engines.values(), key=lambda e: e.name):
            records = list(engine.records.values())
            counts = (len(records), sum(r.summary["State"] == "running" for r in records),
                      sum(r.summary["State"] == "paused" for r in records))
            lines += [list(pair) for pair in node_lines(engine, 5, counts)]
        return lines

    first = json.loads(info_json(cluster))
    assert first["SystemStatus"][4:] == fresh() and first["SystemStatus"] == build_info(cluster)["SystemStatus"]
    record = next(picture.records())
    picture.set_state(record, "paused")
    picture.put_container(record.engine, summary("e" * 64, ["/extra"], "running"), Reservation(cpus=1))
    picture.drop_container(next(r.id for r in picture.records() if r.summary["State"] == "exited"))
    again = json.loads(info_json(cluster))
    assert again["SystemStatus"][4:] == fresh() and again["SystemStatus"] != first["SystemStatus"]
    assert again["ContainersPaused"] == 1 and again["Containers"] == len(picture.containers)
    assert again["ContainersRunning"] == sum(r.summary["State"] == "running" for r in picture.records())
