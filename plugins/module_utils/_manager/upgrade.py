# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hijacked endpoints (attach, exec start): upgrade the client connection and pump bytes both ways.

The request goes to the engine on a raw connection (``_engine.hijack``). If the engine upgrades,
the client gets the same head (``101 UPGRADED``, ``Upgrade: tcp``, the engine's Content-Type)
and from then on bytes flow unchanged: client -> engine until the client half-closes (then the
engine's write half is closed too), engine -> client until the engine closes, then the client
connection is closed. An engine that refuses (404, 409 ...) is answered like any other error.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.hijack import RawStream, header, hijack
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.proxy import engine_path, request_headers

LOG = logging.getLogger("dockyard.swarm.manager.hijack")
HIGH_WATER = 1 << 20
QUEUE_HIGH = 64
QUEUE_LOW = 8
DRAIN_PAUSE = 0.005


class RawFeed:
    """Receives the client's raw bytes after the upgrade (aiohttp's payload parser interface)."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.queue: "asyncio.Queue[bytes]" = asyncio.Queue()
        self.paused = False
        self.ended = False

    def feed_data(self, data: Any) -> Tuple[bool, bytes]:
        if not self.ended and data:
            self.queue.put_nowait(bytes(data))
            if self.queue.qsize() > QUEUE_HIGH and not self.paused:
                self.paused = True
                self.transport.pause_reading()
        return False, b""

    def feed_eof(self) -> None:
        if not self.ended:
            self.ended = True
            self.queue.put_nowait(b"")

    async def get(self) -> bytes:
        data = await self.queue.get()
        if self.paused and self.queue.qsize() < QUEUE_LOW:
            self.paused = False
            try:
                self.transport.resume_reading()
            except (AttributeError, RuntimeError):
                pass
        return data


def hijacked_response() -> Any:
    """What the handler returns once it answered on the raw connection itself."""
    web = aiohttp_module().web

    class Hijacked(web.StreamResponse):
        async def prepare(self, request: Any) -> Any:  # the head was written by hand
            return None

        async def write_eof(self, data: bytes = b"") -> None:
            return None

    response = Hijacked(status=101)
    response.force_close()
    return response


async def _read_error_body(stream: RawStream, headers: Any) -> bytes:
    length = header(headers, "Content-Length")
    body = b""
    if length is not None and length.isdigit():
        while len(body) < int(length):
            chunk = await stream.read()
            if not chunk:
                break
            body += chunk
    return body


async def _engine_to_client(stream: RawStream, transport: Any) -> None:
    while True:
        data = await stream.read()
        if not data:
            return
        if transport.is_closing():
            return
        transport.write(data)
        while transport.get_write_buffer_size() > HIGH_WATER and not transport.is_closing():
            await asyncio.sleep(DRAIN_PAUSE)


async def _client_to_engine(feed: RawFeed, stream: RawStream) -> None:
    while True:
        data = await feed.get()
        if not data:
            await stream.write_eof()
            return
        await stream.write(data)


async def hijack_request(cluster: Any, request: Any, engine: Any, path: str, registry: Any) -> Any:
    """Run one hijacked request against ``engine``; returns the handler's response."""
    web = aiohttp_module().web
    body = await request.read()
    upgrade = request.headers.get("Upgrade", "").lower() == "tcp" and "upgrade" in request.headers.get("Connection", "").lower()
    target = engine_path(cluster, request, engine, path) + ("?" + request.query_string if request.query_string else "")
    try:
        stream, status, reason, headers = await hijack(engine.addr, cluster.ssl_context, request.method, target,
                                                       request_headers(request.headers), body)
    except (EngineError, OSError) as exc:
        error = engine.client.error(exc)
        engine.failed(error)
        raise error from None
    engine.succeeded()
    try:
        if status not in (101, 200):
            data = await _read_error_body(stream, headers)
            content_type = (header(headers, "Content-Type") or "application/json").split(";")[0]
            return web.Response(status=status, body=data, content_type=content_type)
        transport = request.transport
        lines = ["HTTP/1.1 %s %s" % ((101, "UPGRADED") if upgrade else (200, "OK"))]
        lines.append("Content-Type: %s" % (header(headers, "Content-Type") or "application/vnd.docker.raw-stream"))
        lines.append("API-Version: %s" % cluster.api_version())
        if upgrade:
            lines += ["Connection: Upgrade", "Upgrade: tcp"]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        connection = registry.get(transport)
        feed: Optional[RawFeed] = None
        if upgrade:
            feed = RawFeed(transport)
            request.protocol.set_parser(feed)
            if connection is not None:
                connection.on_eof = feed.feed_eof
        await _pump(stream, transport, feed)
        return hijacked_response()
    finally:
        stream.close()


async def _pump(stream: RawStream, transport: Any, feed: Optional[RawFeed]) -> None:
    outbound = asyncio.ensure_future(_engine_to_client(stream, transport))
    inbound = asyncio.ensure_future(_client_to_engine(feed, stream)) if feed is not None else None
    try:
        await outbound
    except (ConnectionError, OSError, EngineError) as exc:
        LOG.debug("hijacked stream ended: %s", exc)
    finally:
        if inbound is not None:
            inbound.cancel()
            try:
                await inbound
            except BaseException:  # cancelled, or the engine went away while we wrote to it
                pass
        outbound.cancel()
    if not transport.is_closing():
        transport.close()
