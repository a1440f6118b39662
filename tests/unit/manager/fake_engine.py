# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory Docker engine on aiohttp for the manager's unit tests (just the routes the manager uses)."""
from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any, Dict, List, Optional

from aiohttp import web
from aiohttp.test_utils import TestServer

from .fake_objects import FakeObjects


class FakeEngine(FakeObjects):
    """Containers in a dict; every change is also sent on /events like dockerd does."""

    def __init__(self, name: str, labels: Optional[Dict[str, str]] = None, ncpu: int = 2, memory: int = 2 << 30,
                 images: Optional[List[str]] = None, api: str = "1.41") -> None:
        self.name = name
        self.labels = labels or {}
        self.ncpu = ncpu
        self.memory = memory
        self.api = api
        self.images = list(images if images is not None else ["busybox:latest"])
        self.containers: Dict[str, Dict[str, Any]] = {}
        self.listeners: List[asyncio.Queue] = []
        self.requests: List[str] = []
        self.down = False
        self.answering = asyncio.Event()  # cleared: requests hang without an answer (a frozen or vanished host)
        self.answering.set()
        self.after_create = None  # hook(engine, container) run before create answers
        self.server: Optional[TestServer] = None
        self.init_objects()

    # --- helpers for tests -------------------------------------------------------------------
    @property
    def addr(self) -> str:
        assert self.server is not None
        return "127.0.0.1:%d" % self.server.port

    def add(self, name: str, labels: Optional[Dict[str, str]] = None, state: str = "running", ports=None,
            memory: int = 0, image: str = "busybox:latest", emit: bool = True) -> str:
        cid = os.urandom(32).hex()
        self.containers[cid] = {"Id": cid, "Names": ["/" + name], "Image": image, "ImageID": "sha256:" + "ab" * 32,
                                "Command": "sleep", "Created": int(time.time() * 1000) / 1000.0 + len(self.containers),
                                "State": state, "Status": "Up 1 second" if state == "running" else "Exited (0) 1 second ago",
                                "Labels": dict(labels or {}), "Ports": list(ports or []),
                                "HostConfig": {"NetworkMode": "default", "Memory": memory}, "Mounts": [],
                                "NetworkSettings": {"Networks": {}}}
        if emit:
            self.emit("container", "create", cid, name)
        return cid

    def emit(self, kind: str, action: str, actor: str, name: str = "") -> None:
        now = time.time()
        event = {"Type": kind, "Action": action, "Actor": {"ID": actor, "Attributes": {"name": name}},
                 "scope": "local", "time": int(now), "timeNano": int(now * 1e9)}
        if kind == "container":
            event.update(status=action, id=actor, **{"from": "busybox"})
        for queue in self.listeners:
            queue.put_nowait(event)

    async def start(self) -> "FakeEngine":
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        for prefix in ("", "/v{version}"):
            r.add_get(prefix + "/version", self.version)
            r.add_get(prefix + "/info", self.info)
            r.add_get(prefix + "/containers/json", self.list)
            r.add_post(prefix + "/containers/create", self.create)
            r.add_get(prefix + "/containers/{id}/json", self.inspect)
            r.add_post(prefix + "/containers/{id}/start", self.start_container)
            r.add_post(prefix + "/containers/{id}/stop", self.stop_container)
            r.add_delete(prefix + "/containers/{id}", self.remove)
            r.add_get(prefix + "/containers/{id}/logs", self.logs)
            r.add_get(prefix + "/images/json", self.list_images)
            r.add_post(prefix + "/images/create", self.pull)
            r.add_get(prefix + "/events", self.events)
            self.object_routes(r, prefix)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        self.answering.set()
        for queue in self.listeners:
            queue.put_nowait(None)
        if self.server is not None:
            await self.server.close()

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> Any:
        self.requests.append("%s %s" % (request.method, request.path))
        await self.answering.wait()
        if self.down:
            raise web.HTTPServiceUnavailable()
        return await handler(request)

    # --- routes --------------------------------------------------------------------------------
    async def version(self, request: web.Request) -> web.Response:
        return web.json_response({"Version": "20.10.24", "ApiVersion": self.api, "MinAPIVersion": "1.12"})

    async def info(self, request: web.Request) -> web.Response:
        return web.json_response({"ID": "ID-" + self.name, "Name": self.name, "NCPU": self.ncpu, "MemTotal": self.memory,
                                  "Labels": ["%s=%s" % kv for kv in self.labels.items()], "ServerVersion": "20.10.24",
                                  "OSType": "linux", "Driver": "overlay2"})

    def _summary(self, container: Dict[str, Any]) -> Dict[str, Any]:
        return {k: v for k, v in container.items() if k not in ("Config", "Env", "HostConfigFull")}

    async def list(self, request: web.Request) -> web.Response:
        filters = json.loads(request.query.get("filters") or "{}")
        ids = filters.get("id") or []
        result = [self._summary(c) for c in self.containers.values() if not ids or any(c["Id"].startswith(i) for i in ids)]
        if request.query.get("all") not in ("1", "true"):
            result = [c for c in result if c["State"] == "running"]
        return web.json_response(result)

    async def create(self, request: web.Request) -> web.Response:
        body = await request.json()
        name = request.query.get("name") or "auto_%s" % os.urandom(3).hex()
        if body.get("Image") not in self.images:
            return web.json_response({"message": "No such image: %s" % body.get("Image")}, status=404)
        if any(c["Names"][0] == "/" + name for c in self.containers.values()):
            return web.json_response({"message": "Conflict. The container name \"/%s\" is already in use" % name}, status=409)
        bindings = (body.get("HostConfig") or {}).get("PortBindings") or {}
        ports = [{"PrivatePort": int(k.split("/")[0]), "Type": k.split("/")[1], "IP": "0.0.0.0",
                  "PublicPort": int(b[0]["HostPort"])} for k, b in bindings.items() if b and b[0].get("HostPort")]
        cid = self.add(name, body.get("Labels"), state="created", ports=ports,
                       memory=(body.get("HostConfig") or {}).get("Memory") or 0, image=body["Image"])
        self.containers[cid]["Env"] = body.get("Env")
        if self.after_create is not None:
            self.after_create(self, self.containers[cid])
        return web.json_response({"Id": cid, "Warnings": []}, status=201)

    def _get(self, request: web.Request) -> Dict[str, Any]:
        ref = request.match_info["id"]
        for cid, container in self.containers.items():
            if cid.startswith(ref) or container["Names"][0] == "/" + ref:
                return container
        raise web.HTTPNotFound(text=json.dumps({"message": "No such container: %s" % ref}), content_type="application/json")

    async def inspect(self, request: web.Request) -> web.Response:
        container = self._get(request)
        return web.json_response({"Id": container["Id"], "Name": container["Names"][0], "State": {"Status": container["State"]},
                                  "Config": {"Labels": container["Labels"], "Env": container.get("Env") or []},
                                  "HostConfig": container["HostConfig"],
                                  "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}})

    async def start_container(self, request: web.Request) -> web.Response:
        container = self._get(request)
        container["State"], container["Status"] = "running", "Up Less than a second"
        self.emit("container", "start", container["Id"], container["Names"][0][1:])
        return web.Response(status=204)

    async def stop_container(self, request: web.Request) -> web.Response:
        container = self._get(request)
        container["State"], container["Status"] = "exited", "Exited (0) Less than a second ago"
        self.emit("container", "die", container["Id"], container["Names"][0][1:])
        return web.Response(status=204)

    async def remove(self, request: web.Request) -> web.Response:
        container = self._get(request)
        del self.containers[container["Id"]]
        self.emit("container", "destroy", container["Id"], container["Names"][0][1:])
        return web.Response(status=204)

    async def logs(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        response.content_type = "application/vnd.docker.raw-stream"
        await response.prepare(request)
        for line in (b"one\n", b"two\n"):
            await response.write(line)
        await response.write_eof()
        return response

    async def list_images(self, request: web.Request) -> web.Response:
        return web.json_response(self.image_entries())

    async def events(self, request: web.Request) -> web.StreamResponse:
        queue: asyncio.Queue = asyncio.Queue()
        self.listeners.append(queue)
        response = web.StreamResponse()
        response.content_type = "application/json"
        await response.prepare(request)
        try:
            while True:
                event = await queue.get()
                if event is None:
                    break
                await response.write(json.dumps(event).encode() + b"\n")
        finally:
            self.listeners.remove(queue)
        return response
