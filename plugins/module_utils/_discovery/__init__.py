# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery: where the cluster's engines are (docs/discovery.md).

Public API (everything else in the package is internal):

* ``parse_discovery_url(url) -> DiscoveryURL`` and ``parse_node_list(items) -> [host:port]``
* ``open_backend(url, params=None, environ=None) -> Backend`` / ``open_discovery(params)``;
  ``Backend.list_nodes() -> [host:port]``, ``.register(addr, ttl) -> Registration``, ``.deregister(addr)``
* ``list_nodes(url, params=None, environ=None) -> [host:port]``
* ``run_join_loop(backend, addr, heartbeat, ttl, delay, stop)`` (the host agent heartbeat)
* ``ConsulLock(config, name, ttl, timeout)`` (``ensure_held()`` raises ``LockLost``) and ``resolve_store(url, params, environ) -> StoreConfig``
* ``DISCOVERY_OPTIONS`` (plain option spec), ``DiscoveryError``, ``MissingLibraryError``, ``LockLost``

Pure Python, no ansible import: host agents run it without Ansible.
"""

from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.backends import (
    discovery_source,
    manager_of,
    list_nodes,
    open_backend,
    open_discovery,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_lock import ConsulLock
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError, LockLost, MissingLibraryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import check_timing, run_join_loop
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import lock_key, node_key, nodes_dir
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import (
    DISCOVERY_OPTIONS,
    StoreConfig,
    resolve_store,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import DiscoveryURL, parse_discovery_url, parse_node_list

__all__ = [
    "Backend",
    "ConsulLock",
    "DISCOVERY_OPTIONS",
    "DiscoveryError",
    "DiscoveryURL",
    "LockLost",
    "MissingLibraryError",
    "Registration",
    "StoreConfig",
    "check_timing",
    "discovery_source",
    "manager_of",
    "list_nodes",
    "lock_key",
    "node_key",
    "nodes_dir",
    "open_backend",
    "open_discovery",
    "parse_discovery_url",
    "parse_node_list",
    "resolve_store",
    "run_join_loop",
]
