# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The candidate nodes of one placement, by position: prebuilt Nodes, or snapshot dicts made
into Nodes on demand.

Label-only checks run on ``labels()`` (every node's label mapping, by position), so a snapshot
node that a label constraint removes is never built; ``view(i)`` builds (once) the rest.
"""
from __future__ import annotations

from itertools import repeat
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .errors import INVALID_NODES, SchedulingError, describe
from .node import Node

_IS_STR = str.__instancecheck__
_DICT_OR_MISSING = frozenset((dict, type(None)))

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

    def labels(self) -> List[Mapping[str, Any]]:
        """Every node's labels, in order."""
        return [node.labels for node in self.nodes]

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
        made = self._views
        raws = self.raws
        out = []
        for index in indexes:
            node = made[index]
            if node is None:
                node = made[index] = Node.from_dict(raws[index], index, lazy=True)
            out.append(node)
        return out

    def all(self) -> List[Node]:
        return self.views(range(len(self.raws)))

    def labels(self) -> List[Mapping[str, Any]]:
        """Every node's labels, in order, with each id and labels checked like Node.from_dict checks
        them, without making a Node: column by column at C speed for plain dicts."""
        raws = self.raws
        try:
            ids = list(map(dict.get, raws, repeat("id")))
            labels = list(map(dict.get, raws, repeat("labels")))
        except TypeError:  # a node that is not a dict
            return self._labels_one_by_one()
        if not (all(map(_IS_STR, ids)) and all(ids) and _DICT_OR_MISSING.issuperset(map(type, labels))):
            return self._labels_one_by_one()
        if None in labels:
            labels = [_NO_LABELS if entry is None else entry for entry in labels]
        return labels

    def _labels_one_by_one(self) -> List[Mapping[str, Any]]:
        out = []
        for index, raw in enumerate(self.raws):
            labels = None
            if raw.__class__ is dict:
                node_id = raw.get("id")
                if node_id and node_id.__class__ is str:
                    labels = raw.get("labels")
                    if labels is None:
                        labels = _NO_LABELS
                    elif labels.__class__ is not dict:
                        labels = None
            if labels is None:
                labels = self.view(index).labels  # validates (raises a clear error)
            out.append(labels)
        return out

    def positions(self) -> Dict[int, int]:
        return {id(node): i for i, node in enumerate(self._views) if node is not None}
