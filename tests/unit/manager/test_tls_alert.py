# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A client refused at the TLS handshake (--tlsverify, no certificate) is told so with a TLS alert, as an
engine's client is, instead of seeing the connection end (EOF, reset)."""
from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import Listener, ManagerConfig
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.server import ManagerServer


def tls_manager(pki):
    config = ManagerConfig(listeners=[Listener("tcp", "127.0.0.1", 0)], discovery="nodes://127.0.0.1:9",
                           tls_verify=True, tls_ca=str(pki / "ca.pem"), tls_cert=str(pki / "cert.pem"),
                           tls_key=str(pki / "key.pem"))
    server = ManagerServer(config)
    server.cluster.start_discovery = lambda environ=None: None  # no engines: only the listener is tested
    return server


def handshake_without_certificate(pki, port, version):
    """What a client without a certificate sees: the exception of its handshake or of its first read."""
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    context.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        try:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as conn:
                conn.sendall(b"GET /_ping HTTP/1.1\r\nHost: manager\r\n\r\n")  # TLS 1.3: the refusal comes after
                conn.recv(1024)
        except (ssl.SSLError, OSError) as exc:
            return exc
    return None


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_client_without_certificate_gets_an_alert(pki, version, caplog):
    async def scenario():
        server = tls_manager(pki)
        await server.start()
        try:
            port = server.ports[0]
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, handshake_without_certificate, pki, port, version)
        finally:
            await server.stop()

    caplog.set_level("INFO", logger="dockyard.swarm.manager.connections")
    error = asyncio.run(scenario())
    assert isinstance(error, ssl.SSLError), "expected a TLS alert, got %r" % (error,)
    assert "ALERT" in str(error).upper(), str(error)  # sslv3 alert handshake failure / tlsv13 alert certificate required
    assert any("TLS handshake with" in record.getMessage() for record in caplog.records)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_s_client_reports_the_alert(pki):
    async def scenario():
        server = tls_manager(pki)
        await server.start()
        try:
            process = await asyncio.create_subprocess_exec(
                "openssl", "s_client", "-connect", "127.0.0.1:%d" % server.ports[0], "-CAfile", str(pki / "ca.pem"), "-ign_eof",
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            output, unused = await asyncio.wait_for(process.communicate(b"GET /_ping HTTP/1.0\r\n\r\n"), 20)
            return output.decode("utf-8", "replace")
        finally:
            await server.stop()

    output = asyncio.run(scenario())
    assert "alert" in output and "unexpected eof" not in output, output


def test_client_with_certificate_is_served(pki):
    async def scenario():
        server = tls_manager(pki)
        await server.start()
        try:
            context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
            context.load_cert_chain(str(pki / "cert.pem"), str(pki / "key.pem"))
            reader, writer = await asyncio.open_connection("127.0.0.1", server.ports[0], ssl=context)
            writer.write(b"GET /_ping HTTP/1.0\r\nHost: manager\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 10)
            writer.close()
            return answer
        finally:
            await server.stop()

    answer = asyncio.run(scenario())
    assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"OK")
