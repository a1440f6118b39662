# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image routes against fake engines: the cluster-wide list, pull on every engine (or the constrained
ones) with the client's credentials, inspect/history/tag/rmi on the holders, load/import/save."""
from __future__ import annotations

import base64
import json

from .fake_engine import FakeEngine
from .fake_objects import id_of
from .harness import manager, run


def three(**images):
    return (FakeEngine("node-1", {"zone": "internal"}, images=images.get("one")),
            FakeEngine("node-2", {"zone": "external"}, images=images.get("two")),
            FakeEngine("node-3", {"zone": "internal"}, images=images.get("three")))


def auth_header(username="lab", password="secret"):
    text = json.dumps({"username": username, "password": password, "serveraddress": "registry"})
    return {"X-Registry-Auth": base64.urlsafe_b64encode(text.encode()).decode()}


async def lines_of(response):
    return [json.loads(line) for line in (await response.read()).splitlines() if line.strip()]


def test_list_groups_by_id_merges_tags_and_filters_by_node():
    async def scenario():
        async with manager(*three(one=["busybox:latest", "app:1"], two=["busybox:latest"], three=["other:2"])) as h:
            h.engine("node-1").add_image("busybox:v2", id_of("busybox:latest"))
            await h.until(lambda: any("busybox:v2" in (i.get("RepoTags") or []) for i in h.cluster.engines[h.engine("node-1").addr].images))
            _status, images = await h.json("GET", "/v1.41/images/json", 200)
            by_id = {image["Id"]: image for image in images}
            assert len(images) == 3  # busybox once although two engines hold it
            assert by_id[id_of("busybox:latest")]["RepoTags"] == ["busybox:latest", "busybox:v2"]
            assert by_id[id_of("app:1")]["RepoTags"] == ["app:1"]
            _status, only = await h.json("GET", "/images/json?filters=" + json.dumps({"node": ["node-3"]}), 200)
            assert [image["RepoTags"] for image in only] == [["other:2"]]
            status, bad = await h.json("GET", "/images/json?filters=" + json.dumps({"colour": ["red"]}))
            assert status == 400 and bad["message"] == "Invalid filter 'colour'"
            # engine filters are passed through: every engine is asked (the node filter stays with the manager)
            before = len(h.engine("node-2").requests)
            _status, tagged = await h.json("GET", "/images/json?filters=" + json.dumps({"dangling": ["false"], "node": ["node-2"]}), 200)
            assert [image["RepoTags"] for image in tagged] == [["busybox:latest"]]
            assert any(r.endswith("/images/json") for r in h.engine("node-2").requests[before:])
            status, missing = await h.json("GET", "/images/json?filters=" + json.dumps({"before": ["nothere"]}))
            assert status == 404 and "nothere" in missing["message"]
    run(scenario())


def test_pull_on_every_engine_streams_progress_per_engine_and_refreshes_the_list():
    async def scenario():
        async with manager(*three()) as h:
            response = await h.client.post("/v1.41/images/create?fromImage=alpine&tag=3")
            assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
            lines = await lines_of(response)
            assert {line["id"] for line in lines} == {"node-1", "node-2", "node-3"}
            assert not any("error" in line for line in lines)
            assert any(line["status"] == "Pulling alpine:3... : aaaa: Pulling fs layer" for line in lines)
            assert sum(line["status"].endswith(": downloaded") for line in lines) == 3
            for engine in h.engines:
                assert "alpine:3" in engine.images
            _status, images = await h.json("GET", "/images/json", 200)  # read again before the pull answered
            assert any(image["RepoTags"] == ["alpine:3"] for image in images)
    run(scenario())


