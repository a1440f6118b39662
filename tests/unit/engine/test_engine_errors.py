# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Low-level failures become messages that name the engine and the setting to fix.

The texts below are the ones OpenSSL/urllib3 produce (seen against the lab's engines); the
integration tests check the real handshakes.
"""

from __future__ import annotations

import pytest
import requests

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
