# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pieces of the ``dockyard.swarm.swarm`` inventory that need no Ansible inventory object.

Note that this plugin util is **PRIVATE** to the collection; it can change at any time.

The inventory works in two steps so that a cache hit needs no network at all:

1. ``gather()``: discovery lists the engine addresses, the engine layer's parallel snapshot
   reads them (or not, with ``query_engines: false``); the result is reduced to small plain
   ``records`` (JSON-safe, what the inventory cache stores).
2. ``host_entries()``: records -> unique host names, host variables and the built-in groups,
   which the plugin then adds to the inventory.

Remote data is wrapped with ``make_unsafe`` only where a string contains ``{`` or ``}``
(community.docker's rule; AWX cannot import values that are all marked unsafe), and
``ansible_host`` never is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, discovery_source, manager_of, open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import split_address
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineError,
    HEALTHY,
    connection_options,
    docker_host_url,
    manager_nodes,
    snapshot,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import docker_sdk

try:  # ansible-core < 2.19 templates any string unless it is wrapped as unsafe
    from ansible.utils.unsafe_proxy import wrap_var as _wrap_var
except ImportError:  # pragma: no cover - a future ansible-core without unsafe_proxy: untagged data is never templated
    def _wrap_var(value: Any) -> Any:
        return value

try:  # ansible-core 2.19+ (data tagging) templates only strings tagged as trusted; untagged ones are "unsafe"
    from ansible.template import trust_as_template as _trust
except ImportError:  # ansible-core < 2.19: plain strings are the safe ones
    def _trust(value: Any) -> Any:
        return value

CACHE_VERSION = 1
HOSTNAME_SOURCES = ("name", "addr")
HEALTH_GROUPS = ("healthy", "unhealthy")
WARN_LIMIT = 5
_TEMPLATE_CHARS = re.compile("[{}]")
_GROUP_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


class InventorySourceError(Exception):
    """Discovery or engine settings are broken; the message names the discovery source."""


def make_unsafe(value: Any) -> Any:
    """Mark strings that contain ``{`` or ``}`` unsafe, recursively; every other string is an ordinary one.

    Before ansible-core 2.19 that means wrapping the strings with braces; from 2.19 on, where a
    plugin's strings are untrusted unless tagged, it means tagging the others as trusted (so
    ``ansible-inventory --list`` and AWX see plain values, and a brace string is never templated).
    """
    if isinstance(value, Mapping):
        return {make_unsafe(key): make_unsafe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(make_unsafe(item) for item in value)
    if isinstance(value, str):
        return _wrap_var(value) if _TEMPLATE_CHARS.search(value) else _trust(value)
    return value


def safe_group_name(name: str) -> str:
    """A valid Ansible group name: every character outside ``[A-Za-z0-9_]`` becomes ``_``."""
    name = _GROUP_UNSAFE.sub("_", name)
    return "_" + name if name[:1].isdigit() else name


def label_group(key: str, value: str) -> str:
    """``label_<key>_<value>``, sanitised (``zone=external`` -> ``label_zone_external``)."""
    return safe_group_name("label_%s_%s" % (key, value))


# ------------------------------------------------------------------------------------------ gather
def source_text(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> str:
    """The discovery source as users wrote it, for messages (no secrets: tokens are separate options)."""
    try:
        manager = manager_of(params, environ)
        if manager:
            return "manager %s" % manager
        return str(discovery_source(params, environ))
    except DiscoveryError:
        return "(no discovery source)"


def list_addresses(params: Mapping[str, Any], environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """The engine addresses of the configured source; InventorySourceError names the source."""
    try:
        with open_backend(discovery_source(params, environ), params, environ) as backend:
            return backend.list_nodes()
    except DiscoveryError as exc:
        raise InventorySourceError("Discovery source %s failed: %s" % (source_text(params, environ), exc)) from None


def engine_record(node: Mapping[str, Any]) -> Dict[str, Any]:
    """The part of a snapshot node dict the inventory keeps (and caches): no container or image lists."""
    return {
        "addr": node["addr"],
        "name": node.get("name") or node["addr"],
        "id": node.get("id") or node["addr"],
        "docker_host": node.get("docker_host") or docker_host_url(node["addr"]),
        "labels": dict(node.get("labels") or {}),
        "health": int(node.get("health") or 0),
        "status": node.get("status") or "",
        "error": node.get("error"),
        "cpus": int(node.get("cpus") or 0),
        "memory": int(node.get("memory") or 0),
        "containers": int(node["containers_total"]) if "containers_total" in node else len(node.get("containers") or []),
        "server_version": node.get("server_version") or "",
        "queried": True,
    }


def address_record(addr: str) -> Dict[str, Any]:
    """An engine known only by its address (``query_engines: false``)."""
    return {"addr": addr, "name": addr, "docker_host": docker_host_url(addr), "queried": False}


def gather(params: Mapping[str, Any], query_engines: bool = True, max_workers: int = 32,
           environ: Optional[Mapping[str, str]] = None,
           snapshot_fn: Optional[Callable[..., List[Dict[str, Any]]]] = None) -> Dict[str, Any]:
    """Discovery, then (optionally) the parallel engine snapshot; returns the cacheable result.

    ``snapshot_fn`` replaces the engine layer's ``snapshot`` (tests use a fake one).
    """
    try:
        manager = manager_of(params, environ)
    except DiscoveryError as exc:
        raise InventorySourceError(str(exc)) from None
    if manager:
        return _from_manager(manager, params, query_engines, environ)
    addresses = list_addresses(params, environ)
    source = source_text(params, environ)
    if not query_engines:
        return {"version": CACHE_VERSION, "source": source, "query_engines": False,
                "engines": [address_record(addr) for addr in addresses]}
    try:
        options = connection_options(params, environ)
        if snapshot_fn is None and addresses:
            docker_sdk()  # a missing SDK fails the inventory instead of marking every engine unhealthy
    except EngineError as exc:  # bad TLS files or timeout, missing SDK: say which cluster it is about
        raise InventorySourceError("Engines of %s: %s" % (source, exc)) from None
    # Only /info is needed (labels, resources, health, container count): one request per engine.
    nodes = (snapshot_fn or snapshot)(addresses, options, max_workers=max_workers, info_only=True) if addresses else []
    return {"version": CACHE_VERSION, "source": source, "query_engines": True, "engines": [engine_record(node) for node in nodes]}


def _from_manager(manager: str, params: Mapping[str, Any], query_engines: bool,
                  environ: Optional[Mapping[str, str]]) -> Dict[str, Any]:
    """The engines as a dockyard.swarm manager knows them: one request instead of one per engine."""
    source = "manager %s" % manager
    try:
        nodes = manager_nodes(manager, connection_options(params, environ))
    except EngineError as exc:
        raise InventorySourceError("Manager %s: %s" % (manager, exc)) from None
    if not query_engines:
        return {"version": CACHE_VERSION, "source": source, "query_engines": False,
                "engines": [address_record(str(node["addr"])) for node in nodes]}
    return {"version": CACHE_VERSION, "source": source, "query_engines": True, "engines": [engine_record(node) for node in nodes]}


def valid_cached(data: Any, source: str, query_engines: bool) -> bool:
    """Whether a cache entry has this version's shape and was made for the same source and mode.

    The cache key is the inventory file's path; an entry written before the file's ``discovery``,
    ``nodes`` or ``query_engines`` changed is refreshed instead of used.
    """
    return (isinstance(data, Mapping) and data.get("version") == CACHE_VERSION and data.get("source") == source
            and data.get("query_engines") is bool(query_engines) and isinstance(data.get("engines"), list)
            and all(isinstance(item, Mapping) and "addr" in item for item in data["engines"]))


# ------------------------------------------------------------------------------------------- hosts
def _addr_suffix(addr: str) -> str:
    return re.sub(r"[^A-Za-z0-9.\-]+", "_", addr).strip("_")


def host_names(records: Sequence[Mapping[str, Any]], source: str = "name") -> List[str]:
    """One unique host name per record, independent of the records' order.

    ``name``: the engine's name, else its address; engines that share a name all become
    ``<name>_<ip>_<port>``. ``addr``: always ``<ip>:<port>`` (stays the same while an engine is down).
    """
    if source not in HOSTNAME_SOURCES:
        raise ValueError("hostnames must be one of %s, got %r" % (", ".join(HOSTNAME_SOURCES), source))
    base = [str(record["addr"] if source == "addr" else (record.get("name") or record["addr"])) for record in records]
    counts = Counter(base)
    names = [name if counts[name] == 1 else "%s_%s" % (name, _addr_suffix(str(record["addr"])))
             for name, record in zip(base, records)]
    # A disambiguated name may still meet another engine's plain name: number the rest by address.
    counts = Counter(names)
    clashing = sorted((str(records[index]["addr"]), index) for index, name in enumerate(names) if counts[name] > 1)
    seen: Counter = Counter()
    for _addr, index in clashing:
        seen[names[index]] += 1
        names[index] = "%s_%d" % (names[index], seen[names[index]])
    return names


def ansible_host(addr: str) -> str:
    """The engine's IP or host name, without the port (IPv6 without brackets)."""
    host, _port = split_address(addr)
    return host


def host_vars(record: Mapping[str, Any]) -> Dict[str, Any]:
    """Host variables of one engine, before unsafe marking (``ansible_host`` is added apart)."""
    variables: Dict[str, Any] = {"swarm_addr": record["addr"], "docker_host": record["docker_host"]}
    if not record.get("queried"):
        return variables
    variables.update({
        "swarm_name": record["name"],
        "swarm_id": record["id"],
        "swarm_labels": dict(record["labels"]),
        "swarm_health": record["health"],
        "swarm_status": record["status"],
        "swarm_error": record["error"],
        "swarm_cpus": record["cpus"],
        "swarm_memory": record["memory"],
        "swarm_containers": record["containers"],
        "swarm_server_version": record["server_version"],
    })
    return variables


def builtin_groups(record: Mapping[str, Any], label_groups: bool = True) -> List[str]:
    """``healthy``/``unhealthy`` and one ``label_<key>_<value>`` group per label of a queried engine."""
    if not record.get("queried"):
        return []
    groups = ["healthy" if record["status"] == HEALTHY else "unhealthy"]
    if label_groups:
        groups.extend(label_group(str(key), str(value)) for key, value in sorted(record["labels"].items()))
    return groups


def host_entries(records: Sequence[Mapping[str, Any]], source: str = "name",
                 label_groups: bool = True) -> List[Tuple[str, Dict[str, Any], List[str]]]:
    """(host name, variables with unsafe marking and ``ansible_host``, groups) for every record."""
    entries = []
    for name, record in zip(host_names(records, source), records):
        variables = make_unsafe(host_vars(record))
        variables["ansible_host"] = _trust(ansible_host(str(record["addr"])))  # never unsafe
        entries.append((name, variables, builtin_groups(record, label_groups)))
    return entries


def _failure(record: Mapping[str, Any]) -> str:
    error = str(record.get("error") or "unhealthy")
    return error if str(record["addr"]) in error else "%s: %s" % (record["addr"], error)


def failure_summary(records: Sequence[Mapping[str, Any]], source: str) -> Optional[str]:
    """One warning line about unhealthy engines (the first few named), or None."""
    failed = [record for record in records if record.get("queried") and record.get("status") != HEALTHY]
    if not failed:
        return None
    shown = "; ".join(_failure(record) for record in failed[:WARN_LIMIT])
    more = " (and %d more)" % (len(failed) - WARN_LIMIT) if len(failed) > WARN_LIMIT else ""
    return "%d of %d engines from %s are unhealthy, listed in group 'unhealthy': %s%s" % (
        len(failed), len(records), source, shown, more)
