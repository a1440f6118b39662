# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pick the backend for a discovery URL, or for module/plugin options.

Store backends are imported only when used, so their client libraries stay optional.
"""

from __future__ import annotations

import os
from typing import Any, List, Mapping, Optional, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.file import FileBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.nodes import NodesBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import DiscoveryURL, parse_discovery_url, parse_node_list


def open_backend(source: Union[str, DiscoveryURL], params: Optional[Mapping[str, Any]] = None,
                 environ: Optional[Mapping[str, str]] = None) -> Backend:
    """Return the backend for a discovery URL; ``params`` carry the store TLS/ACL options."""
    url = source if isinstance(source, DiscoveryURL) else parse_discovery_url(source)
    if url.scheme == "nodes":
        return NodesBackend(url.entries)
    if url.scheme == "file":
        return FileBackend(url.path)
    config = resolve_store(url, params, environ)
    if url.scheme == "consul":
        from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul import ConsulBackend

        return ConsulBackend(config)
    if url.scheme == "etcd":
        from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.etcd import EtcdBackend

        return EtcdBackend(config)
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.zk import ZkBackend

    return ZkBackend(config)


def discovery_source(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Union[str, DiscoveryURL]:
    """The source named by options: ``nodes`` (a list), else ``discovery``, else $SWARM_DISCOVERY."""
    environ = os.environ if environ is None else environ
    nodes = params.get("nodes")
    discovery = params.get("discovery")
    if nodes and discovery:
        raise DiscoveryError("Give either nodes or discovery, not both.")
    if nodes:
        if isinstance(nodes, str):
            nodes = nodes.split(",")
        try:
            entries = parse_node_list(nodes)
        except DiscoveryError as exc:
            raise DiscoveryError("%s In the nodes option." % exc) from None
        if not entries:
            raise DiscoveryError("The nodes option lists no engine address; expected e.g. ['10.0.0.1:2376'].")
        return DiscoveryURL("nodes", tuple(entries), source=",".join(entries))
    source = discovery or environ.get("SWARM_DISCOVERY")
    if not source:
        raise DiscoveryError(
            "No cluster given: set discovery (e.g. consul://127.0.0.1:8500/swarm), nodes (a list of host:port), "
            "or the SWARM_DISCOVERY environment variable."
        )
    return source


def manager_of(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Optional[str]:
    """The dockyard.swarm manager to read the cluster from: the ``manager`` option, else $SWARM_MANAGER
    unless a discovery source is named (options ``nodes``/``discovery``); ``manager`` with either is an error."""
    environ = os.environ if environ is None else environ
    manager = str(params.get("manager") or "").strip()
    if manager:
        if params.get("nodes") or params.get("discovery"):
            raise DiscoveryError("Give manager, nodes or discovery, not several: the manager already knows the engines.")
        return manager
    if params.get("nodes") or params.get("discovery"):
        return None
    return (environ.get("SWARM_MANAGER") or "").strip() or None


def open_discovery(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Backend:
    """The backend described by module or plugin options (see DISCOVERY_OPTIONS)."""
    return open_backend(discovery_source(params, environ), params, environ)


def list_nodes(source: Union[str, DiscoveryURL], params: Optional[Mapping[str, Any]] = None,
               environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """List the engine addresses of a discovery source and close the connection to it."""
    with open_backend(source, params, environ) as backend:
        return backend.list_nodes()
