# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's own route for the collection's other front ends: the live picture as node snapshots.

``GET /dockyard/v1/nodes`` answers the cluster snapshot (docs/architecture.md, "The node snapshot")
straight from memory: swarm_container, swarm_info, swarm_container_info and the inventory plugin
given ``manager`` read this one answer instead of every engine. Pending creates are left out: the
exclusion rule after each create covers them, as it covers any other front end.
"""

from __future__ import annotations

from typing import Any, Dict, List

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import HEALTHY, failed_node, image_dict, node_dict
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, json_response

ROUTE = "/dockyard/v1/nodes"


def engine_snapshot(engine: Any) -> Dict[str, Any]:
    """One engine of the picture in the snapshot shape (``status``, ``error``, ``docker_host`` included)."""
    docker_host = "tcp://" + engine.addr if "://" not in engine.addr else engine.addr
    if not engine.health.validated:
        return failed_node(engine.addr, docker_host, engine.health.error or "the manager has not validated this engine yet")
    containers = [record.sched for record in engine.records.values()]
    images = [image_dict(image) for image in engine.images]
    node = node_dict(engine.addr, docker_host, engine.info, containers, images)
    node.update(id=engine.node_id, name=engine.name, labels=dict(engine.labels), health=engine.health.indicator)
    if engine.health.state != HEALTHY:
        node.update(status=engine.health.state, error=engine.health.error or None, health=0)
    return node


def snapshot(cluster: Any) -> List[Dict[str, Any]]:
    return [engine_snapshot(engine) for unused_addr, engine in sorted(cluster.picture.engines.items())]


async def nodes(request: Any) -> Any:
    return json_response(snapshot(cluster_of(request)))
