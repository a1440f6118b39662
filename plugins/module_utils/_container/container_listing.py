# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container_info: ``docker ps`` across the cluster, and one container's inspect data and logs.

Rows carry the node the way classic Swarm named containers (``node-1/web``). Without ``all``,
only running containers are listed, as ``docker ps`` does. One container is found with
classic's resolution order (id, Swarm id, name, ``node/name``, unique id prefix).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import (
    node_ref,
    read_nodes,
    resolve_cluster,
    target_of,
    unhealthy_warnings,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.errors import USER_ERRORS
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    connect,
    container_logs,
    find_container,
    inspect_container,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import natural_key

ROW_KEYS = ("id", "name", "image", "image_id", "state", "labels", "ports", "cpus", "memory", "network_mode")


def _label_match(labels: Mapping[str, Any], wanted: Sequence[str]) -> bool:
    for item in wanted:
        key, sep, value = item.partition("=")
        if key not in labels or (sep and str(labels[key]) != value):
            return False
    return True


def container_rows(nodes: Sequence[Mapping[str, Any]], all_states: bool = False,
                   labels: Optional[Sequence[str]] = None) -> List[Dict[str, Any]]:
    """One row per container of the cluster, sorted by node (natural order) and name."""
    rows = []
    for node in nodes:
        for container in node.get("containers") or []:
            if not all_states and container.get("state") != "running":
                continue
            if labels and not _label_match(container.get("labels") or {}, labels):
                continue
            row = {key: container.get(key) for key in ROW_KEYS}
            row.update({"node": node.get("name"), "node_addr": node.get("addr"), "node_id": node.get("id"),
                        "names": "%s/%s" % (node.get("name"), container.get("name"))})
            rows.append(row)
    return sorted(rows, key=lambda row: (natural_key(str(row["node"])), str(row["name"])))


def one_container(nodes: Sequence[Mapping[str, Any]], options: Any, ref: str, logs: bool, tail: int,
                  timestamps: bool) -> Dict[str, Any]:
    """``exists``, ``node``, ``container`` (inspect) and, when asked, ``logs`` of the container ``ref``."""
    match = find_container(list(nodes), ref)
    if match is None:
        return {"exists": False, "node": {}, "container": {}}
    node, container = match
    client = connect(target_of(node), options)
    try:
        inspect = inspect_container(client, container["id"])
        result: Dict[str, Any] = {"exists": inspect is not None, "node": node_ref(node), "container": inspect or {}}
        if logs and inspect is not None:
            result["logs"] = container_logs(client, container["id"], tail=None if tail < 0 else tail, timestamps=timestamps)
    finally:
        client.close()
    return result


def run_swarm_container_info(module: Any) -> None:
    """The whole of swarm_container_info's main()."""
    params = module.params
    try:
        cluster = resolve_cluster(params)
        nodes = read_nodes(cluster)
        result: Dict[str, Any] = {"containers": container_rows(nodes, params["all"], params.get("label"))}
        if params.get("name"):
            result.update(one_container(nodes, cluster.options, params["name"], params["logs"], params["tail"],
                                        params["timestamps"]))
    except USER_ERRORS as exc:
        module.fail_json(msg=str(exc))
    for warning in unhealthy_warnings(nodes, "Its containers are not listed."):
        module.warn(warning)
    module.exit_json(changed=False, **result)
