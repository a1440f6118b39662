# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks of the cluster, from the engines' lists in the picture (pure).

As classic Swarm showed them: a local-scope network is ``<node>/<name>`` (every engine has its own
``bridge``, so there are ``node-1/bridge``, ``node-2/bridge``...), a global or swarm-scope one is
listed once under its own name. ``find`` resolves a reference the classic way: full or short id,
then ``name``, ``/name``, ``<node id>/name`` or ``<node>/name``, then a unique id prefix. A plain
name held by several engines (a network created through the manager on every engine) names all
of them: inspect shows the first (natural order of node names), rm removes every one.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Set

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import node_objects
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import boolean_filter, check_keys, filter_values, label_matches
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import natural_key

SHORT_ID = 12
PREDEFINED = ("bridge", "host", "none", "default", "ingress")
LIST_FILTERS = ("dangling", "driver", "id", "label", "name", "scope", "type", "node")

Found = node_objects.Found


def is_local(network: Mapping[str, Any]) -> bool:
    return (network.get("Scope") or "local") == "local"


def shown_name(engine: Any, network: Mapping[str, Any]) -> str:
    return node_objects.shown_name(engine, network, is_local(network))


def present(engine: Any, network: Mapping[str, Any]) -> Dict[str, Any]:
    """A network as clients see it through the manager (the node in the name of a local one)."""
    return node_objects.present(engine, network, is_local(network))


def all_networks(engines: Iterable[Any]) -> List[Found]:
    """Every engine's networks, engines in natural order; a global network once (by id)."""
    ordered = sorted(engines, key=lambda e: natural_key(e.name))
    return node_objects.gather(ordered, lambda engine: engine.networks, is_local, "Id")


def _regex_search(pattern: str, texts: Iterable[str], key: str) -> bool:
    try:
        regex = re.compile(pattern)
    except re.error:
        raise ApiError(400, "Invalid filter '%s': %r is not a valid regular expression" % (key, pattern)) from None
    return any(regex.search(text) for text in texts)


def used_network_ids(records: Iterable[Any]) -> Set[str]:
    """Ids of the networks some container (any state) is attached to."""
    used: Set[str] = set()
    for record in records:
        for endpoint in ((record.summary.get("NetworkSettings") or {}).get("Networks") or {}).values():
            if isinstance(endpoint, dict) and endpoint.get("NetworkID"):
                used.add(endpoint["NetworkID"])
    return used


def list_networks(engines: Iterable[Any], filters: Mapping[str, Any], records: Iterable[Any]) -> List[Dict[str, Any]]:
    """`GET /networks` for the cluster with the Engine API's filters plus ``node``."""
    check_keys(filters, LIST_FILTERS)
    dangling = boolean_filter(filters, "dangling")
    types = filter_values(filters, "type")
    for kind in types:
        if kind not in ("custom", "builtin"):
            raise ApiError(400, "Invalid filter: 'type'='%s'" % kind)
    used = used_network_ids(records) if dangling is not None else set()
    nodes = set(filter_values(filters, "node"))
    wanted_names, wanted_ids = filter_values(filters, "name"), filter_values(filters, "id")
    drivers, scopes, labels = filter_values(filters, "driver"), filter_values(filters, "scope"), filter_values(filters, "label")

    def keep(engine: Any, network: Mapping[str, Any]) -> bool:
        name = str(network.get("Name") or "")
        network_id = str(network.get("Id") or "")
        builtin = name in PREDEFINED
        if nodes and not nodes & {engine.name, engine.node_id, engine.addr}:
            return False
        if wanted_names and not any(_regex_search(v, (name, shown_name(engine, network)), "name") for v in wanted_names):
            return False
        if wanted_ids and not any(_regex_search(v, (network_id,), "id") for v in wanted_ids):
            return False
        if (drivers and network.get("Driver") not in drivers) or (scopes and (network.get("Scope") or "local") not in scopes):
            return False
        if not all(label_matches(network.get("Labels") or {}, wanted) for wanted in labels):
            return False
        if types and ("builtin" if builtin else "custom") not in types:
            return False
        return dangling is None or dangling == (not builtin and network_id not in used)

    return [present(engine, network) for engine, network in all_networks(engines) if keep(engine, network)]


def find(engines: Iterable[Any], ref: str) -> List[Found]:
    """The networks ``ref`` names (classic's order of tries); several only for a plain name on several engines."""
    if not ref:
        return []
    networks = all_networks(engines)
    hits = [(e, n) for e, n in networks if n.get("Id") == ref or (len(ref) == SHORT_ID and str(n.get("Id", "")).startswith(ref))]
    if hits:
        return hits[:1] if len({n.get("Id") for _e, n in hits}) == 1 else []
    plain = ref[1:] if ref.startswith("/") else ref
    named = [(e, n) for e, n in networks if n.get("Name") == plain]
    if named:
        return named
    node, sep, name = plain.partition("/")
    if sep:
        named = [(e, n) for e, n in networks if n.get("Name") == name and node in (e.name, e.node_id)]
        if named:
            return named
    prefixed = [(e, n) for e, n in networks if str(n.get("Id", "")).startswith(ref)]
    return prefixed if len({n.get("Id") for _e, n in prefixed}) == 1 else []


def not_found(ref: str) -> ApiError:
    return ApiError(404, "network %s not found" % ref)
