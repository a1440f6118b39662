# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's API against fake engines: routing, versions, placement, errors, the live picture."""
from __future__ import annotations

import asyncio
import json

from .fake_engine import FakeEngine
from .harness import manager, run


def three():
    return (FakeEngine("node-1", {"zone": "internal"}), FakeEngine("node-2", {"zone": "external"}),
            FakeEngine("node-3", {"zone": "internal"}, api="1.43"))


def test_ping_version_prefixes_and_api_version_header():
    async def scenario():
        async with manager(*three()) as h:
            for path in ("/_ping", "/v1.41/_ping", "/v1.24/_ping", "/v2/_ping"):
                response = await h.client.get(path)
                assert response.status == 200 and await response.text() == "OK"
                assert response.headers["API-Version"] == "1.41"  # the lowest among healthy engines
            head = await h.client.head("/v1.41/_ping")
            assert head.status == 200 and head.headers["API-Version"] == "1.41"
            _status, version = await h.json("GET", "/v1.41/version", 200)
            assert version["Version"].startswith("dockyard-swarm/") and version["ApiVersion"] == "1.41"
            assert version["MinAPIVersion"] == "1.12" and version["Os"] == "linux"
    run(scenario())


def test_unknown_route_malformed_body_and_stubs_answer_json():
    async def scenario():
        async with manager(FakeEngine("node-1")) as h:
            status, body = await h.json("GET", "/v1.41/no/such/route")
            assert status == 404 and body == {"message": "page not found"}
            response = await h.client.post("/v1.41/containers/create", data=b"{bad json")
            assert response.status == 400 and response.headers["Content-Type"] == "application/json"
            assert "malformed JSON" in (await response.json())["message"]
            status, body = await h.json("POST", "/v1.41/build")
            assert status == 501 and "not implemented" in body["message"]
            status, body = await h.json("GET", "/v1.41/nodes")
            assert status == 501 and "not supported" in body["message"]
            status, body = await h.json("GET", "/v1.41/containers/nothere/json")
            assert status == 404 and body["message"] == "No such container: nothere"
    run(scenario())


