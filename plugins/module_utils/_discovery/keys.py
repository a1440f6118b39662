# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The key layout shared by the Consul, etcd and ZooKeeper backends.

Classic Swarm's layout is kept so existing clusters and tools read the same keys:
`<prefix>/docker/swarm/nodes/<ip:port>` = `<ip:port>`. Locks live beside it.
"""

from __future__ import annotations

NODES_PATH = "docker/swarm/nodes"
LOCKS_PATH = "docker/swarm/locks"


def _join(*parts: str) -> str:
    return "/".join(part.strip("/") for part in parts if part and part.strip("/"))


def nodes_dir(prefix: str) -> str:
    """The folder holding one key per registered engine (no leading or trailing slash)."""
    return _join(prefix, NODES_PATH)


def node_key(prefix: str, addr: str) -> str:
    """The key an engine registers under."""
    return _join(prefix, NODES_PATH, addr)


def lock_key(prefix: str, name: str) -> str:
    """The key of a named lock under the discovery prefix."""
    return _join(prefix, LOCKS_PATH, name)
