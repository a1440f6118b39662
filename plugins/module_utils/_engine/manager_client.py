# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the cluster from a dockyard.swarm manager instead of from every engine.

A manager (``swarm manage``) keeps the cluster picture in memory and answers it as node snapshots
on ``GET /dockyard/v1/nodes`` (the shape ``snapshot`` returns). It speaks the Engine API, so the
cluster's connection settings (TLS, CA, client certificate) reach it as they reach an engine.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import connect, engine_addr
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineError, explain
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions

NODES_PATH = "/dockyard/v1/nodes"
NODE_KEYS = ("id", "name", "addr", "labels", "cpus", "memory", "health", "containers", "images")


def manager_nodes(target: str, options: ConnectionOptions, timeout: Optional[float] = None) -> List[Dict[str, Any]]:
    """The manager's node snapshots; EngineError when it cannot be read or is not a dockyard.swarm manager."""
    addr = engine_addr(target)
    client = connect(target, options, timeout=timeout)
    try:
        try:
            answer = client._result(client._get(client._url(NODES_PATH)), json=True)
        except Exception as exc:
            error = explain(exc, addr, options)
            if isinstance(error, EngineAPIError) and error.status_code == 404:
                raise EngineAPIError("%s is not a dockyard.swarm manager (it answered 404 to %s): point manager at a "
                                     "'swarm manage' endpoint of this collection, or use discovery/nodes for a plain "
                                     "engine or a classic Swarm manager." % (addr, NODES_PATH), addr, 404) from None
            raise error from None
    finally:
        client.close()
    if not isinstance(answer, list) or not all(isinstance(node, dict) and all(key in node for key in NODE_KEYS)
                                               for node in answer):
        raise EngineError("Manager %s answered %s with something that is not a list of node snapshots." % (addr, NODES_PATH),
                          addr)
    return answer
