# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render a complete haproxy.cfg from {service: [backends]}; pure, no I/O.

HAProxy is the optional proxy of the routing role (docs/roles.md). The file is whole (global,
defaults, one frontend, the backends) because HAProxy has no ``include``. ACLs, ``use_backend``
lines and backends come from one list, so a ``use_backend`` never names a backend that was not
written (HAProxy refuses such a file: "unable to find required use_backend"). A service without
backends gets a backend without servers: HAProxy accepts it and answers 503 (nginx's placeholder
answers 502). A request no route matches goes to ``no_route``, which answers 404.
"""
from __future__ import annotations

import re
from typing import Any, List, Optional, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.nginx import UPSTREAM_PREFIX, Rendered
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import (
    canonical_listen, check_routing, clean_services, valid_hostname,
)

# Names that do not start with UPSTREAM_PREFIX, so no service name can produce them.
FRONTEND = "routes"
NO_ROUTE = "no_route"
HOST_ACL = "host_ok"
# An operator's file path (pidfile, stats socket): absolute, and nothing HAProxy's parser treats specially.
PATH_RE = re.compile(r"/[A-Za-z0-9._/+-]*", re.ASCII)

DEFAULTS = """\
defaults
    mode http
    option forwardfor
    option redispatch
    retries 2
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout http-request 10s
"""


def _path(value: Optional[str], what: str) -> Optional[str]:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not PATH_RE.fullmatch(value) or "/../" in value + "/":
        raise RoutingError("%s must be an absolute path of letters, digits and . _ / + -, got %r" % (what, value))
    return value


def _bind(listen: Union[int, str]) -> str:
    text = canonical_listen(listen)
    return ":" + text if ":" not in text else text


def render_haproxy(services: Any, mode: str = "location", domain: Optional[str] = None, listen: Union[int, str] = 80,
                   server_name: str = "_", pidfile: Optional[str] = None, stats_socket: Optional[str] = None) -> Rendered:
    """Route by path prefix ``/<service>/`` (stripped before proxying) or by Host ``<service>.<domain>``.

    ``server_name`` (location mode): only requests for that Host are routed, as nginx's
    ``server_name`` would; ``_`` routes any Host. ``pidfile`` and ``stats_socket`` go into
    ``global`` when given.
    """
    domain = check_routing(mode, domain)
    if server_name != "_" and not (isinstance(server_name, str) and valid_hostname(server_name.lower())):
        raise RoutingError("server_name must be '_' or a host name, got %r" % (server_name,))
    pidfile = _path(pidfile, "pidfile")
    stats_socket = _path(stats_socket, "stats_socket")
    clean, rejected = clean_services(services)

    lines: List[str] = ["# Rendered by dockyard.swarm (routing); every render replaces this file.", "global"]
    if pidfile:
        lines.append("    pidfile %s" % pidfile)
    if stats_socket:
        lines.append("    stats socket %s mode 600 level admin" % stats_socket)
    lines.append("    maxconn 4096")
    lines += ["", DEFAULTS.rstrip("\n"), "", "frontend %s" % FRONTEND, "    bind %s" % _bind(listen)]
    # Host without its port: "web.apps.test:8080" -> "web.apps.test"
    host = "hdr(host),field(1,:)"
    condition = ""
    if mode == "location" and server_name != "_":
        lines.append("    acl %s %s -i %s" % (HOST_ACL, host, server_name.lower()))
        condition = HOST_ACL + " "
    for name in clean:
        if mode == "location":
            lines.append("    acl %s%s path_beg /%s/" % (UPSTREAM_PREFIX, name, name))
        else:
            lines.append("    acl %s%s %s -i %s.%s" % (UPSTREAM_PREFIX, name, host, name, domain))
    for name in clean:
        lines.append("    use_backend %s%s if %s%s%s" % (UPSTREAM_PREFIX, name, condition, UPSTREAM_PREFIX, name))
    lines += ["    default_backend %s" % NO_ROUTE, "", "backend %s" % NO_ROUTE, "    http-request deny deny_status 404"]
    for name, backends in clean.items():
        lines += ["", "backend %s%s" % (UPSTREAM_PREFIX, name)]
        if mode == "location":
            # the prefix is stripped like nginx's "proxy_pass http://upstream/;" ([.] keeps backslashes out of the regex)
            lines.append("    http-request replace-path '^/%s/(.*)$' '/\\1'" % name.replace(".", "[.]"))
        if not backends:
            lines.append("    # no backends: requests get 503")
        for number, backend in enumerate(backends, 1):
            lines.append("    server s%d %s" % (number, backend))
    return Rendered("\n".join(lines) + "\n", clean, rejected)
