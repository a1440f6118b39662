# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Published and exposed ports in one normal form, so the port filter compares values, not shapes.

Snapshots and requests spell ports several ways (``"80"``, ``80``, ``"80/TCP"``, host ports as
text); they are normalised once, where a container or request enters the model.
"""
from __future__ import annotations

from typing import Any, Dict, NamedTuple, Optional

from .errors import SchedulingError, describe
from .validation import is_mapping

_UNSPECIFIED_IPS = frozenset(("", "0.0.0.0", "::"))
EXPOSED_MEMO: Dict[Any, str] = {}
EXPOSED_MEMO_LIMIT = 1024


class PortBinding(NamedTuple):
    """A published port; host_port None means 'no fixed host port' (never conflicts)."""

    host_ip: str
    host_port: Optional[int]
    container_port: str
    protocol: str

    @property
    def binds_all(self) -> bool:
        return self.host_ip in _UNSPECIFIED_IPS

    def conflicts(self, other: "PortBinding") -> bool:
        """Same host port and protocol, on the same IP or with either side on all IPs."""
        return (self.host_port == other.host_port and self.protocol == other.protocol
                and (self.host_ip == other.host_ip or self.binds_all or other.binds_all))

    def as_dict(self) -> Dict[str, Any]:
        """The snapshot form ``{host_ip, host_port, container_port, protocol}``."""
        return {"host_ip": self.host_ip, "host_port": self.host_port,
                "container_port": self.container_port, "protocol": self.protocol}


def exposed_key(value: Any, what: str) -> str:
    """'80' / 80 / '80/TCP' -> '80/tcp' (Docker's ExposedPorts key form)."""
    key = EXPOSED_MEMO.get(value) if value.__class__ is str else None
    if key is not None:
        return key
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SchedulingError("%s must be a port like '80/tcp', got %s" % (what, describe(value)))
    text = str(value).strip().lower()
    port, unused_sep, proto = text.partition("/")
    if not port.isdigit():
        raise SchedulingError("%s must be a port like '80/tcp', got %r" % (what, value))
    key = "%d/%s" % (int(port), proto or "tcp")
    if value.__class__ is str and len(EXPOSED_MEMO) < EXPOSED_MEMO_LIMIT:
        EXPOSED_MEMO[value] = key
    return key


def port_binding(entry: Any, what: str) -> PortBinding:
    """Normalise one ``{host_ip, host_port, container_port, protocol}`` mapping."""
    if entry.__class__ is dict:  # the usual shape, checked with exact types first
        host_ip = entry.get("host_ip") or ""
        raw_port = entry.get("host_port")
        container_port = entry.get("container_port")
        protocol = entry.get("protocol") or "tcp"
        if (host_ip.__class__ is str and raw_port.__class__ is int and raw_port > 0
                and container_port.__class__ is str and "/" not in container_port and protocol.__class__ is str):
            return PortBinding(host_ip, raw_port, container_port, protocol.lower())
    if not is_mapping(entry):
        raise SchedulingError("%s must be a mapping with host_ip, host_port, container_port, "
                              "protocol, got %s" % (what, describe(entry)))
    host_ip = entry.get("host_ip") or ""
    raw_port = entry.get("host_port")
    if raw_port is None or raw_port == "" or raw_port == 0:
        host_port = None
    elif isinstance(raw_port, int) and not isinstance(raw_port, bool):
        host_port = raw_port
    elif isinstance(raw_port, str) and raw_port.strip().isdigit():
        host_port = int(raw_port)
    else:
        raise SchedulingError("%s host_port must be a port number, got %s" % (what, describe(raw_port)))
    container_port = str(entry.get("container_port") or "")
    protocol = entry.get("protocol")
    if "/" in container_port:
        container_port, unused_sep, protocol = container_port.partition("/")
    if not isinstance(host_ip, str) or not isinstance(protocol or "", str):
        raise SchedulingError("%s host_ip and protocol must be strings" % what)
    return PortBinding(host_ip, host_port, container_port, (protocol or "tcp").lower())
