# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short, actionable reasons for failures to reach a store (texts as OpenSSL/urllib3 word them)."""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import parse_discovery_url, resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.failover import short_reason

PLAIN = resolve_store(parse_discovery_url("etcd://e/p"), {}, {})
TLS = resolve_store(parse_discovery_url("etcd://e/p"), {"discovery_tls": True}, {})


def wrapped(text: str) -> Exception:
    try:
        try:
            raise OSError(text)
        except OSError:
            raise RuntimeError("") from None
    except RuntimeError as outer:
        outer.__cause__ = OSError(text)
        return outer


@pytest.mark.parametrize("text, expected", [
    ("Caused by SSLError(SSLError(1, '[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate (_ssl.c:2580)'))",
     "TLS error (sslv3 alert bad certificate): the store refused this client's certificate"),
    ("SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate "
     "(_ssl.c:1006)')", "point discovery_ca_cert/ETCDCTL_CACERT at the CA"),
    ("SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)')", "the store answers plain HTTP"),
    ("SSLError(1, '[SSL: UNEXPECTED_RECORD] unexpected record (_ssl.c:1006)')", "TLS error (unexpected record)"),
    ("Failed to establish a new connection: [Errno 111] Connection refused", "Connection refused"),
])
def test_reasons(text: str, expected: str) -> None:
    assert expected in short_reason(wrapped(text), TLS, "ETCDCTL_CACERT")


def test_plain_http_to_a_tls_store() -> None:
    error = wrapped("('Connection aborted.', RemoteDisconnected('Remote end closed connection without response'))")
    assert "set discovery_tls=true" in short_reason(error, PLAIN, "ETCDCTL_CACERT")


def test_empty_messages_fall_back_to_the_type() -> None:
    assert short_reason(KeyError(), PLAIN, "X") == "KeyError"
