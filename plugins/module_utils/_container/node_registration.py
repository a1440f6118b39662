# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_node: register an engine in discovery, or remove it.

``ttl: 0`` (the default) writes the node key without expiry (``Backend.put_node``), the
declarative meaning of "this engine belongs to the cluster"; an engine already listed (even by
a heartbeat's session) counts as registered. ``ttl > 0`` registers it the way the join heartbeat
does (``Backend.register``: a Consul session with ``behavior=delete``, an etcd lease), so the
key vanishes ``ttl`` seconds after the last run unless the join agent or a later run renews it.
ZooKeeper can only do that while a session stays open, which a module run cannot.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping

from ansible_collections.dockyard.swarm.plugins.module_utils._container.errors import USER_ERRORS
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    DiscoveryError,
    DiscoveryURL,
    discovery_source,
    open_backend,
    parse_discovery_url,
    parse_node_list,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connect, connection_options


def converge_node(params: Mapping[str, Any], check_mode: bool) -> Dict[str, Any]:
    """Register or deregister ``addr``; the module result."""
    addrs = parse_node_list([params["addr"]], "advertise address")
    if len(addrs) != 1:
        raise DiscoveryError("addr must be one host:port, got %r." % params["addr"])
    addr = addrs[0]
    source = discovery_source(params)
    url = source if isinstance(source, DiscoveryURL) else parse_discovery_url(source)
    present = params["state"] == "present"
    ttl = int(params.get("ttl") or 0)
    if ttl < 0:
        raise DiscoveryError("ttl must be 0 (no expiry) or a number of seconds, got %d." % ttl)
    if present and ttl and url.scheme == "zk":
        raise DiscoveryError("zk:// registrations with a ttl are ephemeral znodes that end with this module's ZooKeeper "
                             "session, at once; use ttl=0 for a lasting registration, or the join agent for a heartbeat.")
    if present and params.get("check_engine"):
        connect(addr, connection_options(params)).close()  # raises EngineError with the reason (TLS, refused, ...)
    with open_backend(url, params) as backend:
        if not url.is_store:  # nodes:// and file:// are static: the backend explains what to do instead
            if present:
                backend.register(addr, ttl)
            backend.deregister(addr)
        listed = backend.list_nodes()
        before = addr in listed
        if not check_mode:
            if present and ttl:
                backend.register(addr, ttl)  # renewed on every run; the store drops it ttl seconds after the last
            elif present and not before:
                backend.put_node(addr)
            elif not present and before:
                backend.deregister(addr)
            listed = backend.list_nodes()
        elif present != before:
            listed = sorted(set(listed) | {addr}) if present else [item for item in listed if item != addr]
    return {"changed": before != present, "addr": addr, "registered": present, "discovery": str(url), "ttl": ttl,
            "nodes": listed}


def run_swarm_node(module: Any) -> None:
    """The whole of swarm_node's main()."""
    try:
        result = converge_node(module.params, module.check_mode)
    except USER_ERRORS as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)
