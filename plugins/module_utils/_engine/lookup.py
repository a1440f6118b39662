# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find a container anywhere in a cluster snapshot, with classic Swarm's resolution order.

Order (classic `Containers.Get`): full or 12-character ID; Swarm ID label (`com.docker.swarm.id`)
or its short form; name as `name`, `/name`, `<engine id>/name` or `<engine name>/name`; a
unique prefix of IDs and Swarm IDs. One deliberate difference: a name found on several engines
raises AmbiguousContainerError listing them, instead of silently finding nothing.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import AmbiguousContainerError

SWARM_ID_LABEL = "com.docker.swarm.id"
SHORT_ID = 12
Match = Tuple[Dict[str, Any], Dict[str, Any]]


def _pairs(nodes: Sequence[Dict[str, Any]]) -> Iterator[Match]:
    for node in nodes:
        for container in node.get("containers") or []:
            yield node, container


def _names(node: Dict[str, Any], container: Dict[str, Any]) -> List[str]:
    name = container.get("name") or ""
    if not name:
        return []
    return [name, "/" + name, "%s/%s" % (node.get("id"), name), "%s/%s" % (node.get("name"), name)]


def find_by_name(nodes: Sequence[Dict[str, Any]], name: str) -> List[Match]:
    """Every (node, container) whose container has this name (with or without a node prefix)."""
    return [(node, container) for node, container in _pairs(nodes) if name in _names(node, container)]


def find_container(nodes: Sequence[Dict[str, Any]], ref: str) -> Optional[Match]:
    """The (node, container) ``ref`` designates, or None; AmbiguousContainerError for a name on several engines."""
    if not ref:
        return None
    pairs = list(_pairs(nodes))
    for node, container in pairs:
        cid = container.get("id") or ""
        if ref == cid or (len(ref) == SHORT_ID and cid.startswith(ref)):
            return node, container
    for node, container in pairs:
        sid = (container.get("labels") or {}).get(SWARM_ID_LABEL) or ""
        if sid and (ref == sid or (len(ref) == SHORT_ID and sid.startswith(ref))):
            return node, container
    named = find_by_name(nodes, ref)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        where = ", ".join("%s (%s)" % (node.get("name"), node.get("addr")) for node, _container in named)
        raise AmbiguousContainerError("The container name %r exists on several engines: %s. Names must be unique "
                                      "cluster-wide; remove or rename the extra ones." % (ref, where))
    prefixed = [(node, container) for node, container in pairs
                if (container.get("id") or "").startswith(ref)
                or ((container.get("labels") or {}).get(SWARM_ID_LABEL) or "").startswith(ref)]
    return prefixed[0] if len(prefixed) == 1 else None
