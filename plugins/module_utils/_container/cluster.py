# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which engines form the cluster, and the cluster as one snapshot.

The engines come from ``manager`` (a dockyard.swarm manager: its live picture replaces reading every
engine), else ``nodes``, else ``discovery``, else ``SWARM_MANAGER``, else ``SWARM_DISCOVERY``; with none of
them the single engine ``docker_host`` is the cluster (so a task can also target one engine,
as community.docker's modules do). Connection settings are resolved once and apply to every
engine (one CA, like classic Swarm).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    DiscoveryError,
    DiscoveryURL,
    discovery_source,
    manager_of,
    open_backend,
    parse_discovery_url,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import ConnectionOptions, connection_options, manager_nodes, snapshot


@dataclass
class Cluster:
    """The engines of a run, how they were found, and how to talk to them."""

    targets: List[str]
    source: str
    url: Optional[DiscoveryURL]
    options: ConnectionOptions
    manager: Optional[str] = None  # a dockyard.swarm manager whose picture replaces reading every engine

    @property
    def uses_consul(self) -> bool:
        return self.url is not None and self.url.scheme == "consul"


def _named_source(params: Mapping[str, Any], environ: Mapping[str, str]) -> bool:
    return bool(params.get("nodes") or params.get("discovery") or environ.get("SWARM_DISCOVERY"))


def resolve_cluster(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> Cluster:
    """Resolve connection options and list the engines; DiscoveryError/EngineError on failure."""
    environ = os.environ if environ is None else environ
    options = connection_options(params, environ)
    manager = manager_of(params, environ)
    if manager:
        nodes = manager_nodes(manager, options)
        if not nodes:
            raise DiscoveryError("Manager %s knows no engines yet: check its discovery (its log says what it found)." % manager)
        return Cluster([str(node["addr"]) for node in nodes], "manager %s" % manager, None, options, manager=manager)
    if not _named_source(params, environ):
        return Cluster([options.docker_host], "docker_host %s" % options.docker_host, None, options)
    source = discovery_source(params, environ)
    url = source if isinstance(source, DiscoveryURL) else parse_discovery_url(source)
    with open_backend(url, params, environ) as backend:
        targets = backend.list_nodes()
    if not targets:
        raise DiscoveryError("Discovery %s lists no engines: register them (dockyard.swarm.swarm_node or the join agent) "
                             "or fix the URL/prefix." % url)
    return Cluster(list(targets), str(url), url, options)


def read_nodes(cluster: Cluster, cache: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """The cluster snapshot (node dicts of docs/architecture.md with status/error/docker_host): the engines read in
    parallel, or the manager's live picture in one request."""
    if cluster.manager:
        return manager_nodes(cluster.manager, cluster.options)
    return snapshot(cluster.targets, cluster.options, cache=cache)


def node_ref(node: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """The ``node`` result value: name, addr, id."""
    if not node:
        return {}
    return {"name": node.get("name"), "addr": node.get("addr"), "id": node.get("id")}


def unhealthy(nodes: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """Nodes the snapshot could not read (health 0)."""
    return [node for node in nodes if not node.get("health")]


def unhealthy_warnings(nodes: Sequence[Mapping[str, Any]], consequence: str) -> List[str]:
    """One warning per engine the snapshot could not read."""
    return ["Engine %s (%s) is unhealthy and was skipped. %s Its error: %s" % (
        node.get("name"), node.get("addr"), consequence, node.get("error")) for node in unhealthy(nodes)]


def target_of(node: Mapping[str, Any]) -> str:
    """What to connect to for a node: its docker_host URL, else its address."""
    return str(node.get("docker_host") or node.get("addr"))
