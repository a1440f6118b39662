# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Event normalisation, filters and the bus."""
from __future__ import annotations

import asyncio

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.events import (
    EventBus,
    manager_event,
    matches,
    node_object,
    normalize,
)

NODE = node_object("node-1", "ID1", "10.0.0.1:2376", "10.0.0.1")


def event(action="start", kind="container", actor="abc123", **attributes):
    return {"status": action, "id": actor, "from": "busybox", "Type": kind, "Action": action,
            "Actor": {"ID": actor, "Attributes": dict(attributes)}, "time": 100, "timeNano": 100 * 10 ** 9}


def test_normalize_tags_the_node_like_classic():
    tagged = normalize(event(name="web", image="busybox"), NODE)
    assert tagged["from"] == "busybox node:node-1"
    assert tagged["Actor"]["Attributes"] == {"name": "web", "image": "busybox", "node.name": "node-1", "node.id": "ID1",
                                             "node.addr": "10.0.0.1:2376", "node.ip": "10.0.0.1"}
    assert tagged["node"] == {"Name": "node-1", "Id": "ID1", "Addr": "10.0.0.1:2376", "Ip": "10.0.0.1"}


def test_manager_events():
    connect = manager_event("engine_connect", NODE, now=5)
    assert connect["Type"] == "swarm" and connect["Action"] == "engine_connect" and connect["time"] == 5
    assert connect["Actor"]["Attributes"]["node.name"] == "node-1"


def test_filters():
    tagged = normalize(event(name="web", image="busybox", app="x"), NODE)
    assert matches(tagged, {})
    assert matches(tagged, {"type": ["container"], "event": ["start", "die"]})
    assert not matches(tagged, {"event": ["die"]})
    assert matches(tagged, {"container": ["web"]}) and matches(tagged, {"container": ["abc"]})
    assert not matches(tagged, {"container": ["db"]})
    assert matches(tagged, {"node": ["node-1"]}) and not matches(tagged, {"node": ["node-2"]})
    assert matches(tagged, {"label": {"app=x": True}}) and not matches(tagged, {"label": ["app=y"]})
    assert matches(tagged, {"image": ["busybox"]})
    assert not matches(tagged, {"service": ["s"]})
    assert matches(normalize(event("exec_start: sh", name="web"), NODE), {"event": ["exec_start"]})


def test_bus_replays_and_fans_out():
    async def scenario():
        bus = EventBus(history=3)
        queue = bus.subscribe()
        for moment in (1, 2, 3, 4):
            bus.publish({"time": moment})
        assert [e["time"] for e in bus.replay(2)] == [2, 3, 4]
        assert [e["time"] for e in bus.replay(0, until=3)] == [2, 3]
        assert queue.qsize() == 4
        bus.unsubscribe(queue)
        assert not bus.subscribers

    asyncio.run(scenario())


def test_image_filter_reads_image_events_by_name_and_tags_like_the_engine():
    tagged = normalize(event("tag", kind="image", actor="sha256:" + "a" * 64, name="team/app:1"), NODE)
    assert matches(tagged, {"image": ["team/app:1"]}) and matches(tagged, {"image": ["team/app"]})
    assert matches(tagged, {"image": ["sha256:" + "a" * 64]}) and not matches(tagged, {"image": ["team/other"]})
    pulled = normalize(event("pull", kind="image", actor="busybox:latest", name="busybox"), NODE)
    assert matches(pulled, {"image": ["busybox"], "type": ["image"], "node": ["node-1"]})
    started = normalize(event(name="web", image="busybox:latest"), NODE)
    assert matches(started, {"image": ["busybox"]}) and not matches(started, {"image": ["web"]})