def test_create_places_by_constraint_strips_env_and_writes_labels():
    async def scenario():
        async with manager(*three()) as h:
            body = {"Image": "busybox:latest", "Env": ["constraint:zone==external", "A=1"],
                    "HostConfig": {"Memory": 64 << 20, "NanoCpus": 500000000,
                                   "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
                    "ExposedPorts": {"80/tcp": {}}}
            _status, answer = await h.json("POST", "/v1.41/containers/create?name=web", 201, json=body)
            created = h.engine("node-2").containers[answer["Id"]]
            assert created["Env"] == ["A=1"]
            labels = created["Labels"]
            assert json.loads(labels["com.docker.swarm.constraints"]) == ["zone==external"]
            assert labels["com.dockyard.swarm.memory"] == str(64 << 20) and labels["com.dockyard.swarm.cpus"] == "0.5"
            assert json.loads(labels["com.dockyard.swarm.ports"])[0]["host_port"] == 8080
            assert len(labels["com.docker.swarm.id"]) == 64
            # visible at once, named as classic showed it, ports on the engine's address
            _status, listed = await h.json("GET", "/containers/json?all=1", 200, headers={"User-Agent": "Docker-Client/28.2.2 (linux)"})
            assert [c["Names"] for c in listed] == [["/node-2/web"]]
            _status, for_tools = await h.json("GET", "/containers/json?all=1", 200)  # other clients find `/web` too
            assert [c["Names"] for c in for_tools] == [["/node-2/web", "/web"]]
            assert listed[0]["Ports"][0]["IP"] == "127.0.0.1"
            _status, inspected = await h.json("GET", "/v1.41/containers/node-2/web/json", 200)
            assert inspected["Node"]["Name"] == "node-2" and inspected["Node"]["Labels"]["zone"] == "external"
            # cluster-wide unique name, 409 with Docker's words
            status, conflict = await h.json("POST", "/v1.41/containers/create?name=web", json={"Image": "busybox:latest"})
            assert status == 409 and 'The container name "/web" is already in use' in conflict["message"]
            # the port is taken on node-2: a second 8080 with the same constraint cannot be placed
            status, failed = await h.json("POST", "/v1.41/containers/create?name=web2", json=body)
            assert status == 500
            assert "Unable to find a node that satisfies the following conditions" in failed["message"]
            assert "8080/tcp" in failed["message"] and "zone==external" in failed["message"]
    run(scenario())


def test_pending_reservations_make_parallel_creates_see_each_other():
    async def scenario():
        engines = (FakeEngine("node-1", memory=1 << 30), FakeEngine("node-2", memory=1 << 30))
        async with manager(*engines) as h:
            body = {"Image": "busybox:latest", "HostConfig": {"Memory": 700 << 20}}
            creates = [h.json("POST", "/v1.41/containers/create?name=p%d" % i, json=body) for i in range(3)]
            results = await asyncio.gather(*creates)
            statuses = sorted(status for status, _body in results)
            assert statuses == [201, 201, 500]  # one per node (1 GiB each, +5 %), the third fits nowhere
            assert sorted(len(e.containers) for e in engines) == [1, 1]
            assert not h.cluster.picture.pending_names
            assert all(not e.pending for e in h.cluster.engines.values())
    run(scenario())


def test_name_taken_by_pending_create_is_a_conflict():
    async def scenario():
        engine = FakeEngine("node-1")
        gate = asyncio.Event()
        async with manager(engine) as h:
            original = engine.create

            async def slow_create(request):
                await gate.wait()
                return await original(request)

            engine.create = slow_create  # the route table is frozen: patch the route's handler too
            for route in engine.server.app.router.routes():
                if route.handler == original:
                    route._handler = slow_create
            first = asyncio.ensure_future(h.json("POST", "/containers/create?name=same", json={"Image": "busybox:latest"}))
            await h.until(lambda: "same" in h.cluster.picture.pending_names)
            status, body = await h.json("POST", "/containers/create?name=same", json={"Image": "busybox:latest"})
            assert status == 409 and "being created" in body["message"]
            gate.set()
            assert (await first)[0] == 201
    run(scenario())


def test_missing_image_is_pulled_with_the_clients_auth_then_created():
    async def scenario():
        engine = FakeEngine("node-1", images=[])
        async with manager(engine) as h:
            _status, answer = await h.json("POST", "/containers/create", 201, json={"Image": "alpine:3"},
                                           headers={"X-Registry-Auth": "e30="})
            assert "alpine:3" in engine.images and answer["Id"] in engine.containers
            assert any(r.endswith("/images/create") for r in engine.requests)
            status, body = await h.json("POST", "/containers/create", json={"Image": "missing:1"})
            assert status == 404 and "pull access denied" in body["message"]
    run(scenario())


def test_exclusion_rule_steps_back_when_another_front_end_filled_the_node():
    async def scenario():
        small = FakeEngine("node-1", memory=1 << 30)
        other = FakeEngine("node-2", memory=1 << 30)
        async with manager(small, other) as h:
            def competitor(engine, container):
                # another front end's 800 MiB container lands on the first engine tried, meanwhile
                small.after_create = other.after_create = None
                engine.add("rival", {"com.dockyard.swarm.cpus": "0", "com.dockyard.swarm.memory": str(800 << 20)},
                           emit=False)
            small.after_create = competitor
            other.after_create = competitor
            _status, answer = await h.json("POST", "/containers/create?name=mine", 201,
                                           json={"Image": "busybox:latest", "HostConfig": {"Memory": 600 << 20}})
            holders = [e for e in (small, other) if answer["Id"] in e.containers]
            assert len(holders) == 1
            stepped_back = small if holders[0] is other else other
            assert [c["Names"] for c in stepped_back.containers.values()] == [["/rival"]]
            assert any(r.startswith("DELETE") for r in stepped_back.requests)
    run(scenario())


def test_engine_change_shows_through_events_and_merged_events_name_the_node():
    async def scenario():
        async with manager(*three()) as h:
            events = await h.client.get("/events?filters=%s" % json.dumps({"type": ["container"]}))
            cid = h.engine("node-3").add("direct")
            await h.until(lambda: cid in h.cluster.picture.containers)
            _status, listed = await h.json("GET", "/containers/json?all=1", 200)
            assert listed[0]["Names"] == ["/node-3/direct", "/direct"]
            line = json.loads(await asyncio.wait_for(events.content.readline(), 3))
            assert line["Actor"]["ID"] == cid and line["node"]["Name"] == "node-3"
            assert line["Actor"]["Attributes"]["node.name"] == "node-3" and line["from"].endswith("node:node-3")
            events.close()
            since = await h.client.get("/events?since=0&until=%d" % (int(line["time"]) + 1))
            replay = [json.loads(x) for x in (await since.read()).splitlines()]
            assert any(e.get("Action") == "engine_connect" for e in replay)
            assert any(e.get("Actor", {}).get("ID") == cid for e in replay)
    run(scenario())


def test_engine_failures_make_it_unhealthy_and_hide_its_containers():
    async def scenario():
        engines = three()
        async with manager(*engines, failure_retry=2) as h:
            engines[2].add("on3", state="running")
            await h.until(lambda: len(h.cluster.picture.containers) == 1)
            node3 = h.cluster.engines[engines[2].addr]
            await engines[2].close()  # the engine goes away: its event stream breaks, reconnects fail
            await h.until(lambda: node3.health.state == "Unhealthy", timeout=10)
            _status, listed = await h.json("GET", "/containers/json", 200)
            assert listed == []
            _status, listed = await h.json("GET", "/containers/json?all=1", 200)
            assert listed[0]["Status"] == "Host Down"
            _status, info = await h.json("GET", "/info", 200)
            text = "\n".join("%s: %s" % tuple(pair) for pair in info["SystemStatus"])
            assert "└ Status: Unhealthy" in text and "└ Error: " in text
            status, body = await h.json("GET", "/containers/on3/json")
            assert status == 500 and "unhealthy node node-3" in body["message"]
    run(scenario())


def test_logs_stream_and_lifecycle_calls_refresh_the_picture():
    async def scenario():
        async with manager(FakeEngine("node-1")) as h:
            _status, answer = await h.json("POST", "/containers/create?name=app", 201, json={"Image": "busybox:latest"})
            response = await h.client.post("/v1.41/containers/app/start")
            assert response.status == 204
            assert h.cluster.picture.containers[answer["Id"]].summary["State"] == "running"
            logs = await h.client.get("/v1.41/containers/app/logs?follow=1&stdout=1")
            assert await logs.read() == b"one\ntwo\n"
            response = await h.client.delete("/v1.41/containers/app")
            assert response.status == 204 and answer["Id"] not in h.cluster.picture.containers
    run(scenario())
