# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""port: a host port can be published once per node (and IP).

Bridge mode: a requested binding conflicts with any container on the node (running,
stopped or pending) that binds the same host port and protocol on the same IP, or
where either side binds all interfaces; classic ignored the protocol, we do not
(53/udp does not block 53/tcp). Host mode: the request's exposed ports must not be
exposed by another host-mode container. Cross-mode conflicts are not detected (classic).
Both read the node's port indexes, not its containers.
"""
from __future__ import annotations

from typing import List, Optional

from ..container import Container
from ..model import Node, PortBinding, Request
from ..node import HOST_MODE
from .base import COST_CONTAINERS, Check, Filter


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
        return node.port_holder(wanted) is None

    def why(node: Node) -> str:
        return "port %s is used by container %r" % (binding_text(wanted), _label(node.port_holder(wanted)))
    return Check("port %s (Bridge mode)" % binding_text(wanted), keep, COST_CONTAINERS, why)


def _host_check(key: str) -> Check:
    def keep(node: Node) -> bool:
        return node.host_port_holder(key) is None

    def why(node: Node) -> str:
        return "port %s is used by host-mode container %r" % (key, _label(node.host_port_holder(key)))
    return Check("port %s (Host mode)" % key, keep, COST_CONTAINERS, why)


def _label(container: Optional[Container]) -> str:
    if container is None:
        return "?"
    return container.name or container.id[:12] or "?"
