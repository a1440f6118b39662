# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scheduler's model in one import: Request, Node, Container, PortBinding, and small helpers
on node lists (natural name order, names for messages, unique ids).

Each type lives in its own module (request.py, node.py, container.py, ports.py); this one
keeps the names that code written before the split imports from here.
"""
from __future__ import annotations

import functools
import re
from typing import Any, Dict, List, Mapping, Sequence, Tuple

from .container import Container
from .errors import INVALID_NODES, SchedulingError
from .node import SHORT_ID, SWARM_ID_LABEL, Node
from .ports import PortBinding, exposed_key, port_binding
from .request import Request

_DIGITS = re.compile(r"(\d+)")

__all__ = ["Container", "Node", "PortBinding", "Request", "SHORT_ID", "SWARM_ID_LABEL", "build_nodes",
           "container_name", "exposed_key", "name_order", "natural_key", "node_names", "port_binding", "unique_ids"]


def natural_key(name: str) -> List[Any]:
    """Sort key that orders node-2 before node-10 (classic engine sorter)."""
    parts: List[Any] = _DIGITS.split(name)
    for i in range(1, len(parts), 2):
        parts[i] = int(parts[i])
    return parts


@functools.lru_cache(maxsize=16384)
def name_order(name: str) -> Tuple[Any, ...]:
    """``natural_key`` as a tuple, remembered: a strategy ranks every node on every placement, and
    node names rarely change, so a long-running caller must not split ~1,000 names each time."""
    return tuple(natural_key(name))


def container_name(container: Mapping[str, Any]) -> str:
    """Name of a snapshot container dict without Docker's leading '/'."""
    name = container.get("name") or ""
    return name[1:] if name[:1] == "/" else name


def build_nodes(nodes: Sequence[Mapping[str, Any]]) -> List[Node]:
    """Validated Nodes for snapshot dicts (containers included)."""
    return [Node.from_dict(raw, index) for index, raw in enumerate(nodes)]


def unique_ids(nodes: Sequence[Node]) -> List[str]:
    """The ids of nodes, refusing duplicates (checked on results only, to stay cheap)."""
    ids = [n.id for n in nodes]
    if len(set(ids)) != len(ids):
        seen: Dict[str, int] = {}
        for node_id in ids:
            seen[node_id] = seen.get(node_id, 0) + 1
        dupes = sorted(k for k, n in seen.items() if n > 1)
        raise SchedulingError("node ids must be unique; duplicated: %s" % ", ".join(dupes),
                              kind=INVALID_NODES)
    return ids


def node_names(nodes: Sequence[Node], limit: int = 5) -> str:
    """'a, b, c and 4 more' for messages."""
    names = [n.name for n in nodes[:limit]]
    more = len(nodes) - len(names)
    return ", ".join(names) + (" and %d more" % more if more > 0 else "")
