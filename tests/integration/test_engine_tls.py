# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS mistakes with real handshakes, and the messages users get for them.

Against the lab's engines (--tlsverify): a wrong CA, no client certificate, a plain-HTTP client.
On 127.0.0.2 (loopback only): a TLS server with node-1's certificate, which does not list that
address, and a plain-HTTP fake engine (benchmarks/fakedocker.py, a simulation) reached over TLS.
"""

from __future__ import annotations

import socket
import ssl
import sys
import threading
from pathlib import Path
from typing import Iterator

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineTLSError,
    connect,
    connection_options,
    snapshot,
)

pytestmark = pytest.mark.integration
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


def options(lab: dict, **overrides: object):  # type: ignore[no-untyped-def]
    tls = lab["tls"]
    params = {"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
              "client_key": tls["client_key"], "timeout": 10}
    params.update(overrides)
    return connection_options({k: v for k, v in params.items() if v is not None}, {})


def test_the_right_settings_connect(lab: dict) -> None:
    client = connect(lab["engines"][0]["addr"], options(lab))
    try:
        assert client.info()["Name"] == "node-1"
    finally:
        client.close()


def test_wrong_ca(lab: dict) -> None:
    wrong = lab["tls"]["wrong_ca_path"]
    with pytest.raises(EngineTLSError, match=r"Engine 10.231.1.2:2376: TLS failed: the engine's certificate was not signed "
                                             r"by the CA in ca_path \(%s\)" % wrong):
        connect(lab["engines"][0]["addr"], options(lab, ca_path=wrong))


def test_no_client_certificate_is_refused_clearly(lab: dict) -> None:
    with pytest.raises(EngineTLSError, match=r"the engine refused this client's certificate: it runs with --tlsverify.*"
                                             r"Set client_cert and client_key"):
        connect(lab["engines"][0]["addr"], options(lab, client_cert=None, client_key=None))


def test_plain_http_client_to_a_tls_engine(lab: dict) -> None:
    plain = connection_options({"timeout": 10}, {})
    with pytest.raises(EngineTLSError, match=r"Engine 10.231.1.2:2376 requires TLS.*Set validate_certs=true"):
        connect(lab["engines"][0]["addr"], plain)


def test_a_snapshot_with_the_wrong_ca_returns_every_engine_unhealthy(lab: dict) -> None:
    nodes = snapshot([engine["addr"] for engine in lab["engines"]], options(lab, ca_path=lab["tls"]["wrong_ca_path"]))
    assert [node["status"] for node in nodes] == ["Unhealthy"] * 3
    assert all("not signed by the CA in ca_path" in node["error"] for node in nodes)


@pytest.fixture()
def tls_server_without_this_address(lab: dict) -> Iterator[str]:
    """A TLS listener on 127.0.0.2 presenting node-1's certificate (SANs: 10.231.1.2, 127.0.0.1, node-1, localhost)."""
    node_tls = Path(lab["tls"]["ca_path"]).parent / "node-1"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(node_tls / "cert.pem"), str(node_tls / "key.pem"))
    listener = socket.socket()
    listener.bind(("127.0.0.2", 0))
    listener.listen(8)
    listener.settimeout(0.5)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _peer = listener.accept()
            except OSError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(1024)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "127.0.0.2:%d" % listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_address_missing_from_the_certificate_sans(lab: dict, tls_server_without_this_address: str) -> None:
    with pytest.raises(EngineTLSError, match=r"does not list the address 127.0.0.2 in its subject alternative names"):
        connect(tls_server_without_this_address, options(lab))


def test_engine_speaking_plain_http(lab: dict) -> None:
    from fakedocker import FakeDockerFleet

    with FakeDockerFleet(count=1, containers=0, lifetime=60) as fleet:
        with pytest.raises(EngineTLSError, match=r"answered in plain HTTP, not TLS"):
            connect(fleet.addresses[0], options(lab))
        plain = snapshot(fleet.addresses, connection_options({"timeout": 10}, {}))
        assert plain[0]["status"] == "Healthy" and plain[0]["name"] == "sim-0001"
