# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An engine that goes away is reported as gone, never as a certificate problem (real connections).

* node-3 of the lab is stopped (and always started again): a new connection and a client made
  before the stop both get "connection refused", with nothing about certificates.
* On 127.0.0.1: a listener that accepts and closes at once (an engine shutting down mid-handshake),
  and a TLS server with the lab's node certificate that completes the handshake and then closes
  without answering (an engine dying mid-request): "closed the connection", nothing about certificates.
* A real refusal of the client certificate by a lab engine still says so.
"""

from __future__ import annotations

import socket
import ssl
import threading
from pathlib import Path
from typing import Callable, Iterator

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineTLSError,
    EngineUnreachableError,
    connect,
    connection_options,
    explain,
)

pytestmark = pytest.mark.integration


def options(lab: dict, **overrides: object):  # type: ignore[no-untyped-def]
    tls = lab["tls"]
    params = {"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
              "client_key": tls["client_key"], "timeout": 10}
    params.update(overrides)
    return connection_options({k: v for k, v in params.items() if v is not None}, {})


def assert_gone_not_tls(error: BaseException, *expected: str) -> None:
    assert isinstance(error, EngineUnreachableError) and not isinstance(error, EngineTLSError), repr(error)
    for text in expected:
        assert text in str(error), str(error)
    assert "certificate" not in str(error).lower() and "client_cert" not in str(error), str(error)


def test_a_stopped_engine_is_refused_not_a_certificate_problem(lab: dict, lab_control: Callable[[str, str], None]) -> None:
    engine = next(item for item in lab["engines"] if item["name"] == "node-3")
    settings = options(lab)
    before = connect(engine["addr"], settings)  # like a run that read the cluster before the engine stopped
    try:
        assert before.info()["Name"] == "node-3"
        lab_control("stop-engine", "node-3")
        try:
            with pytest.raises(EngineUnreachableError) as caught:
                connect(engine["addr"], settings)
            assert_gone_not_tls(caught.value, "Engine %s: connection refused: nothing listens on %s" % (engine["addr"], engine["addr"]),
                                "the engine is stopped or restarting")
            with pytest.raises(Exception) as raw:
                before.create_container("busybox:latest", name="dysafety-never")
            assert_gone_not_tls(explain(raw.value, engine["addr"], settings), "connection refused")
        finally:
            lab_control("start-engine", "node-3")
    finally:
        before.close()
    again = connect(engine["addr"], settings)
    try:
        assert again.info()["Name"] == "node-3"
    finally:
        again.close()


@pytest.fixture()
def closing_listener() -> Iterator[str]:
    """Accepts TCP connections and closes them at once: an engine going away during the handshake."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.3)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _peer = listener.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1:%d" % listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_a_connection_closed_during_the_handshake(lab: dict, closing_listener: str) -> None:
    for settings in (options(lab), options(lab, validate_certs=False, tls=True), connection_options({"timeout": 5}, {})):
        with pytest.raises(EngineUnreachableError) as caught:
            connect(closing_listener, settings)
        assert_gone_not_tls(caught.value, "the engine closed the connection without an answer", "went away")


@pytest.fixture()
def tls_server_that_dies_mid_request(lab: dict) -> Iterator[str]:
    """Completes the TLS handshake with node-1's certificate (SANs include 127.0.0.1), reads the request, closes."""
    node_tls = Path(lab["tls"]["ca_path"]).parent / "node-1"
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(node_tls / "cert.pem"), str(node_tls / "key.pem"))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.3)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _peer = listener.accept()
            except OSError:
                continue
            try:
                conn.settimeout(5)
                with context.wrap_socket(conn, server_side=True) as tls_conn:
                    tls_conn.recv(65536)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1:%d" % listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def test_an_engine_dying_mid_request(lab: dict, tls_server_that_dies_mid_request: str) -> None:
    with pytest.raises(EngineUnreachableError) as caught:
        connect(tls_server_that_dies_mid_request, options(lab))
    assert_gone_not_tls(caught.value, "the engine closed the connection without an answer")


def test_a_refused_client_certificate_is_still_reported_as_one(lab: dict) -> None:
    with pytest.raises(EngineTLSError, match=r"the engine refused this client's certificate"):
        connect(lab["engines"][0]["addr"], options(lab, client_cert=None, client_key=None))
