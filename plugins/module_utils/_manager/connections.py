# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Listener connections that can be half-closed once hijacked (attach, exec start).

The docker CLI ends stdin by closing the write half of its connection (a TCP FIN, even under TLS)
and keeps reading the container's output. aiohttp (and asyncio's TLS layer) close the whole
connection on that EOF, cutting the output. ``ConnectionProtocol`` wraps aiohttp's handler: once a
request hijacked the connection it sets ``on_eof``, and an EOF then only ends the client->engine
direction. ``HalfCloseSSLProtocol`` does the same below TLS: asyncio's SSL protocol would start
its shutdown on a TCP EOF; for a hijacked connection it passes the EOF up and keeps writing.
Connections that are not hijacked behave exactly as before.
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import sslproto
from typing import Any, Callable, Dict, Optional

LOG = logging.getLogger("dockyard.swarm.manager.connections")


class ConnectionProtocol(asyncio.Protocol):
    """Forwards everything to aiohttp's RequestHandler; registers the connection by transport."""

    def __init__(self, inner: Any, registry: Dict[Any, "ConnectionProtocol"]) -> None:
        self.inner = inner
        self.registry = registry
        self.transport: Any = None
        self.on_eof: Optional[Callable[[], None]] = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.registry[transport] = self
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> Optional[bool]:
        if self.on_eof is not None:
            self.on_eof()
            return True  # keep the write half open: the engine's output is still coming
        return self.inner.eof_received()

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self.registry.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


def _hijacked(protocol: Any) -> bool:
    return getattr(protocol, "on_eof", None) is not None


class HalfCloseSSLProtocol(sslproto.SSLProtocol):
    """asyncio's TLS protocol, except that a TCP EOF on a hijacked connection is a half-close."""

    def eof_received(self) -> Optional[bool]:
        try:
            wrapped = self._state == sslproto.SSLProtocolState.WRAPPED
            app = self._app_protocol
        except AttributeError:  # another asyncio implementation: plain behaviour
            return super().eof_received()
        if wrapped and _hijacked(app):
            try:
                app.eof_received()
            except Exception:  # the hijack ends itself; never break the transport from here
                LOG.debug("eof handling failed", exc_info=True)
            return True
        return super().eof_received()


def connection_lookup(registry: Dict[Any, ConnectionProtocol], transport: Any) -> Optional[ConnectionProtocol]:
    return registry.get(transport)
