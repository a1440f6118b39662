# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine errors, and the translation of low-level failures into messages that say what to fix.

TLS trouble with remote engines is the top complaint of both classic Swarm and community.docker
users; the raw OpenSSL text ("certificate verify failed: IP address mismatch") rarely says which
setting is wrong. ``explain`` recognises the common cases by their text and names the fix.

Only a real TLS failure (a verification error or an alert from the engine) may speak of
certificates: an engine that stops, restarts or drops the connection is reported as gone away,
refused or timed out, however deep in the exception chain (urllib3, requests) that shows.
"""

from __future__ import annotations

import socket
import ssl
from http.client import RemoteDisconnected
from typing import Any, Iterator, List, Optional, Tuple


class EngineError(Exception):
    """A problem reaching or using a Docker engine; ``addr`` names the engine when known."""

    def __init__(self, message: str, addr: Optional[str] = None) -> None:
        super().__init__(message)
        self.addr = addr


class EngineConfigError(EngineError):
    """The connection options are unusable (missing TLS files, bad numbers)."""


class MissingDockerSDKError(EngineError):
    """The Docker SDK for Python is not installed."""


class EngineTLSError(EngineError):
    """The TLS handshake with an engine failed."""


class EngineUnreachableError(EngineError):
    """The engine did not answer: refused, timed out, no route."""


class EngineAPIError(EngineError):
    """The engine answered with an error status."""

    def __init__(self, message: str, addr: Optional[str] = None, status_code: Optional[int] = None,
                 explanation: Optional[str] = None) -> None:
        super().__init__(message, addr)
        self.status_code = status_code
        self.explanation = explanation or message


class AmbiguousContainerError(EngineError):
    """A container name matches containers on several engines."""


# (text found in the error chain, error class, what to tell the user); first match wins.
TLS_CASES: List[Tuple[Tuple[str, ...], str]] = [
    (("IP address mismatch", "Hostname mismatch", "doesn't match", "not valid for"),
     "the engine's certificate does not list the address %(host)s in its subject alternative names (IP SANs). "
     "Reissue the engine certificate with IP:%(host)s in subjectAltName (the address used in discovery must be "
     "in the certificate), or connect with tls=true and validate_certs=false to skip verification."),
    (("unable to get local issuer certificate", "self-signed certificate", "self signed certificate",
      "unable to verify the first certificate", "certificate signature failure"),
     "the engine's certificate was not signed by the CA in ca_path (%(ca)s). All engines of the cluster must "
     "have certificates from one CA; point ca_path (or DOCKER_CERT_PATH/ca.pem) at it."),
    (("certificate has expired", "certificate is not yet valid"),
     "a certificate has expired or is not valid yet; check the engine's certificate dates and this host's clock."),
    (("certificate required", "alert bad certificate", "alert unknown ca", "alert handshake failure",
      "alert certificate unknown"),
     "the engine refused this client's certificate: it runs with --tlsverify and needs a client certificate "
     "signed by its CA. Set client_cert and client_key (or DOCKER_CERT_PATH with cert.pem/key.pem) to a "
     "certificate from the cluster CA (client_cert=%(cert)s)."),
    (("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length too long",
      ),
     "the engine at %(host)s answered in plain HTTP, not TLS. Either enable TLS on the engine (tlsverify, port 2376) "
     "or connect without TLS (tls=false, validate_certs=false)."),
]
# The engine (or something on the way) ended the connection without a TLS alert: it went away
# (stopping, restarting, crashed) or a middlebox dropped it. Never a certificate problem: a
# refused client certificate comes with an alert and is one of TLS_CASES.
CLOSED_MESSAGE = ("the engine closed the connection without an answer (%(short)s): it went away while this run talked to it "
                  "(dockerd stopping, restarting or crashed) or something on the way dropped the connection. Check that "
                  "the engine runs (docker -H tcp://%(host)s:%(port)s info) and run again.")
# (exception types anywhere in the chain, text markers, what to tell the user); first match wins.
UNREACHABLE_CASES: List[Tuple[Tuple[type, ...], Tuple[str, ...], str]] = [
    ((ConnectionRefusedError,), ("Connection refused",),
     "connection refused: nothing listens on %(host)s:%(port)s (the engine is stopped or restarting, or dockerd does "
     "not listen with -H tcp://%(host)s:%(port)s)."),
    ((ConnectionResetError, ConnectionAbortedError, BrokenPipeError, RemoteDisconnected, ssl.SSLEOFError, ssl.SSLZeroReturnError),
     ("Connection reset by peer", "RemoteDisconnected", "Remote end closed connection", "EOF occurred in violation",
      "UNEXPECTED_EOF", "Broken pipe", "SSLEOFError", "SSLZeroReturnError", "connection has been closed (EOF)"),
     CLOSED_MESSAGE),
    ((socket.timeout, TimeoutError), ("timed out", "Read timed out", "ConnectTimeout", "ReadTimeout"),
     "no answer within %(timeout)ss (engine down, firewalled or overloaded)."),
    ((), ("No route to host", "Network is unreachable", "Name or service not known", "nodename nor servname",
          "Temporary failure in name resolution"),
     "the address cannot be reached from here (%(short)s)."),
]


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and every exception it wraps (cause, context, exception args, urllib3's ``reason``), once each."""
    seen = set()
    pending: List[BaseException] = [exc]
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
        linked.append(getattr(current, "reason", None))  # type: ignore[arg-type]
        linked.extend((current.__cause__, current.__context__))  # type: ignore[arg-type]
        pending.extend(item for item in linked if isinstance(item, BaseException))


