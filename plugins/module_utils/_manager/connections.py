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

A client refused at the handshake (no certificate, or one from another CA, with --tlsverify) gets
the TLS alert OpenSSL wrote for it, as an engine's client does (``remote error: tls: bad
certificate``): asyncio's TLS protocol closes the connection without sending it, which clients
only see as an EOF or a reset.
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
    """asyncio's TLS protocol, except that the client ending its writing on a hijacked connection
    (a TLS close_notify, or a bare TCP FIN) is a half-close: the EOF goes up, writing goes on."""

    _skip_shutdown = False

    def _on_handshake_complete(self, handshake_exc: Optional[BaseException]) -> None:
        if handshake_exc is not None:
            self._send_alert(handshake_exc)
        super()._on_handshake_complete(handshake_exc)

    def _send_alert(self, exc: BaseException) -> None:
        """Write what OpenSSL queued for the peer when the handshake failed (the alert) before closing."""
        try:
            peer = self._transport.get_extra_info("peername") if self._transport is not None else None
            LOG.info("TLS handshake with %s refused: %s", peer, getattr(exc, "reason", None) or exc)
            alert = self._outgoing.read()
            if alert and self._transport is not None and not self._transport.is_closing():
                self._transport.write(alert)
        except Exception:  # another asyncio implementation, or the peer already gone: close as asyncio does
            LOG.debug("could not send the TLS alert", exc_info=True)

    def _hijacked_and_open(self) -> bool:
        try:
            return self._state == sslproto.SSLProtocolState.WRAPPED and _hijacked(self._app_protocol)
        except AttributeError:  # another asyncio implementation: plain behaviour
            return False

    def _call_eof_received(self) -> None:
        if not self._hijacked_and_open():
            super()._call_eof_received()
            return
        # close_notify from the client: tell the hijack, and skip the shutdown asyncio starts next
        self._skip_shutdown = True
        if self._app_state == sslproto.AppProtocolState.STATE_CON_MADE:
            self._app_state = sslproto.AppProtocolState.STATE_EOF
            try:
                self._app_protocol.eof_received()
            except Exception:  # the hijack ends itself; never break the transport from here
                LOG.debug("eof handling failed", exc_info=True)

    def _start_shutdown(self) -> None:
        if self._skip_shutdown:
            self._skip_shutdown = False
            return
        super()._start_shutdown()

    def eof_received(self) -> Optional[bool]:
        if self._hijacked_and_open():  # a TCP FIN without close_notify (the docker CLI's CloseWrite on raw TCP)
            self._eof_received = False
            try:
                self._app_protocol.eof_received()
            except Exception:
                LOG.debug("eof handling failed", exc_info=True)
            return True
        return super().eof_received()


def connection_lookup(registry: Dict[Any, ConnectionProtocol], transport: Any) -> Optional[ConnectionProtocol]:
    return registry.get(transport)
