# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Consul agent check of a service, from its ``check_*`` attrs (Registrator's consul backend).

Pure: the agent's catalog backend sends the result as the ``Check`` of
``/v1/agent/service/register``. Kinds in Registrator's priority order: http, https, script,
ttl, tcp, grpc; the first one set wins. ``check_cmd`` is not supported: Registrator runs it
through a ``check-cmd`` helper (``docker exec`` into the container) that we do not ship; it is
skipped (the next kind set is used) and reported by ``unsupported_check``.
"""
from __future__ import annotations

import shlex
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.kv import join_host_port

DEFAULT_INTERVAL = "10s"


def _interpolate(text: str, ip: str, port: Any) -> str:
    """Registrator's ``interpolateService``: ``$SERVICE_IP`` and ``$SERVICE_PORT`` replaced."""
    return text.replace("$SERVICE_IP", ip).replace("$SERVICE_PORT", str(port))


def _args(text: str) -> List[str]:
    """Consul's ``Args`` from a command line: shell-like quoting, plain whitespace split if the quotes do not close."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _field(service: Any, name: str) -> Any:
    return service[name] if isinstance(service, Mapping) else getattr(service, name)


def unsupported_check(service: Any) -> Optional[str]:
    """A sentence about a ``check_*`` attr this agent ignores (``check_cmd``), or None."""
    attrs = _field(service, "attrs") or {}
    if attrs.get("check_cmd"):
        return ("SERVICE_CHECK_CMD of %s is not supported (it needs Registrator's check-cmd helper); "
                "use SERVICE_CHECK_SCRIPT with docker exec, or an http/tcp check" % _field(service, "id"))
    return None


def build_check(service: Any) -> Optional[Dict[str, Any]]:
    """The ``Check`` definition for a Service (or a mapping with id, ip, port, attrs); None without one."""
    attrs: Mapping[str, str] = _field(service, "attrs") or {}
    ip, port = str(_field(service, "ip")), _field(service, "port")
    address = join_host_port(ip, port)
    check: Dict[str, Any] = {}
    timeout_applies = True
    if attrs.get("check_http"):
        check["HTTP"] = "http://%s%s" % (address, attrs["check_http"])
        if attrs.get("check_http_method"):
            check["Method"] = attrs["check_http_method"]
    elif attrs.get("check_https"):
        check["HTTP"] = "https://%s%s" % (address, attrs["check_https"])
        method = attrs.get("check_https_method") or attrs.get("check_http_method")
        if method:
            check["Method"] = method
        if attrs.get("check_tls_skip_verify"):
            check["TLSSkipVerify"] = True
    elif attrs.get("check_script"):
        check["Args"] = _args(_interpolate(attrs["check_script"], ip, port))
    elif attrs.get("check_ttl"):
        check["TTL"] = attrs["check_ttl"]
        timeout_applies = False
    elif attrs.get("check_tcp"):
        check["TCP"] = address
    elif attrs.get("check_grpc"):
        check["GRPC"] = address
        if attrs.get("check_grpc_use_tls"):
            check["GRPCUseTLS"] = True
            if attrs.get("check_tls_skip_verify"):
                check["TLSSkipVerify"] = True
    else:
        return None
    if timeout_applies:
        check["Interval"] = attrs.get("check_interval") or DEFAULT_INTERVAL
        if attrs.get("check_timeout"):
            check["Timeout"] = attrs["check_timeout"]
    if attrs.get("check_initial_status"):
        check["Status"] = attrs["check_initial_status"]
    if attrs.get("check_deregister_after"):
        check["DeregisterCriticalServiceAfter"] = attrs["check_deregister_after"]
    return check