def test_pull_of_a_private_image_needs_the_clients_login_and_passes_it_to_every_engine():
    async def scenario():
        async with manager(*three()) as h:
            status, refused = await h.json("POST", "/images/create?fromImage=private/app&tag=latest")
            assert status == 500 and refused["message"].endswith("no basic auth credentials")  # the engine's words
            status, wrong = await h.json("POST", "/images/create?fromImage=private/app&tag=latest", headers=auth_header(password="x"))
            assert status == 500 and "no basic auth credentials" in wrong["message"]
            response = await h.client.post("/images/create?fromImage=private/app&tag=latest", headers=auth_header())
            assert response.status == 200 and not any("error" in line for line in await lines_of(response))
            assert all("private/app:latest" in engine.images for engine in h.engines)
    run(scenario())


def test_pull_failing_everywhere_in_the_stream_ends_with_an_error_line():
    async def scenario():
        async with manager(*three()) as h:
            response = await h.client.post("/images/create?fromImage=missing&tag=latest")
            lines = await lines_of(response)
            assert lines[-1] == {"errorDetail": {"message": "pull access denied for missing"}, "error": "pull access denied for missing"}
            assert sum("pull access denied" in line.get("status", "") for line in lines) == 3
    run(scenario())


def test_pull_by_constraint_query_or_header_only_on_matching_engines():
    async def scenario():
        async with manager(*three()) as h:
            response = await h.client.post("/images/create?fromImage=alpine&tag=1&constraint=zone==external")
            assert {line["id"] for line in await lines_of(response)} == {"node-2"}
            assert ["alpine:1" in engine.images for engine in h.engines] == [False, True, False]
            response = await h.client.post("/images/create?fromImage=alpine&tag=2",
                                           headers={"X-Dockyard-Constraint": "zone==internal, node!=node-3"})
            assert {line["id"] for line in await lines_of(response)} == {"node-1"}
            status, nowhere = await h.json("POST", "/images/create?fromImage=alpine&constraint=zone==moon")
            assert status == 500 and "zone==moon" in nowhere["message"]
            status, bad = await h.json("POST", "/images/create?fromImage=alpine&constraint=zone=moon")
            assert status == 400 and "==" in bad["message"]
    run(scenario())


def test_inspect_history_from_a_holder_404_from_the_engine_otherwise():
    async def scenario():
        async with manager(*three(one=[], two=["app:1"], three=[])) as h:
            _status, image = await h.json("GET", "/v1.41/images/app:1/json", 200)
            assert image["Id"] == id_of("app:1") and image["Comment"] == "node-2"
            _status, by_id = await h.json("GET", "/images/%s/json" % id_of("app:1")[7:19], 200)
            assert by_id["Id"] == id_of("app:1")
            _status, history = await h.json("GET", "/images/app:1/history", 200)
            assert history[0]["CreatedBy"] == "fake on node-2"
            status, missing = await h.json("GET", "/images/nothere/json")
            assert status == 404 and missing == {"message": "No such image: nothere"}
            _status, slashed = await h.json("GET", "/images/10.0.0.1:5000/team/app:1/json")
            assert slashed == {"message": "No such image: 10.0.0.1:5000/team/app:1"}  # slashes reach the engine whole
    run(scenario())


def test_tag_and_remove_act_on_every_holder():
    async def scenario():
        async with manager(*three(one=["app:1"], two=["app:1"], three=[])) as h:
            response = await h.client.post("/v1.41/images/app:1/tag?repo=registry/app&tag=2")
            assert response.status == 201
            assert ["registry/app:2" in e.images for e in h.engines] == [True, True, False]
            status, removed = await h.json("DELETE", "/images/registry/app:2")
            assert status == 200 and removed == [{"Untagged": "registry/app:2"}]  # once, although two engines untagged
            assert not any("registry/app:2" in e.images for e in h.engines)
            h.engine("node-2").add("user", image="app:1")
            status, conflict = await h.json("DELETE", "/images/app:1")
            assert status == 409 and conflict["message"].startswith("node-2: conflict: unable to remove repository reference")
            assert "removed done on node-1" in conflict["message"]
            status, forced = await h.json("DELETE", "/images/app:1?force=1")
            assert status == 200 and {"Deleted": id_of("app:1")} in forced
            status, gone = await h.json("DELETE", "/images/app:1")
            assert status == 404 and gone == {"message": "No such image: app:1"}
            _status, images = await h.json("GET", "/images/json", 200)
            assert not any("app:1" in (image.get("RepoTags") or []) for image in images)
    run(scenario())