def _text(exc: BaseException) -> str:
    parts: List[str] = []
    for item in _chain(exc):
        part = "%s: %s" % (type(item).__name__, item)
        if part not in parts:
            parts.append(part)
    return " | ".join(parts)


def _short(text: str) -> str:
    return text.split(" | ")[-1][:300]


def explain(exc: BaseException, addr: str, options: Any = None) -> EngineError:
    """Turn an exception from talking to engine ``addr`` into an EngineError with an actionable message."""
    if isinstance(exc, EngineError):
        return exc
    text = _text(exc)
    host, _sep, port = addr.rpartition(":")
    facts = {
        "host": host.strip("[]") or addr, "port": port, "short": _short(text),
        "ca": getattr(options, "ca_path", None) or "the system CA bundle",
        "cert": getattr(options, "client_cert", None) or "not set",
        "timeout": getattr(options, "timeout", "?"),
    }
    status = getattr(getattr(exc, "response", None), "status_code", None)
    if status == 400 and "HTTPS server" in text:
        return EngineTLSError("Engine %s requires TLS: it answered 'Client sent an HTTP request to an HTTPS server'. "
                              "Set validate_certs=true (or tls=true) with ca_path, client_cert and client_key." % addr, addr)
    if status is not None:  # the engine answered: its own words, not our guesses about the network
        explanation = str(getattr(exc, "explanation", None) or facts["short"])
        return EngineAPIError("Engine %s answered %s: %s" % (addr, status, explanation), addr, status, explanation)
    lowered = text.lower()
    chain = list(_chain(exc))
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        for markers, message in TLS_CASES:
            if any(marker.lower() in lowered for marker in markers):
                return EngineTLSError("Engine %s: TLS failed: %s" % (addr, message % facts), addr)
    for types, markers, message in UNREACHABLE_CASES:
        if any(isinstance(item, types) for item in chain) or any(marker.lower() in lowered for marker in markers):
            return EngineUnreachableError("Engine %s: %s" % (addr, message % facts), addr)
    if any(isinstance(item, ssl.SSLError) for item in chain) or "[ssl:" in lowered:
        return EngineTLSError("Engine %s: TLS failed (%s). Check ca_path, client_cert and client_key." % (addr, facts["short"]), addr)
    return EngineError("Engine %s: %s" % (addr, facts["short"]), addr)
