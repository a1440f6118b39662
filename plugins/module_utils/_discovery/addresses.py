# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`host:port` addresses: the unit every discovery backend lists and registers.

Validation lives here once so a node list, a cluster file, a store endpoint and a join
advertise address all reject the same mistakes with the same wording.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError

HOST = re.compile(r"^[A-Za-z0-9_.\-]+$")


def split_address(text: str, default_port: Optional[int] = None, what: str = "address") -> Tuple[str, int]:
    """Split ``host:port`` (``[v6]:port`` too); use ``default_port`` when the port is absent.

    Raises DiscoveryError naming ``what`` and the expected form when the text is not an address.
    """
    value = text.strip()
    if value.lower().startswith("tcp://"):
        value = value[len("tcp://"):].rstrip("/")
    host, port_text = value, ""
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            raise DiscoveryError("Invalid %s %r: missing ']' after the IPv6 address, expected [::1]:2376." % (what, text))
        host, rest = value[1:end], value[end + 1:]
        if rest and not rest.startswith(":"):
            raise DiscoveryError("Invalid %s %r: expected [IPv6]:port, e.g. [fd00::1]:2376." % (what, text))
        port_text = rest[1:]
    elif ":" in value:
        host, _sep, port_text = value.rpartition(":")
    if not host or (not value.startswith("[") and not HOST.match(host)):
        raise DiscoveryError("Invalid %s %r: expected host:port, e.g. 10.0.0.1:2376." % (what, text))
    if not port_text:
        if default_port is None:
            raise DiscoveryError("Invalid %s %r: the port is missing, expected host:port, e.g. %s:2376." % (what, text, host))
        return host, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise DiscoveryError("Invalid %s %r: the port must be a number from 1 to 65535." % (what, text))
    return host, int(port_text)


def join_address(host: str, port: int) -> str:
    """Format ``host:port``, bracketing IPv6 hosts."""
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def normalize_address(text: str, default_port: Optional[int] = None, what: str = "address") -> str:
    """Return the canonical ``host:port`` form of an address (drops ``tcp://``)."""
    host, port = split_address(text, default_port, what)
    return join_address(host, port)