def test_load_and_import_send_one_body_to_every_engine_save_from_a_holder_of_all():
    async def scenario():
        async with manager(*three(one=["a:1", "b:1"], two=["a:1"], three=["b:1"])) as h:
            response = await h.client.post("/images/load?quiet=1", data=b"loaded:1 " * 40000)
            assert response.status == 200
            lines = await lines_of(response)
            assert sorted(line["stream"] for line in lines) == ["%s: Loaded image: loaded:1\n" % n for n in ("node-1", "node-2", "node-3")]
            assert all(engine.bodies == [b"loaded:1 " * 40000] for engine in h.engines)
            h.engine("node-3").down = True
            response = await h.client.post("/images/load", data=b"broken")
            lines = await lines_of(response)
            assert lines[-1]["error"].startswith("no node accepted the images")
            h.engine("node-3").down = False
            response = await h.client.post("/images/create?fromSrc=-&repo=imp&tag=1", data=b"rootfs")
            lines = await lines_of(response)
            assert {line["id"] for line in lines} == {"node-1", "node-2", "node-3"}
            assert all("imp:1" in engine.images for engine in h.engines)
            saved = await h.client.get("/images/get?names=a:1&names=b:1")
            assert saved.status == 200 and await saved.read() == b"saved a:1 b:1 from node-1"
            one = await h.client.get("/images/b:1/get")
            assert await one.read() == b"saved b:1 from node-1"
            status, none = await h.json("GET", "/images/get?names=a:1&names=c:1")
            assert status == 404 and none["message"] == "No such image: c:1"
    run(scenario())


def test_commit_search_login_and_prune():
    async def scenario():
        async with manager(*three()) as h:
            cid = h.engine("node-3").add("web")
            await h.until(lambda: cid in h.cluster.picture.containers)
            status, committed = await h.json("POST", "/v1.41/commit?container=node-3/web&repo=snap&tag=1", json={}, )
            assert status == 201 and committed["Id"] == id_of(cid)
            assert "snap:1" in h.engine("node-3").images
            _status, images = await h.json("GET", "/images/json", 200)
            assert any(image["RepoTags"] == ["snap:1"] for image in images)
            status, found = await h.json("GET", "/images/search?term=busybox")
            assert status == 200 and found[0]["name"] == "busybox" and found[0]["description"].startswith("found by node-")
            status, ok = await h.json("POST", "/auth", json={"username": "lab", "password": "secret", "serveraddress": "r"})
            assert status == 200 and ok["Status"] == "Login Succeeded"
            status, refused = await h.json("POST", "/auth", json={"username": "lab", "password": "no", "serveraddress": "r"})
            assert status == 500 and refused["message"].endswith("401 Unauthorized")
            status, pruned = await h.json("POST", "/images/prune?filters=" + json.dumps({"node": ["node-1", "node-2"]}))
            assert status == 200 and pruned["SpaceReclaimed"] == 20
            assert sorted(item["Deleted"] for item in pruned["ImagesDeleted"]) == ["sha256:node-1", "sha256:node-2"]
    run(scenario())


def test_run_of_a_private_image_pulls_where_it_is_placed_with_the_clients_login():
    async def scenario():
        async with manager(*three()) as h:
            body = {"Image": "private/app:latest", "Env": ["constraint:node==node-3"]}
            status, refused = await h.json("POST", "/v1.41/containers/create?name=p1", json=body)
            assert status == 404 and "pulling private/app:latest on node-3 failed" in refused["message"]  # the CLI pulls then
            status, created = await h.json("POST", "/v1.41/containers/create?name=p1", json=body, headers=auth_header())
            assert status == 201 and created["Id"] in h.engine("node-3").containers
            assert ["private/app:latest" in e.images for e in h.engines] == [False, False, True]
    run(scenario())
