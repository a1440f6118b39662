# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run's picture of the cluster: built once from the snapshot, then changed in place.

The snapshot's node dicts stay as they were read (the results name nodes from them); beside each
is the scheduler's typed Node, validated once, to which placements of this run are added as pending
containers and from which containers about to be replaced are taken out. Containers are found by
name through an index made in one pass. So planning N replicas costs N placements, not N copies
of the snapshot (docs/architecture.md, "swarm_container's run").
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import Container, Node, Request

NodeDict = Dict[str, Any]
Found = Tuple[NodeDict, Dict[str, Any]]


def _bare(name: Any) -> str:
    text = str(name or "")
    return text[1:] if text.startswith("/") else text


class Picture:
    """Node dicts by id (for reports), typed Nodes (for the scheduler) and a name index."""

    def __init__(self, nodes: Sequence[Mapping[str, Any]]) -> None:
        self.order: List[str] = [str(node["id"]) for node in nodes]
        self.dicts: Dict[str, NodeDict] = {str(node["id"]): dict(node) for node in nodes}
        self.typed: Dict[str, Node] = {node_id: Node.from_dict(self.dicts[node_id], index=index, lazy=True)
                                       for index, node_id in enumerate(self.order)}
        self._names: Optional[Dict[str, List[Found]]] = None

    # -- reading ----------------------------------------------------------------------------

    def nodes(self) -> List[Node]:
        """The typed nodes in snapshot order (what place() gets)."""
        return [self.typed[node_id] for node_id in self.order]

    def node_dicts(self) -> List[NodeDict]:
        return [self.dicts[node_id] for node_id in self.order]

    def named(self, name: str) -> List[Found]:
        """(node dict, container dict) of every container called ``name`` (with or without '/')."""
        if self._names is None:
            index: Dict[str, List[Found]] = {}
            for node_id in self.order:
                node = self.dicts[node_id]
                for container in node.get("containers") or []:
                    index.setdefault(_bare(container.get("name")), []).append((node, container))
            self._names = index
        return list(self._names.get(_bare(name), ()))

    # -- changing ---------------------------------------------------------------------------

    def add_pending(self, node_id: str, request: Request, labels: Mapping[str, str]) -> None:
        """A container this run is about to create on ``node_id`` counts from now on."""
        self.typed[node_id].add_container(Container.pending(request, labels=dict(labels)))

    def take_out(self, node_id: str, container_id: str) -> None:
        """A container this run will remove (it must not compete with its replacement)."""
        self.typed[node_id].remove_container(container_id)

    def put(self, fresh: Mapping[str, Any]) -> None:
        """Replace a node by a fresh read of its engine (same id)."""
        node_id = str(fresh["id"])
        self.dicts[node_id] = dict(fresh)
        self.typed[node_id] = Node.from_dict(self.dicts[node_id], index=self.order.index(node_id), lazy=True)
        self._names = None

    def mark_down(self, node_id: str, error: str) -> None:
        """The engine stopped answering: no more placements there in this run."""
        self.dicts[node_id] = dict(self.dicts[node_id], health=0, status="Unhealthy", error=error)
        self.typed[node_id].set_health(0)
