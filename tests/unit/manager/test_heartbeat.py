# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An engine that stops answering without closing anything (host gone, process frozen) is noticed by the
pings sent to quiet engines, within quiet + failure_retry * (ping timeout + pause); it comes back by itself."""
from __future__ import annotations

import asyncio

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine import PING_RETRY

from .fake_engine import FakeEngine
from .harness import manager, run

QUIET = 0.4
PING_TIMEOUT = 0.4
RETRY = 3


def test_a_silent_engine_becomes_unhealthy_and_recovers():
    async def scenario():
        alive, silent = FakeEngine("node-1"), FakeEngine("node-2")
        async with manager(alive, silent, engine_quiet=QUIET, ping_timeout=PING_TIMEOUT, failure_retry=RETRY) as h:
            silent.add("web")
            await h.until(lambda: len(h.cluster.picture.containers) == 1)
            node1, node2 = h.cluster.engines[alive.addr], h.cluster.engines[silent.addr]
            queue = h.cluster.bus.subscribe()
            loop = asyncio.get_running_loop()
            silent.answering.clear()  # from now on nothing is answered; the event stream stays open, silent
            began = loop.time()
            bound = QUIET + RETRY * (PING_TIMEOUT + PING_RETRY)
            await h.until(lambda: node2.health.state == "Unhealthy", timeout=bound + 3)
            took = loop.time() - began
            assert took <= bound + 1.0, took
            assert "no answer within" in node2.health.error
            assert node1.healthy and any(r.endswith("/_ping") for r in alive.requests)  # pinged, answered, healthy
            _status, listed = await h.json("GET", "/containers/json", 200)
            assert listed == []  # the silent engine's containers leave `docker ps`
            actions = []
            while not queue.empty():
                actions.append(queue.get_nowait().get("Action"))
            assert "engine_disconnect" in actions
            silent.answering.set()  # back: the event stream is reopened and the engine is Healthy again
            await h.until(lambda: node2.healthy, timeout=15)
            _status, listed = await h.json("GET", "/containers/json", 200)
            assert [entry["Names"][0] for entry in listed] == ["/node-2/web"]
            h.cluster.bus.unsubscribe(queue)
    run(scenario())


def test_a_busy_engine_is_not_pinged():
    async def scenario():
        engine = FakeEngine("node-1")
        async with manager(engine, engine_quiet=QUIET, ping_timeout=PING_TIMEOUT) as h:
            node = h.cluster.engines[engine.addr]
            for number in range(8):  # an event every QUIET/2: never quiet long enough for a ping
                engine.add("c%d" % number)
                await asyncio.sleep(QUIET / 2)
            assert not any(r.endswith("/_ping") for r in engine.requests)
            await asyncio.sleep(QUIET * 2.5)  # then quiet: pinged
            assert any(r.endswith("/_ping") for r in engine.requests) and node.healthy
    run(scenario())
