# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Low-level failures become messages that name the engine and the setting to fix.

The texts below are the ones OpenSSL/urllib3 produce (seen against the lab's engines); the
integration tests check the real handshakes.
"""

from __future__ import annotations

import http.client
import socket
import ssl

import pytest
import requests
import urllib3

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineAPIError,
    EngineError,
    EngineTLSError,
    EngineUnreachableError,
    connection_options,
    explain,
)

from .fakes import api_error

OPTIONS = connection_options({"validate_certs": False}, {})


def ssl_error(text: str) -> Exception:
    try:
        try:
            raise OSError(text)
        except OSError as inner:
            raise requests.exceptions.SSLError("HTTPSConnectionPool(host='10.0.0.1', port=2376): Max retries exceeded") from inner
    except requests.exceptions.SSLError as outer:
        return outer


@pytest.mark.parametrize("text, expected", [
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for "
     "'10.0.0.1'", "does not list the address 10.0.0.1 in its subject alternative names"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate",
     "not signed by the CA in ca_path"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in certificate chain",
     "not signed by the CA in ca_path"),
    ("[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate", "refused this client's certificate"),
    ("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required", "refused this client's certificate"),
    ("[SSL: WRONG_VERSION_NUMBER] wrong version number", "answered in plain HTTP, not TLS"),
    ("[SSL: RECORD_LAYER_FAILURE] record layer failure", "answered in plain HTTP, not TLS"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired", "has expired"),
])
def test_tls_cases(text: str, expected: str) -> None:
    error = explain(ssl_error(text), "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineTLSError) and expected in str(error) and error.addr == "10.0.0.1:2376"
    assert str(error).startswith("Engine 10.0.0.1:2376: TLS failed: ")


def test_plain_client_against_a_tls_engine() -> None:
    error = explain(api_error(400, "400 Client Error: Bad Request (Client sent an HTTP request to an HTTPS server.)"),
                    "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineTLSError) and "requires TLS" in str(error)


@pytest.mark.parametrize("exc, expected", [
    (requests.exceptions.ConnectionError("[Errno 111] Connection refused"), "connection refused"),
    (requests.exceptions.ConnectTimeout("Connection to 10.0.0.1 timed out. (connect timeout=3)"), "no answer within"),
    (requests.exceptions.ConnectionError("[Errno 113] No route to host"), "cannot be reached from here"),
    (requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))"), "closed the connection"),
])
def test_unreachable_cases(exc: Exception, expected: str) -> None:
    error = explain(exc, "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineUnreachableError) and expected in str(error)


def test_api_errors_keep_the_status() -> None:
    error = explain(api_error(409, "Conflict: name in use"), "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineAPIError) and error.status_code == 409 and "answered 409" in str(error)


def test_unknown_errors_still_name_the_engine() -> None:
    error = explain(ValueError("odd"), "10.0.0.1:2376", OPTIONS)
    assert not isinstance(error, (EngineAPIError, EngineTLSError, EngineUnreachableError))
    assert isinstance(error, EngineError) and str(error) == "Engine 10.0.0.1:2376: ValueError: odd"
    assert explain(error, "x", OPTIONS) is error


def test_an_engine_answer_is_never_mistaken_for_a_network_failure() -> None:
    error = explain(api_error(500, 'Get "https://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused'),
                    "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineAPIError) and error.status_code == 500 and "dial tcp 127.0.0.1:1" in error.explanation


# ----------------------------------------------- an engine that goes away is not a certificate problem
def chained(outer: Exception, inner: BaseException) -> Exception:
    """``outer`` raised from ``inner``, as requests/urllib3 build their chains."""
    try:
        try:
            raise inner
        except BaseException as cause:
            raise outer from cause
    except Exception as caught:
        return caught


def ssl_exc(kind: type, errno: int, text: str) -> ssl.SSLError:
    return kind(errno, text)


def requests_ssl(inner: BaseException) -> Exception:
    pool = "HTTPSConnectionPool(host='10.0.0.1', port=2376): Max retries exceeded with url: /v1.41/containers/create"
    retry = urllib3.exceptions.MaxRetryError(None, "/v1.41/containers/create", urllib3.exceptions.SSLError(inner))
    return chained(requests.exceptions.SSLError(retry, "%s (Caused by SSLError(%r))" % (pool, inner)), retry)


def aborted(inner: BaseException) -> Exception:
    protocol = urllib3.exceptions.ProtocolError("Connection aborted.", inner)
    return chained(requests.exceptions.ConnectionError(protocol), protocol)


GONE_AWAY = [
    requests_ssl(ssl_exc(ssl.SSLEOFError, 8, "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006)")),
    requests_ssl(ssl_exc(ssl.SSLZeroReturnError, 6, "TLS/SSL connection has been closed (EOF) (_ssl.c:1006)")),
    aborted(ConnectionResetError(104, "Connection reset by peer")),
    aborted(http.client.RemoteDisconnected("Remote end closed connection without response")),
    aborted(BrokenPipeError(32, "Broken pipe")),
    urllib3.exceptions.ProtocolError("Connection aborted.", ConnectionResetError(104, "Connection reset by peer")),
    ConnectionResetError(104, "Connection reset by peer"),
]


@pytest.mark.parametrize("exc", GONE_AWAY, ids=lambda exc: type(exc).__name__)
def test_a_closed_connection_says_the_engine_went_away_never_certificates(exc: Exception) -> None:
    for options in (OPTIONS, connection_options({"validate_certs": True}, {})):
        error = explain(exc, "10.0.0.1:2376", options)
        assert isinstance(error, EngineUnreachableError) and not isinstance(error, EngineTLSError)
        assert "the engine closed the connection without an answer" in str(error)
        assert "went away while this run talked to it (dockerd stopping, restarting or crashed)" in str(error)
        assert "certificate" not in str(error).lower() and "client_cert" not in str(error)


@pytest.mark.parametrize("exc, expected", [
    (aborted(ConnectionRefusedError(111, "Connection refused")), "connection refused: nothing listens on 10.0.0.1:2376"),
    (chained(requests.exceptions.ConnectionError("Max retries exceeded"), ConnectionRefusedError(111, "Connection refused")),
     "the engine is stopped or restarting"),
    (requests.exceptions.ReadTimeout("HTTPSConnectionPool(host='10.0.0.1', port=2376): Read timed out. (read timeout=60)"),
     "no answer within"),
    (aborted(socket.timeout("timed out")), "no answer within"),
    (aborted(TimeoutError(110, "Connection timed out")), "no answer within"),
])
def test_refused_and_timed_out_are_told_apart(exc: Exception, expected: str) -> None:
    error = explain(exc, "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineUnreachableError) and expected in str(error)
    assert "certificate" not in str(error).lower()


@pytest.mark.parametrize("reason, text, expected", [
    ("TLSV13_ALERT_CERTIFICATE_REQUIRED", "tlsv13 alert certificate required", "refused this client's certificate"),
    ("SSLV3_ALERT_BAD_CERTIFICATE", "sslv3 alert bad certificate", "refused this client's certificate"),
    ("TLSV1_ALERT_UNKNOWN_CA", "tlsv1 alert unknown ca", "refused this client's certificate"),
    ("SSLV3_ALERT_HANDSHAKE_FAILURE", "sslv3 alert handshake failure", "refused this client's certificate"),
    ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed: unable to get local issuer certificate", "not signed by the CA"),
    ("WRONG_VERSION_NUMBER", "wrong version number", "answered in plain HTTP"),
    ("SOME_NEW_REASON", "some new reason", "TLS failed (SSLError"),
])
def test_real_tls_alerts_still_speak_of_certificates(reason: str, text: str, expected: str) -> None:
    inner = ssl.SSLError(1, "[SSL: %s] %s (_ssl.c:2580)" % (reason, text))
    error = explain(requests_ssl(inner), "10.0.0.1:2376", OPTIONS)
    assert isinstance(error, EngineTLSError) and expected in str(error)
