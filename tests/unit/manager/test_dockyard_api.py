# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""GET /dockyard/v1/nodes: the live picture as node snapshots, in the contract's shape."""
from __future__ import annotations

import asyncio

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Node

from .fake_engine import FakeEngine
from .harness import manager


def test_nodes_answer_the_snapshot_shape():
    async def scenario():
        one = FakeEngine("node-1", labels={"zone": "internal"})
        two = FakeEngine("node-2", labels={"zone": "external"})
        two.add("web")
        async with manager(one, two, failure_retry=1) as harness:
            status, nodes = await harness.json("GET", "/v1.41/dockyard/v1/nodes", 200)
            assert status == 200
            by_name = {node["name"]: node for node in nodes}
            assert sorted(by_name) == ["node-1", "node-2"]
            web = by_name["node-2"]
            assert web["labels"]["zone"] == "external" and web["status"] == "Healthy" and web["health"] == 100
            assert [c["name"] for c in web["containers"]] == ["web"] and web["docker_host"] == "tcp://" + two.addr
            for node in nodes:  # the scheduler takes them as they are
                Node.from_dict(node)
            addr = two.addr
            await two.close()  # an engine that goes away is reported, not hidden
            await harness.until(lambda: not harness.cluster.engines[addr].healthy, timeout=15)
            unused_status, later = await harness.json("GET", "/dockyard/v1/nodes", 200)
            gone = next(node for node in later if node["addr"] == addr)
            assert gone["health"] == 0 and gone["status"] == "Unhealthy" and gone["error"]

    asyncio.run(scenario())
