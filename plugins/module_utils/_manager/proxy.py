# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Forward a client request to one engine.

``stream`` relays the answer as it arrives (logs -f, stats, wait, export, archive): headers are
sent as soon as the engine sends them, each chunk is written on at once, and a client that goes
away ends the engine request. ``buffered`` reads the whole (small) answer so the caller can look
at it first (e.g. refresh the picture before answering). The client's API version is kept,
capped to what the engine speaks; hop-by-hop headers are not forwarded.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import EngineResponse, aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import json_response, requested_version

HOP_BY_HOP = frozenset(("host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade", "te",
                        "trailer", "proxy-authorization", "proxy-authenticate", "expect"))
NOT_RELAYED = HOP_BY_HOP | {"api-version", "server", "date"}
CHUNK = 65536


def request_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() not in HOP_BY_HOP}


def engine_path(cluster: Any, request: Any, engine: Any, path: str) -> str:
    return engine.client.path(path, cluster.engine_version(engine, requested_version(request)))


def _body(request: Any) -> Any:
    if not request.body_exists:
        return None
    return request.content.iter_chunked(CHUNK)


async def stream(cluster: Any, request: Any, engine: Any, path: str, params: Any = None) -> Any:
    """Relay the request to ``engine`` at ``path`` and stream the answer back unbuffered."""
    web = aiohttp_module().web
    client = engine.client
    response = await engine.guarded(client.open(request.method, engine_path(cluster, request, engine, path),
                                                params=request.query if params is None else params, data=_body(request),
                                                headers=request_headers(request.headers), streaming=True))
    try:
        out = web.StreamResponse(status=response.status, reason=response.reason)
        for name, value in response.headers.items():
            if name.lower() not in NOT_RELAYED:
                out.headers.add(name, value)
        if request.method == "HEAD" and response.headers.get("Content-Length"):
            out.content_length = int(response.headers["Content-Length"])
        await out.prepare(request)
        if request.method != "HEAD":
            async for chunk in response.content.iter_any():
                await out.write(chunk)
        await out.write_eof()
    finally:
        response.release()
    return out


async def buffered(cluster: Any, request: Any, engine: Any, path: str, params: Any = None,
                   body: Optional[bytes] = None, timeout: Optional[float] = None) -> EngineResponse:
    """Relay the request and return the whole engine answer (not yet sent to the client)."""
    data = body if body is not None else (await request.read() if request.body_exists else None)
    if not data:
        data = None  # an empty chunked body: sent as bytes, aiohttp would add a Content-Type the engine refuses
    return await engine.guarded(engine.client.request(request.method, engine_path(cluster, request, engine, path),
                                                      params=request.query if params is None else params, data=data,
                                                      headers=request_headers(request.headers), timeout=timeout))


def relay(answer: EngineResponse, body: Optional[bytes] = None) -> Any:
    """An engine answer as our response (status, content type and body)."""
    web = aiohttp_module().web
    out = web.Response(status=answer.status, body=answer.body if body is None else body)
    for name, value in answer.headers.items():
        if name.lower() not in NOT_RELAYED:
            out.headers[name] = value
    return out


def renamed(answer: EngineResponse, name_of: Callable[[Dict[str, Any]], str]) -> Any:
    """An engine's inspect answer with ``Name`` as the manager shows it (errors relayed as they are)."""
    if answer.status != 200:
        return relay(answer)
    data = answer.json()
    data["Name"] = name_of(data)
    return json_response(data)
