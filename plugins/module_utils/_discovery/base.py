# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tiny interface every discovery backend implements.

Modules and the inventory only list; host agents register and keep a registration alive.
Static backends (nodes, file) cannot register and say so.
"""

from __future__ import annotations

from typing import Iterable, List

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import normalize_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError


class Registration:
    """A live registration of one address; keep it with ``refresh()``, end it with ``close()``."""

    key = ""

    def refresh(self) -> None:
        """Renew the registration; re-create it when the store has dropped it."""
        raise NotImplementedError

    def close(self, deregister: bool = True) -> None:
        """Stop renewing; with ``deregister`` remove the key now instead of letting it expire."""
        raise NotImplementedError


class Backend:
    """A discovery source: lists engine addresses, optionally registers them."""

    description = ""
    can_register = False

    def list_nodes(self) -> List[str]:
        """Return the engine addresses (``host:port``) currently known to the source."""
        raise NotImplementedError

    def register(self, addr: str, ttl: int) -> Registration:
        """Register ``addr`` so that it vanishes ``ttl`` seconds after the last refresh."""
        raise DiscoveryError(
            "%s cannot register engines: it is a static list; add %s to it instead, or use consul://, "
            "etcd:// or zk:// discovery." % (self.description, addr)
        )

    def put_node(self, addr: str) -> str:
        """Write the key of ``addr`` with no expiry (a lasting member, not a heartbeat); return the key."""
        raise DiscoveryError(
            "%s cannot register engines: it is a static list; add %s to it instead, or use consul://, "
            "etcd:// or zk:// discovery." % (self.description, addr)
        )

    def deregister(self, addr: str) -> bool:
        """Remove ``addr``; return whether a key was removed."""
        raise DiscoveryError("%s cannot deregister engines: it is a static list; remove %s from it instead." % (self.description, addr))

    def close(self) -> None:
        """Release connections to the store."""

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def clean_addresses(values: Iterable[str]) -> List[str]:
    """Keep the valid, distinct addresses of a store listing, sorted; ignore stray values."""
    found = set()
    for value in values:
        try:
            found.add(normalize_address(value))
        except DiscoveryError:
            continue
    return sorted(found)
