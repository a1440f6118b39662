# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The candidate nodes of one placement, by position: prebuilt Nodes, or snapshot dicts made
into Nodes on demand.

Label-only checks run on ``labelled()`` (position, labels) pairs, so a snapshot node that a
label constraint removes is never built; ``view(i)`` builds (once) the rest.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from .errors import INVALID_NODES, SchedulingError, describe
from .node import Node

_NO_LABELS: Mapping[str, Any] = {}


class NodeList:
    """Nodes that already exist (the typed model of a long-running caller)."""

    __slots__ = ("nodes",)

    def __init__(self, nodes: Sequence[Node]) -> None:
        if not isinstance(nodes, (list, tuple)) or not all(isinstance(n, Node) for n in nodes):
            raise SchedulingError("nodes must be a list of Node objects, got %s" % describe(nodes),
                                  kind=INVALID_NODES)
        self.nodes = nodes

    def __len__(self) -> int:
        return len(self.nodes)

    def view(self, index: int) -> Node:
        return self.nodes[index]

    def views(self, indexes: Iterable[int]) -> List[Node]:
        nodes = self.nodes
        return [nodes[i] for i in indexes]

    def all(self) -> List[Node]:
        return list(self.nodes)

    def labelled(self) -> List[Tuple[int, Mapping[str, Any]]]:
        return [(i, node.labels) for i, node in enumerate(self.nodes)]

    def positions(self) -> Dict[int, int]:
        """id(node) -> position, to read records of node-level checks."""
        return {id(node): i for i, node in enumerate(self.nodes)}


class Snapshot:
    """Snapshot dicts; each becomes a Node (containers unparsed) the first time a check needs it,
    and stays shared by both passes."""

    __slots__ = ("raws", "_views")

    def __init__(self, nodes: Any) -> None:
        if not isinstance(nodes, (list, tuple)):
            raise SchedulingError("nodes must be a list of node mappings, got %s" % describe(nodes),
                                  kind=INVALID_NODES)
        self.raws = nodes
        self._views: List[Optional[Node]] = [None] * len(nodes)

    def __len__(self) -> int:
        return len(self.raws)

    def view(self, index: int) -> Node:
        node = self._views[index]
        if node is None:
            node = self._views[index] = Node.from_dict(self.raws[index], index, lazy=True)
        return node

    def views(self, indexes: Iterable[int]) -> List[Node]:
        return [self.view(i) for i in indexes]

    def all(self) -> List[Node]:
        return self.views(range(len(self.raws)))

    def labelled(self) -> List[Tuple[int, Mapping[str, Any]]]:
        """(position, labels) of every node, checked like Node.from_dict checks them, without a Node."""
        out = []
        for index, raw in enumerate(self.raws):
            if raw.__class__ is dict:
                node_id = raw.get("id")
                labels = raw.get("labels")
                if node_id and node_id.__class__ is str:
                    if labels.__class__ is dict:
                        out.append((index, labels))
                        continue
                    if labels is None:
                        out.append((index, _NO_LABELS))
                        continue
            out.append((index, self.view(index).labels))  # validates (raises a clear error)
        return out

    def positions(self) -> Dict[int, int]:
        return {id(node): i for i, node in enumerate(self._views) if node is not None}
