# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""port: a host port can be published once per node (and IP).

Bridge mode: a requested binding conflicts with any container on the node (running,
stopped or pending) that binds the same host port and protocol on the same IP, or
where either side binds all interfaces; classic ignored the protocol, we do not
(53/udp does not block 53/tcp). Host mode: the request's exposed ports must not be
exposed by another host-mode container. Cross-mode conflicts are not detected (classic).
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional

from ..model import Node, PortBinding, Request, container_name, exposed_key, port_binding
from .base import COST_CONTAINERS, Check, Filter

HOST_MODE = "host"


class PortFilter(Filter):
    name = "port"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        if request.network_mode == HOST_MODE:
            return [_host_check(key) for key in request.exposed]
        return [_bridge_check(b) for b in request.ports if b.host_port is not None]


def binding_text(binding: PortBinding) -> str:
    """'80/tcp' or '127.0.0.1:53/udp' for messages."""
    where = "%s:" % binding.host_ip if binding.host_ip else ""
    return "%s%d/%s" % (where, binding.host_port, binding.protocol)


def _bridge_check(wanted: PortBinding) -> Check:
    def keep(node: Node) -> bool:
        return _bridge_holder(node, wanted) is None

    def why(node: Node) -> str:
        holder = _bridge_holder(node, wanted)
        return "port %s is used by container %r" % (binding_text(wanted), _label(holder))
    return Check("port %s (Bridge mode)" % binding_text(wanted), keep, COST_CONTAINERS, why)


def _bridge_holder(node: Node, wanted: PortBinding) -> Optional[Mapping[str, Any]]:
    port = wanted.host_port
    text = str(port)
    for c in node.containers:
        for raw in c.get("ports") or ():
            if raw.__class__ is not dict:
                raw = port_binding(raw, "node %r container %r port" % (node.name, _label(c)))._asdict()
            host_port = raw.get("host_port")
            if host_port == port or host_port == text:  # cheap test before normalising
                if wanted.conflicts(port_binding(raw, "node %r container %r port" % (node.name, _label(c)))):
                    return c
    return None


def _host_check(key: str) -> Check:
    def keep(node: Node) -> bool:
        return _host_holder(node, key) is None

    def why(node: Node) -> str:
        return "port %s is used by host-mode container %r" % (key, _label(_host_holder(node, key)))
    return Check("port %s (Host mode)" % key, keep, COST_CONTAINERS, why)


def _host_holder(node: Node, key: str) -> Optional[Mapping[str, Any]]:
    for c in node.containers:
        if c.get("network_mode") != HOST_MODE:
            continue
        what = "node %r container %r" % (node.name, container_name(c))
        exposed = {exposed_key(p, what + " exposed port") for p in c.get("exposed_ports") or ()}
        for raw in c.get("ports") or ():
            binding = port_binding(raw, what + " port")
            if binding.container_port:
                exposed.add("%s/%s" % (binding.container_port, binding.protocol))
        if key in exposed:
            return c
    return None


def _label(container: Optional[Mapping[str, Any]]) -> str:
    if container is None:
        return "?"
    return container_name(container) or str(container.get("id") or "?")[:12]
