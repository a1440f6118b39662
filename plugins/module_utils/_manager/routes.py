# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The route table. Build answers 501 for now; swarm-mode and newer engine-only routes answer 501
"not supported"; anything else unknown 404 (the engine's "page not found")."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import (
    containers,
    dockyard_api,
    execs,
    image_transfer,
    images,
    networks,
    prune,
    system,
    volumes,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import add_route
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import not_implemented

C = "/containers/{name:[^/]+(?:/[^/]+)?}"  # `node-1/web` names reach here unescaped
IMAGE = "/images/{name:.+}"  # references hold slashes and colons: 10.0.0.1:5000/team/app:1
NETWORK = "/networks/{name:[^/]+(?:/[^/]+)?}"
VOLUME = "/volumes/{name:[^/]+(?:/[^/]+)?}"
LATER = {
    "/build": "docker build",
    "/session": "BuildKit sessions",
}
NEVER = {
    "/swarm": "Swarm mode (docker swarm ...)", "/nodes": "Swarm mode nodes", "/services": "Swarm mode services",
    "/tasks": "Swarm mode tasks", "/secrets": "Swarm mode secrets", "/configs": "Swarm mode configs",
    "/plugins": "Engine plugins", "/distribution": "Registry distribution inspection", "/system/df": "docker system df",
    "/grpc": "BuildKit over gRPC",
}


def _stub(what: str, later: bool) -> Callable[[Any], Any]:
    async def handler(request: Any) -> Any:
        raise not_implemented(what, later)

    return handler


def register(app: Any) -> None:
    for method in ("GET", "HEAD"):
        add_route(app, method, "/_ping", system.ping)
    add_route(app, "GET", "/version", system.version)
    add_route(app, "GET", "/info", system.info)
    add_route(app, "GET", "/events", system.events)
    add_route(app, "POST", "/auth", system.auth)
    add_route(app, "GET", dockyard_api.ROUTE, dockyard_api.nodes)

    add_route(app, "POST", "/containers/prune", prune.containers)
    add_route(app, "GET", "/containers/json", containers.list_)
    add_route(app, "GET", "/containers/ps", containers.list_)
    add_route(app, "POST", "/containers/create", containers.create)
    add_route(app, "GET", C + "/json", containers.inspect)
    for suffix in ("start", "stop", "restart", "kill", "pause", "unpause", "update"):
        add_route(app, "POST", C + "/" + suffix, containers._operation(suffix))
    add_route(app, "POST", C + "/resize", containers._operation("resize", refresh_after=False))
    add_route(app, "POST", C + "/rename", containers.rename)
    add_route(app, "POST", C + "/wait", containers.wait)
    add_route(app, "DELETE", C, containers.remove)
    for suffix in ("logs", "stats", "top", "changes", "export"):
        add_route(app, "GET", C + "/" + suffix, containers._streamed(suffix))
    for method in ("HEAD", "GET", "PUT"):
        add_route(app, method, C + "/archive", containers._streamed("archive"))
    add_route(app, "POST", C + "/copy", containers._streamed("copy"))
    add_route(app, "POST", C + "/attach", containers.attach)
    add_route(app, "GET", C + "/attach/ws", _stub("attach over websocket", False))
    add_route(app, "POST", C + "/exec", containers.exec_create)
    add_route(app, "POST", "/exec/{exec_id}/start", execs.start)
    add_route(app, "POST", "/exec/{exec_id}/resize", execs.resize)
    add_route(app, "GET", "/exec/{exec_id}/json", execs.inspect)
    add_route(app, "POST", "/commit", images.commit)

    add_route(app, "GET", "/images/json", images.list_)
    add_route(app, "POST", "/images/create", image_transfer.create)
    add_route(app, "POST", "/images/load", image_transfer.load)
    add_route(app, "GET", "/images/get", images.save)
    add_route(app, "GET", "/images/search", images.search)
    add_route(app, "POST", "/images/prune", prune.images)
    add_route(app, "GET", IMAGE + "/json", images.inspect)
    add_route(app, "GET", IMAGE + "/history", images.history)
    add_route(app, "GET", IMAGE + "/get", images.save_one)
    add_route(app, "POST", IMAGE + "/push", images.push)
    add_route(app, "POST", IMAGE + "/tag", images.tag)
    add_route(app, "DELETE", IMAGE, images.remove)

    add_route(app, "GET", "/networks", networks.list_)
    add_route(app, "POST", "/networks/create", networks.create)
    add_route(app, "POST", "/networks/prune", prune.networks)
    add_route(app, "GET", NETWORK, networks.inspect)
    add_route(app, "DELETE", NETWORK, networks.remove)
    add_route(app, "POST", NETWORK + "/connect", networks.connect)
    add_route(app, "POST", NETWORK + "/disconnect", networks.disconnect)

    add_route(app, "GET", "/volumes", volumes.list_)
    add_route(app, "POST", "/volumes/create", volumes.create)
    add_route(app, "POST", "/volumes/prune", prune.volumes)
    add_route(app, "GET", VOLUME, volumes.inspect)
    add_route(app, "DELETE", VOLUME, volumes.remove)
    add_route(app, "PUT", VOLUME, _stub("Cluster volume update (Swarm mode)", False))

    for prefix, what in LATER.items():
        add_route(app, "*", prefix + "{tail:.*}", _stub(what, True))
    for prefix, what in NEVER.items():
        add_route(app, "*", prefix + "{tail:.*}", _stub(what, False))
