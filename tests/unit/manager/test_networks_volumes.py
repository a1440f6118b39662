# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks and volumes through the manager against fake engines: `node/name` on one node, plain names on
every engine, lists with classic's names and filters, connect on the container's engine, prune."""
from __future__ import annotations

import json

from .fake_engine import FakeEngine
from .harness import manager, run


def three():
    return (FakeEngine("node-1", {"zone": "internal"}), FakeEngine("node-2", {"zone": "external"}),
            FakeEngine("node-3", {"zone": "internal"}))


def names(networks):
    return sorted(network["Name"] for network in networks)


def test_network_on_one_node_listed_inspected_connected_and_removed():
    async def scenario():
        async with manager(*three()) as h:
            status, created = await h.json("POST", "/v1.41/networks/create", json={"Name": "node-1/backend", "CheckDuplicate": True})
            assert status == 201 and created["Id"]
            assert [n["Name"] for n in h.engine("node-1").networks][-1] == "backend"
            assert not any(n["Name"] == "backend" for e in h.engines[1:] for n in e.networks)
            _status, listed = await h.json("GET", "/networks", 200)  # current at once, not after the engine's event
            assert "node-1/backend" in names(listed) and "node-2/bridge" in names(listed) and len(listed) == 10
            _status, custom = await h.json("GET", "/networks?filters=" + json.dumps({"type": ["custom"]}), 200)
            assert names(custom) == ["node-1/backend"]
            _status, on_two = await h.json("GET", "/networks?filters=" + json.dumps({"node": ["node-2"], "name": ["^bri"]}), 200)
            assert names(on_two) == ["node-2/bridge"]
            _status, dangling = await h.json("GET", "/networks?filters=" + json.dumps({"dangling": ["true"]}), 200)
            assert names(dangling) == ["node-1/backend"]
            for ref in ("node-1/backend", "backend", created["Id"], created["Id"][:12]):
                _status, inspected = await h.json("GET", "/networks/" + ref, 200)
                assert inspected["Name"] == "node-1/backend" and inspected["Comment"] == "node-1"
            status, ambiguous = await h.json("GET", "/networks/bridge", 200)  # a plain name on every node: the first
            assert ambiguous["Name"] == "node-1/bridge"
            # connect: on the container's engine; a network of another node is refused with the reason
            web = h.engine("node-1").add("web")
            other = h.engine("node-2").add("other")
            await h.until(lambda: other in h.cluster.picture.containers and web in h.cluster.picture.containers)
            response = await h.client.post("/networks/backend/connect", json={"Container": "web"})
            assert response.status == 200
            assert h.engine("node-1").containers[web]["NetworkSettings"]["Networks"]["backend"]["NetworkID"] == created["Id"]
            status, refused = await h.json("POST", "/networks/node-1/backend/connect", json={"Container": "other"})
            assert status == 404 and "on node-1, but container other runs on node-2" in refused["message"]
            response = await h.client.post("/networks/node-1/backend/disconnect", json={"Container": "node-1/web"})
            assert response.status == 200 and "backend" not in h.engine("node-1").containers[web]["NetworkSettings"]["Networks"]
            response = await h.client.delete("/networks/node-1/backend")
            assert response.status == 204 and not any(n["Name"] == "backend" for n in h.engine("node-1").networks)
            status, gone = await h.json("GET", "/networks/node-1/backend")
            assert status == 404 and gone == {"message": "network node-1/backend not found"}
            status, builtin = await h.json("DELETE", "/networks/node-2/bridge")
            assert status == 403 and "pre-defined" in builtin["message"]
    run(scenario())


def test_plain_network_name_on_every_engine_and_nothing_half_created():
    async def scenario():
        async with manager(*three()) as h:
            status, _created = await h.json("POST", "/networks/create", json={"Name": "shared"})
            assert status == 201
            assert all(e.networks[-1]["Name"] == "shared" and e.networks[-1]["Driver"] == "bridge" for e in h.engines)
            _status, listed = await h.json("GET", "/networks?filters=" + json.dumps({"name": ["shared"]}), 200)
            assert names(listed) == ["node-1/shared", "node-2/shared", "node-3/shared"]
            # a duplicate refused by node-2 only: the copies made on the others are removed again
            h.engine("node-2").networks.append(h.engine("node-2")._network("dup", "bridge"))
            status, refused = await h.json("POST", "/networks/create", json={"Name": "dup", "CheckDuplicate": True})
            assert status == 409 and refused["message"] == "network with name dup already exists"
            assert [sum(n["Name"] == "dup" for n in e.networks) for e in h.engines] == [0, 1, 0]
            status, overlay = await h.json("POST", "/networks/create", json={"Name": "ov", "Driver": "overlay"})
            assert status == 403 and "swarm manager" in overlay["message"]
            response = await h.client.delete("/networks/shared")
            assert response.status == 204 and not any(n["Name"] == "shared" for e in h.engines for n in e.networks)
            await h.json("POST", "/networks/create", 201, json={"Name": "node-3/left"})
            status, pruned = await h.json("POST", "/networks/prune")
            assert status == 200 and pruned == {"NetworksDeleted": ["dup", "left"]}
    run(scenario())


def test_volumes_node_whitelist_every_engine_list_inspect_remove():
    async def scenario():
        async with manager(*three()) as h:
            status, one = await h.json("POST", "/v1.41/volumes/create", json={"Name": "node-2/data"})
            assert status == 201 and one["Name"] == "node-2/data"
            assert [[v["Name"] for v in e.volumes] for e in h.engines] == [[], ["data"], []]
            status, everywhere = await h.json("POST", "/volumes/create", json={"Name": "cache", "Labels": {"team": "a"}})
            assert status == 201 and everywhere["Name"] == "cache"
            assert all(any(v["Name"] == "cache" for v in e.volumes) for e in h.engines)
            labels = {"com.docker.swarm.whitelists": json.dumps(["node==node-1|node-3"])}
            status, white = await h.json("POST", "/volumes/create", json={"Name": "logs", "Labels": labels})
            assert status == 201 and [any(v["Name"] == "logs" for v in e.volumes) for e in h.engines] == [True, False, True]
            status, anonymous = await h.json("POST", "/volumes/create", json={})
            assert status == 201 and len(anonymous["Name"]) == 64
            assert all(any(v["Name"] == anonymous["Name"] for v in e.volumes) for e in h.engines)  # one name everywhere
            _status, listed = await h.json("GET", "/volumes", 200)
            assert listed["Warnings"] is None
            shown = sorted(v["Name"] for v in listed["Volumes"] if len(v["Name"]) < 40)
            assert shown == ["node-1/cache", "node-1/logs", "node-2/cache", "node-2/data", "node-3/cache", "node-3/logs"]
            _status, mine = await h.json("GET", "/volumes?filters=" + json.dumps({"label": ["team=a"], "node": ["node-3"]}), 200)
            assert [v["Name"] for v in mine["Volumes"]] == ["node-3/cache"]
            status, bad = await h.json("GET", "/volumes?filters=" + json.dumps({"size": ["1"]}))
            assert status == 400 and bad["message"] == "Invalid filter 'size'"
            _status, inspected = await h.json("GET", "/volumes/node-2/data", 200)
            assert inspected["Name"] == "node-2/data" and inspected["Status"] == {"engine": "node-2"}
            _status, first = await h.json("GET", "/volumes/cache", 200)
            assert first["Name"] == "node-1/cache"
            response = await h.client.delete("/volumes/cache")
            assert response.status == 204 and not any(v["Name"] == "cache" for e in h.engines for v in e.volumes)
            response = await h.client.delete("/volumes/node-2/data")
            assert response.status == 204
            status, gone = await h.json("DELETE", "/volumes/data")
            assert status == 404 and gone == {"message": "get data: no such volume"}
            # a driver an engine lacks: refused, and the copies that were new are removed again
            status, refused = await h.json("POST", "/volumes/create", json={"Name": "x", "Driver": "nfs"})
            assert status == 404 and "plugin" in refused["message"]
            assert not any(v["Name"] == "x" for e in h.engines for v in e.volumes)
            status, badlabel = await h.json("POST", "/volumes/create", json={"Name": "y", "Labels": {
                "com.docker.swarm.whitelists": json.dumps(["node=node-1"])}})
            assert status == 400 and "==" in badlabel["message"]
    run(scenario())


def test_volume_on_an_unhealthy_node_is_refused_with_the_reason():
    async def scenario():
        one, two = FakeEngine("node-1"), FakeEngine("node-2")
        async with manager(one, two, failure_retry=1) as h:
            engine = h.cluster.engines[two.addr]
            await two.close()
            await h.until(lambda: not engine.healthy, timeout=15)
            status, refused = await h.json("POST", "/volumes/create", json={"Name": "node-2/data"})
            assert status == 500 and refused["message"].startswith("node node-2 is not healthy")
            status, made = await h.json("POST", "/volumes/create", json={"Name": "data"})
            assert status == 201 and [v["Name"] for v in one.volumes] == ["data"]
    run(scenario())


def test_container_prune_fans_out_and_leaves_the_picture_current():
    async def scenario():
        async with manager(*three()) as h:
            gone = h.engine("node-2").add("old", state="exited")
            kept = h.engine("node-3").add("old3", state="exited")
            await h.until(lambda: gone in h.cluster.picture.containers and kept in h.cluster.picture.containers)
            status, pruned = await h.json("POST", "/containers/prune?filters=" + json.dumps({"node": ["node-2"]}))
            assert status == 200 and pruned == {"ContainersDeleted": [gone], "SpaceReclaimed": 5}
            assert gone not in h.cluster.picture.containers and kept in h.cluster.picture.containers
    run(scenario())
