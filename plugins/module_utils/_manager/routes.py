# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The route table. Images, networks, volumes, auth and build answer 501 for now (they slot in here
as their handler modules arrive); swarm-mode and newer engine-only routes answer 501 "not supported"."""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import containers, dockyard_api, execs, system
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import add_route
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import not_implemented

C = "/containers/{name:[^/]+(?:/[^/]+)?}"  # `node-1/web` names reach here unescaped
LATER = {
    "/images": "Image management (docker images, pull, push, tag, rmi, save, load)",
    "/networks": "Network management (docker network ...)",
    "/volumes": "Volume management (docker volume ...)",
    "/auth": "Registry login (docker login)",
    "/build": "docker build",
    "/commit": "docker commit",
    "/session": "BuildKit sessions",
    "/containers/prune": "docker container prune",
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
    add_route(app, "GET", dockyard_api.ROUTE, dockyard_api.nodes)

    add_route(app, "*", "/containers/prune", _stub(LATER["/containers/prune"], True))
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

    for prefix, what in LATER.items():
        if prefix != "/containers/prune":
            add_route(app, "*", prefix + "{tail:.*}", _stub(what, True))
    for prefix, what in NEVER.items():
        add_route(app, "*", prefix + "{tail:.*}", _stub(what, False))
