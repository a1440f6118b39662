# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The aiohttp application: routes under ``/v1.N/`` (any N) and unversioned, JSON errors, API-Version.

Every route is registered twice, plain and behind ``/v{version}``; handlers read the version the
client asked for with ``requested_version``. Errors never leave as tracebacks: ``ApiError`` and
engine errors become ``{"message": ...}`` with their status, an unknown path 404 "page not found"
(the engine's words), anything unexpected a logged 500. Every response carries ``API-Version``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError, from_engine

LOG = logging.getLogger("dockyard.swarm.manager.api")
VERSION_PREFIX = "/{version:v[0-9]+(?:\\.[0-9]+)?}"
_KEYS: Dict[str, Any] = {}
MAX_BODY = 64 * 1024 * 1024
Handler = Callable[[Any], Awaitable[Any]]


def requested_version(request: Any) -> Optional[str]:
    """The API version in the path (``1.41`` for ``/v1.41/...``), None when unversioned."""
    version = request.match_info.get("version")
    return version[1:] if version else None


def app_key(name: str) -> Any:
    """An ``aiohttp.web.AppKey`` per name (string keys draw a warning from aiohttp)."""
    if name not in _KEYS:
        _KEYS[name] = aiohttp_module().web.AppKey(name, object)
    return _KEYS[name]


def cluster_of(request: Any) -> Any:
    return request.app[app_key("cluster")]


def connections_of(request: Any) -> Any:
    """The listener's connection registry (transport -> ConnectionProtocol), for hijacking."""
    return request.app[app_key("connections")]


def json_response(data: Any, status: int = 200) -> Any:
    """A JSON answer with ``Content-Type: application/json`` exactly (the docker CLI compares it as is)."""
    web = aiohttp_module().web
    return web.Response(status=status, body=json.dumps(data).encode("utf-8"), content_type="application/json")


def json_error(status: int, message: str) -> Any:
    return json_response({"message": message}, status)


async def json_object(request: Any) -> Dict[str, Any]:
    """The request body as a JSON object (``{}`` when empty); 400 saying what is wrong otherwise."""
    data = await request.read()
    if not data.strip():
        return {}
    try:
        body = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, "malformed JSON body: %s" % exc) from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    return body


def build_app(cluster: Any, connections: Optional[Dict[Any, Any]] = None) -> Any:
    """The application with every route of the manager."""
    web = aiohttp_module().web
    from ansible_collections.dockyard.swarm.plugins.module_utils._manager import routes

    @web.middleware
    async def errors(request: Any, handler: Handler) -> Any:
        try:
            return await handler(request)
        except ApiError as exc:
            return json_error(exc.status, exc.message)
        except EngineError as exc:
            error = from_engine(exc)
            return json_error(error.status, error.message)
        except web.HTTPException as exc:
            if exc.status == 404:
                return json_error(404, "page not found")
            if exc.status == 405:
                return json_error(405, "%s is not allowed on %s" % (request.method, request.path))
            if exc.status == 413:
                return json_error(413, "request body too large")
            return json_error(exc.status, exc.reason or "error")
        except (asyncio.CancelledError, ConnectionResetError):
            raise
        except Exception as exc:  # a bug: logged with its traceback, answered as JSON
            LOG.exception("%s %s failed", request.method, request.path)
            return json_error(500, "internal error in the dockyard.swarm manager: %s: %s" % (type(exc).__name__, exc))

    async def api_version(request: Any, response: Any) -> None:
        response.headers["API-Version"] = cluster.api_version()
        response.headers.setdefault("Server", "Docker/%s (linux)" % "dockyard-swarm")

    app = web.Application(middlewares=[errors], client_max_size=MAX_BODY)
    app[app_key("cluster")] = cluster
    app[app_key("connections")] = connections if connections is not None else {}
    app.on_response_prepare.append(api_version)
    routes.register(app)
    return app


def add_route(app: Any, method: str, path: str, handler: Handler) -> None:
    """Register ``path`` unversioned and under ``/v{version}``."""
    app.router.add_route(method, path, handler)
    app.router.add_route(method, VERSION_PREFIX + path, handler)
