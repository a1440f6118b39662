# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images, networks, volumes, login and search of the fake engine (the routes the manager forwards).

Image ids come from the tag first given (the same tag has the same id on every fake engine, as an
image pulled from one registry would); ``private/...`` images need the registry login
``lab``/``secret`` in ``X-Registry-Auth``, like the lab's registry.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from typing import Any, Dict, List, Optional

from aiohttp import web

PRIVATE = "private/"
LOGIN = {"username": "lab", "password": "secret"}
PREDEFINED = ("bridge", "host", "none")


def tag_of(name: str) -> str:
    if "@" in name:
        return name
    repo, sep, tag = name.rpartition(":")
    return name if sep and "/" not in tag else name + ":latest"


def id_of(tag: str) -> str:
    return "sha256:" + hashlib.sha256(tag.encode()).hexdigest()


def message(status: int, text: str) -> web.Response:
    return web.json_response({"message": text}, status=status)


class FakeObjects:
    """Mixed into FakeEngine: needs ``images`` (tags), ``containers``, ``emit`` and ``name``."""

    images: List[str]
    containers: Dict[str, Dict[str, Any]]
    name: str

    def init_objects(self) -> None:
        self.image_ids: Dict[str, str] = {}
        self.networks: List[Dict[str, Any]] = [self._network(name, name if name != "none" else "null") for name in PREDEFINED]
        self.volumes: List[Dict[str, Any]] = []
        self.bodies: List[bytes] = []  # what load/import received, in order

    def emit(self, kind: str, action: str, actor: str, name: str = "") -> None:  # provided by FakeEngine
        raise NotImplementedError

    def object_routes(self, router: Any, prefix: str) -> None:
        router.add_get(prefix + "/images/get", self.save_images)
        router.add_get(prefix + "/images/search", self.search)
        router.add_post(prefix + "/images/load", self.load)
        router.add_post(prefix + "/images/prune", self.prune_images)
        router.add_get(prefix + "/images/{name:.+}/json", self.inspect_image)
        router.add_get(prefix + "/images/{name:.+}/history", self.image_history)
        router.add_get(prefix + "/images/{name:.+}/get", self.save_image)
        router.add_post(prefix + "/images/{name:.+}/tag", self.tag_image)
        router.add_delete(prefix + "/images/{name:.+}", self.remove_image)
        router.add_post(prefix + "/containers/prune", self.prune_containers)
        router.add_post(prefix + "/networks/prune", self.prune_networks)
        router.add_post(prefix + "/auth", self.auth)
        router.add_post(prefix + "/commit", self.commit)
        router.add_get(prefix + "/networks", self.list_networks)
        router.add_post(prefix + "/networks/create", self.create_network)
        router.add_get(prefix + "/networks/{id}", self.inspect_network)
        router.add_delete(prefix + "/networks/{id}", self.remove_network)
        router.add_post(prefix + "/networks/{id}/connect", self.connect)
        router.add_post(prefix + "/networks/{id}/disconnect", self.disconnect)
        router.add_get(prefix + "/volumes", self.list_volumes)
        router.add_post(prefix + "/volumes/create", self.create_volume)
        router.add_get(prefix + "/volumes/{name}", self.inspect_volume)
        router.add_delete(prefix + "/volumes/{name}", self.remove_volume)

    # --- images --------------------------------------------------------------------------------
    def image_id(self, tag: str) -> str:
        return self.image_ids.setdefault(tag, id_of(tag))

    def add_image(self, tag: str, image_id: Optional[str] = None) -> None:
        if image_id:
            self.image_ids[tag] = image_id
        if tag not in self.images:
            self.images.append(tag)
        self.emit("image", "tag", self.image_id(tag), tag)

    def find_image(self, name: str) -> Optional[str]:
        """The image id ``name`` means here (tag, full id, id prefix), or None."""
        wanted = tag_of(name)
        if wanted in self.images:
            return self.image_id(wanted)
        bare = name.replace("sha256:", "")
        ids = {self.image_id(tag) for tag in self.images}
        hits = [i for i in ids if i.replace("sha256:", "").startswith(bare)] if len(bare) >= 4 else []
        return hits[0] if len(hits) == 1 else None

    def image_entries(self) -> List[Dict[str, Any]]:
        grouped: Dict[str, Dict[str, Any]] = {}
        for tag in self.images:
            entry = grouped.setdefault(self.image_id(tag), {"Id": self.image_id(tag), "RepoTags": [], "RepoDigests": [],
                                                            "Created": 1700000000, "Size": 1, "Containers": -1,
                                                            "Labels": None, "ParentId": "", "SharedSize": -1})
            entry["RepoTags"].append(tag)
        return list(grouped.values())

    async def inspect_image(self, request: web.Request) -> web.Response:
        image_id = self.find_image(request.match_info["name"])
        if image_id is None:
            return message(404, "No such image: %s" % request.match_info["name"])
        tags = [tag for tag in self.images if self.image_id(tag) == image_id]
        return web.json_response({"Id": image_id, "RepoTags": tags, "Os": "linux", "Comment": self.name})

    async def image_history(self, request: web.Request) -> web.Response:
        image_id = self.find_image(request.match_info["name"])
        if image_id is None:
            return message(404, "No such image: %s" % request.match_info["name"])
        return web.json_response([{"Id": image_id, "CreatedBy": "fake on " + self.name, "Size": 1}])

    async def tag_image(self, request: web.Request) -> web.Response:
        image_id = self.find_image(request.match_info["name"])
        if image_id is None:
            return message(404, "No such image: %s" % request.match_info["name"])
        self.add_image("%s:%s" % (request.query["repo"], request.query.get("tag") or "latest"), image_id)
        return web.Response(status=201)

    async def remove_image(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        image_id = self.find_image(name)
        if image_id is None:
            return message(404, "No such image: %s" % name)
        tags = [tag for tag in self.images if self.image_id(tag) == image_id]
        users = [c for c in self.containers.values() if c["Image"] in tags]
        if users and request.query.get("force") not in ("1", "true"):
            return message(409, "conflict: unable to remove repository reference \"%s\" (must force) - container %s is "
                                "using its referenced image %s" % (name, users[0]["Id"][:12], image_id[7:19]))
        removed = [tag_of(name)] if tag_of(name) in tags else tags
        answer: List[Dict[str, str]] = []
        for tag in removed:
            self.images.remove(tag)
            answer.append({"Untagged": tag})
            self.emit("image", "untag", image_id, tag)
        if not any(self.image_id(tag) == image_id for tag in self.images):
            answer.append({"Deleted": image_id})
            self.emit("image", "delete", image_id)
        return web.json_response(answer)

    async def pull(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("fromSrc"):
            return await self.import_image(request)
        image = "%s:%s" % (request.query["fromImage"], request.query.get("tag") or "latest")
        if request.query["fromImage"].startswith(PRIVATE):
            try:
                auth = json.loads(base64.urlsafe_b64decode(request.headers.get("X-Registry-Auth", "") + "=="))
            except ValueError:
                auth = {}
            if {k: auth.get(k) for k in LOGIN} != LOGIN:
                return message(500, "Head \"http://registry/v2/%s/manifests/latest\": no basic auth credentials" % image)
        response = web.StreamResponse()
        await response.prepare(request)
        if request.query["fromImage"].startswith("missing"):
            await response.write(b'{"error": "pull access denied for missing"}\n')
        else:
            await response.write(json.dumps({"status": "Pulling fs layer", "id": "aaaa", "progressDetail": {}}).encode() + b"\n")
            self.add_image(image)
            await response.write(b'{"status": "Downloaded newer image"}\n')
        await response.write_eof()
        return response

    async def import_image(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.bodies.append(body)
        tag = "%s:%s" % (request.query.get("repo") or "imported", request.query.get("tag") or "latest")
        self.add_image(tag, id_of(body.decode("utf-8", "replace")))
        return web.Response(body=json.dumps({"status": self.image_id(tag)}).encode() + b"\r\n", content_type="application/json")

    async def load(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.bodies.append(body)
        lines = []
        for tag in dict.fromkeys(body.decode().split()):
            if tag == "broken":
                lines.append({"errorDetail": {"message": "unexpected EOF"}, "error": "unexpected EOF"})
                continue
            self.add_image(tag)
            lines.append({"stream": "Loaded image: %s\n" % tag})
        return web.Response(body=b"".join(json.dumps(line).encode() + b"\r\n" for line in lines), content_type="application/json")

    async def save_images(self, request: web.Request) -> web.Response:
        names = request.query.getall("names")
        if any(self.find_image(name) is None for name in names):
            return message(404, "No such image: %s" % names)
        return web.Response(body=("saved %s from %s" % (" ".join(names), self.name)).encode(),
                            content_type="application/x-tar")

    async def save_image(self, request: web.Request) -> web.Response:
        if self.find_image(request.match_info["name"]) is None:
            return message(404, "No such image: %s" % request.match_info["name"])
        return web.Response(body=("saved %s from %s" % (request.match_info["name"], self.name)).encode(),
                            content_type="application/x-tar")

    async def prune_images(self, request: web.Request) -> web.Response:
        return web.json_response({"ImagesDeleted": [{"Deleted": "sha256:" + self.name}], "SpaceReclaimed": 10})

    async def prune_containers(self, request: web.Request) -> web.Response:
        gone = [cid for cid, container in self.containers.items() if container["State"] == "exited"]
        for cid in gone:
            self.containers.pop(cid)
        return web.json_response({"ContainersDeleted": gone or None, "SpaceReclaimed": 5 * len(gone)})

    async def prune_networks(self, request: web.Request) -> web.Response:
        gone = [n for n in self.networks if n["Name"] not in PREDEFINED]
        for network in gone:
            self.networks.remove(network)
        return web.json_response({"NetworksDeleted": [n["Name"] for n in gone] or None})

    async def search(self, request: web.Request) -> web.Response:
        return web.json_response([{"name": request.query["term"], "description": "found by " + self.name,
                                   "star_count": 1, "is_official": False, "is_automated": False}])

    async def auth(self, request: web.Request) -> web.Response:
        body = await request.json()
        if {k: body.get(k) for k in LOGIN} == LOGIN:
            return web.json_response({"IdentityToken": "", "Status": "Login Succeeded"})
        return message(500, "login attempt to http://%s/v2/ failed with status: 401 Unauthorized" % body.get("serveraddress"))

    async def commit(self, request: web.Request) -> web.Response:
        container = self.containers.get(request.query["container"])
        if container is None:
            return message(404, "No such container: %s" % request.query["container"])
        tag = "%s:%s" % (request.query.get("repo"), request.query.get("tag") or "latest")
        self.add_image(tag, id_of(container["Id"]))
        return web.json_response({"Id": self.image_id(tag)}, status=201)

    # --- networks ------------------------------------------------------------------------------
    def _network(self, name: str, driver: str, labels: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        return {"Name": name, "Id": os.urandom(32).hex(), "Created": time.strftime("%Y-%m-%dT%H:%M:%SZ"), "Scope": "local",
                "Driver": driver, "EnableIPv6": False, "Internal": False, "Attachable": False, "Containers": {},
                "Options": {}, "Labels": dict(labels or {}), "IPAM": {"Driver": "default", "Config": []}}

    def _get_network(self, ref: str) -> Optional[Dict[str, Any]]:
        return next((n for n in self.networks if n["Id"] == ref or n["Name"] == ref or n["Id"].startswith(ref)), None)

    async def list_networks(self, request: web.Request) -> web.Response:
        return web.json_response(self.networks)

    async def create_network(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("Driver") == "overlay":
            return message(403, "This node is not a swarm manager. Use \"docker swarm init\" or \"docker swarm join\" to "
                                "connect this node to swarm and try again.")
        if body.get("CheckDuplicate") and any(n["Name"] == body["Name"] for n in self.networks):
            return message(409, "network with name %s already exists" % body["Name"])
        network = self._network(body["Name"], body.get("Driver") or "bridge", body.get("Labels"))
        self.networks.append(network)
        self.emit("network", "create", network["Id"], network["Name"])
        return web.json_response({"Id": network["Id"], "Warning": ""}, status=201)

    async def inspect_network(self, request: web.Request) -> web.Response:
        network = self._get_network(request.match_info["id"])
        if network is None:
            return message(404, "network %s not found" % request.match_info["id"])
        return web.json_response(dict(network, Comment=self.name))

    async def remove_network(self, request: web.Request) -> web.Response:
        network = self._get_network(request.match_info["id"])
        if network is None:
            return message(404, "network %s not found" % request.match_info["id"])
        if network["Name"] in PREDEFINED:
            return message(403, "%s is a pre-defined network and cannot be removed" % network["Name"])
        self.networks.remove(network)
        self.emit("network", "destroy", network["Id"], network["Name"])
        return web.Response(status=204)

    async def _attachment(self, request: web.Request, connect: bool) -> web.Response:
        network = self._get_network(request.match_info["id"])
        body = await request.json()
        container = self.containers.get(body.get("Container"))
        if network is None or container is None:
            return message(404, "no such network or container: %s %s" % (request.match_info["id"], body.get("Container")))
        networks = container["NetworkSettings"]["Networks"]
        if connect:
            networks[network["Name"]] = {"NetworkID": network["Id"]}
        else:
            networks.pop(network["Name"], None)
        self.emit("network", "connect" if connect else "disconnect", network["Id"], network["Name"])
        return web.Response(status=200)

    async def connect(self, request: web.Request) -> web.Response:
        return await self._attachment(request, True)

    async def disconnect(self, request: web.Request) -> web.Response:
        return await self._attachment(request, False)

    # --- volumes -------------------------------------------------------------------------------
    async def list_volumes(self, request: web.Request) -> web.Response:
        return web.json_response({"Volumes": self.volumes, "Warnings": None})

    async def create_volume(self, request: web.Request) -> web.Response:
        body = await request.json()
        name = body.get("Name") or os.urandom(32).hex()
        if body.get("Driver") not in (None, "", "local"):
            return message(404, "error looking up volume plugin %s: plugin \"%s\" not found" % (body["Driver"], body["Driver"]))
        volume = next((v for v in self.volumes if v["Name"] == name), None)
        if volume is None:
            volume = {"Name": name, "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/%s/_data" % name,
                      "Labels": body.get("Labels") or {}, "Scope": "local", "Options": body.get("DriverOpts") or {}}
            self.volumes.append(volume)
            self.emit("volume", "create", name)
        return web.json_response(volume, status=201)

    async def inspect_volume(self, request: web.Request) -> web.Response:
        volume = next((v for v in self.volumes if v["Name"] == request.match_info["name"]), None)
        if volume is None:
            return message(404, "get %s: no such volume" % request.match_info["name"])
        return web.json_response(dict(volume, Status={"engine": self.name}))

    async def remove_volume(self, request: web.Request) -> web.Response:
        volume = next((v for v in self.volumes if v["Name"] == request.match_info["name"]), None)
        if volume is None:
            return message(404, "get %s: no such volume" % request.match_info["name"])
        self.volumes.remove(volume)
        self.emit("volume", "destroy", volume["Name"])
        return web.Response(status=204)
