# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The asyncio engine layer the manager uses: TLS contexts, raw hijack streams (half-close under TLS),
the aiohttp client's error translation."""
from __future__ import annotations

import asyncio
import ssl

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import (
    AsyncEngineClient,
    is_unreachable,
    min_version,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineConfigError, EngineUnreachableError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.hijack import build_request, hijack, parse_head
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.tls_context import client_ssl_context, server_ssl_context


def mutual_tls(pki):
    return server_ssl_context(str(pki / "cert.pem"), str(pki / "key.pem"), str(pki / "ca.pem"), verify_clients=True)


def options(pki, verify=True, cert=True):
    return ConnectionOptions(tls=True, validate_certs=verify, ca_path=str(pki / "ca.pem"),
                             client_cert=str(pki / "cert.pem") if cert else None,
                             client_key=str(pki / "key.pem") if cert else None)


class UpgradeServer:
    """Answers 101, echoes what it reads until the client's EOF, then says 'bye' and closes (like an attach).

    Blocking sockets in a thread, like Go's TLS: a read returns the end of the client's writing (a bare
    TCP FIN) while writing goes on; asyncio's own TLS server would close the whole connection there."""

    def __init__(self, context):
        import socket
        import threading

        context.options |= getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)  # Go's reading of a bare FIN
        self.context = context
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        raw, _addr = self.listener.accept()
        try:
            conn = self.context.wrap_socket(raw, server_side=True)
        except (ssl.SSLError, OSError):
            raw.close()
            return
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(1024)
            if not chunk:
                conn.close()
                return
            head += chunk
        conn.sendall(b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                     b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
        conn.sendall(b"bye")
        conn.close()

    def close(self):
        self.listener.close()
        self.thread.join(timeout=5)


def test_hijack_half_closes_under_tls(pki):
    async def scenario():
        server = UpgradeServer(mutual_tls(pki))
        port = server.port
        try:
            stream, status, _reason, headers = await hijack("127.0.0.1:%d" % port, client_ssl_context(options(pki)),
                                                            "POST", "/containers/x/attach?stdin=1", {}, b"")
            assert status == 101 and ("Upgrade", "tcp") in headers
            await stream.write(b"ping")
            assert await stream.read() == b"ping"
            await stream.write_eof()  # stdin ended: the other side still answers
            received = b""
            while True:
                chunk = await stream.read()
                if not chunk:
                    break
                received += chunk
            assert received == b"bye"
            stream.close()
        finally:
            server.close()

    asyncio.run(scenario())


def test_server_context_refuses_a_client_without_certificate(pki):
    async def scenario():
        server = UpgradeServer(mutual_tls(pki))
        port = server.port
        try:
            with pytest.raises((ssl.SSLError, ConnectionError, EngineUnreachableError, OSError)):
                stream, status, _reason, _headers = await hijack(
                    "127.0.0.1:%d" % port, client_ssl_context(options(pki, cert=False)), "POST", "/x", {}, b"")
                await stream.read()
        finally:
            server.close()

    asyncio.run(scenario())


def test_contexts(pki, tmp_path):
    assert client_ssl_context(ConnectionOptions()) is None
    insecure = client_ssl_context(options(pki, verify=False))
    assert insecure.verify_mode == ssl.CERT_NONE and not insecure.check_hostname
    strict = client_ssl_context(options(pki))
    assert strict.verify_mode == ssl.CERT_REQUIRED and strict.minimum_version == ssl.TLSVersion.TLSv1_2
    (tmp_path / "bad.pem").write_text("not a certificate")
    with pytest.raises(EngineConfigError, match="Cannot load"):
        server_ssl_context(str(tmp_path / "bad.pem"), str(pki / "key.pem"))
    with pytest.raises(EngineConfigError, match="needs the CA"):
        server_ssl_context(str(pki / "cert.pem"), str(pki / "key.pem"), verify_clients=True)


def test_request_head_helpers():
    headers = {"Content-Type": "application/json", "Connection": "close"}
    raw = build_request("POST", "/v1.41/exec/1/start", "10.0.0.1:2376", headers, b"{}")
    head = raw.decode()
    assert head.startswith("POST /v1.41/exec/1/start HTTP/1.1\r\nHost: 10.0.0.1:2376\r\n")
    assert "Upgrade: tcp" in head and "Connection: Upgrade" in head and "Connection: close" not in head
    assert head.endswith("Content-Length: 2\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n{}")
    assert parse_head(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json") == (
        404, "Not Found", [("Content-Type", "application/json")])


def test_client_errors_count_as_unreachable():
    async def scenario():
        client = AsyncEngineClient("127.0.0.1:1", ConnectionOptions(), connect_timeout=2)
        try:
            with pytest.raises(EngineUnreachableError) as caught:
                await client.call("GET", "/info")
            assert is_unreachable(caught.value) and "127.0.0.1:1" in str(caught.value)
        finally:
            await client.close()

    asyncio.run(scenario())
    assert min_version("1.43", "1.41", None) == "1.41" and min_version("1.9", "1.10") == "1.9"
