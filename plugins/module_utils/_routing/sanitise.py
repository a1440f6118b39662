# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Strict checks of what comes from containers before it reaches an nginx configuration.

Service names and backends are chosen by whoever starts a container (image names,
SERVICE_NAME env entries and labels). Only a closed alphabet passes: names made of
``a-z 0-9 . _ -`` and backends ``host:port`` with an IP address or an RFC 1123 host name and
a port 1-65535. Everything else is dropped and reported, never escaped or repaired, so no
value can carry ``;``, braces, quotes, ``$``, spaces or newlines into the file.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError

NAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?", re.ASCII)
LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)
PORT_RE = re.compile(r"[0-9]{1,5}", re.ASCII)
MODES = ("location", "server_name")


def valid_name(name: Any) -> bool:
    """A service name usable as upstream name, URL path segment and host name label."""
    return isinstance(name, str) and bool(NAME_RE.fullmatch(name)) and ".." not in name


def valid_hostname(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    return all(LABEL_RE.fullmatch(label) for label in host.split("."))


def valid_backend(value: Any) -> Optional[str]:
    """The backend in canonical form (``10.0.0.1:80``, ``[fd00::1]:80``, ``web.local:80``), or None."""
    if not isinstance(value, str):
        return None
    host, sep, port = value.rpartition(":")
    if not sep or not PORT_RE.fullmatch(port) or not 1 <= int(port) <= 65535:
        return None
    if host.startswith("[") and host.endswith("]"):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return None
        return "[%s]:%d" % (address.compressed, int(port))
    try:
        return "%s:%d" % (ipaddress.IPv4Address(host), int(port))
    except ValueError:
        pass
    if re.fullmatch(r"[0-9.]+", host, re.ASCII):
        return None  # looks like an address but is not one (999.1.1.1)
    if valid_hostname(host):
        return "%s:%d" % (host.lower(), int(port))
    return None


def canonical_listen(listen: Any) -> str:
    """``80`` -> ``"80"``, ``127.0.0.1:8080`` -> itself: what every renderer may put after ``listen``/``bind``."""
    if isinstance(listen, int) and not isinstance(listen, bool) and 1 <= listen <= 65535:
        return str(listen)
    if isinstance(listen, str):
        if PORT_RE.fullmatch(listen) and 1 <= int(listen) <= 65535:
            return listen
        canonical = valid_backend(listen)
        if canonical is not None:
            return canonical
    raise RoutingError("listen must be a port 1-65535 or address:port, got %r" % (listen,))


def check_routing(mode: Any, domain: Any) -> str:
    """The routing mode's options, checked the same way for every proxy; the domain lowercased ('' for location)."""
    if mode not in MODES:
        raise RoutingError("mode must be one of %s, got %r" % (", ".join(MODES), mode))
    if mode == "server_name" and not (isinstance(domain, str) and valid_hostname(domain.lower())):
        raise RoutingError("mode server_name needs a domain such as 'apps.example.com', got %r" % (domain,))
    return (domain or "").lower() if isinstance(domain, str) else ""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def clean_services(services: Any) -> Tuple[Dict[str, List[str]], List[str]]:
    """({name: sorted unique valid backends}, [why each dropped name or backend was dropped]).

    A service whose backends are all dropped stays, with no backends (it answers 502).
    """
    if services is None:
        return {}, []
    if not isinstance(services, Mapping):
        raise RoutingError("services must be a mapping {service: [backends]}, got %s" % type(services).__name__)
    clean: Dict[str, List[str]] = {}
    rejected: List[str] = []
    for name in sorted(services, key=str):
        if not valid_name(name):
            rejected.append("service %s dropped: a name has only a-z 0-9 . _ - (starting and ending with a letter "
                            "or digit, no '..', at most 100 characters)" % _show(name))
            continue
        backends = services[name]
        if backends is None:
            backends = []
        if isinstance(backends, str) or not isinstance(backends, (list, tuple, set, frozenset)):
            rejected.append("service %s: backends must be a list, got %s; it has no backends" % (name, _show(backends)))
            backends = []
        good = set()
        for backend in backends:
            canonical = valid_backend(backend)
            if canonical is None:
                rejected.append("service %s: backend %s dropped: host:port with an IP address or host name and a "
                                "port 1-65535 is expected" % (name, _show(backend)))
            else:
                good.add(canonical)
        clean[name] = sorted(good)
    return clean, rejected
