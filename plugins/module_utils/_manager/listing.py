# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`GET /containers/json` from the live picture (pure: the handler adds sizes when asked).

As classic Swarm showed it: names become ``/<node>/<name>`` (the CLI prints ``node-1/web``; other API
clients also get the engine's ``/<name>`` after it, see ``containers.list_``),
published ports on all interfaces show the engine's address, containers of an unhealthy engine
show ``Host Down`` and, like stopped ones, only with ``all``. Sorted newest first. Filters are the
Engine API's plus ``node`` (engine name, id or address).
"""

from __future__ import annotations

import asyncio
import copy
import re
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Set

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import filter_values, label_matches

SHOWN_WITHOUT_ALL = ("running", "paused", "restarting")
STATUSES = ("created", "restarting", "running", "removing", "paused", "exited", "dead")
EXITED = re.compile(r"^Exited \((-?\d+)\)")
UNSPECIFIED = ("", "0.0.0.0", "::")
EXACT_NAME = re.compile(r"^\^/([a-zA-Z0-9][a-zA-Z0-9_-]*)\$$")
# name patterns made of name characters with optional anchors: they can never match a line break
PLAIN_NAME_PATTERN = re.compile(r"^\^?[a-zA-Z0-9_./-]+\$?$")
CHUNK = 2000  # records examined (or entries built) between two yields to the loop


def _health(summary: Mapping[str, Any]) -> str:
    status = summary.get("Status") or ""
    for word in ("starting", "unhealthy", "healthy"):
        if "(%s)" % word in status or "(health: %s)" % word in status:
            return word
    return "none"


def _name_check(patterns: List[str]) -> Callable[[Any, List[str]], bool]:
    """The ``name`` filter: each pattern compiled once per request, tried on the engine's names and on
    ``/<node>/<name>`` (a container passes when any pattern finds any of them)."""
    searches = []
    for pattern in patterns:
        try:
            searches.append(re.compile(pattern).search)
        except re.error:
            raise ApiError(400, "Invalid filter 'name': %r is not a valid regular expression" % pattern) from None

    def check(record: Any, unused_wanted: List[str]) -> bool:
        names = record.summary.get("Names") or ()
        node_form = "/%s/%s" % (record.engine.name, record.name)
        for search in searches:
            if search(node_form):
                return True
            for name in names:
                if search(name):
                    return True
        return False

    return check


def exact_name(filters: Mapping[str, Any]) -> Optional[str]:
    """The container name a ``name`` filter can only match exactly (``^/web$``), else None: then the
    picture's name index gives the candidates instead of a scan of every container."""
    patterns = filter_values(filters, "name")
    if len(patterns) != 1:
        return None
    match = EXACT_NAME.match(patterns[0])
    return match.group(1) if match else None


def _networks(summary: Mapping[str, Any]) -> Set[str]:
    found: Set[str] = set()
    for name, endpoint in ((summary.get("NetworkSettings") or {}).get("Networks") or {}).items():
        found.add(name)
        if isinstance(endpoint, dict) and endpoint.get("NetworkID"):
            found.add(endpoint["NetworkID"])
    return found


def _volumes(summary: Mapping[str, Any]) -> Set[str]:
    found: Set[str] = set()
    for mount in summary.get("Mounts") or []:
        for key in ("Name", "Destination", "Source"):
            if mount.get(key):
                found.add(mount[key])
    return found


def _ports(summary: Mapping[str, Any], public: bool) -> Set[str]:
    found: Set[str] = set()
    for item in summary.get("Ports") or []:
        port = item.get("PublicPort") if public else item.get("PrivatePort")
        if port:
            found.add(str(port))
            found.add("%s/%s" % (port, item.get("Type") or "tcp"))
    return found


def _created_of(resolve: Callable[[str], Any], ref: str, name: str) -> float:
    try:
        return float(resolve(ref).summary.get("Created") or 0)
    except Exception:
        raise ApiError(404, "No such container: %s (filter %s)" % (ref, name)) from None


def _exited(record: Any, wanted: List[str]) -> bool:
    match = EXITED.match(record.summary.get("Status") or "")
    return bool(match) and match.group(1) in wanted


def _ancestor(record: Any, wanted: List[str]) -> bool:
    summary = record.summary
    image, image_id = str(summary.get("Image", "")), str(summary.get("ImageID", ""))
    return any(w in (image, image_id) or image.split(":", 1)[0] == w or image_id.startswith("sha256:" + w) for w in wanted)


# filter name -> check(record, wanted values); a record passes when every given filter passes
CHECKS: Dict[str, Callable[[Any, List[str]], bool]] = {
    "id": lambda record, wanted: any(record.id.startswith(w) for w in wanted),
    "name": lambda record, wanted: _name_check(wanted)(record, wanted),  # make_filter prepares it once
    "label": lambda record, wanted: all(label_matches(record.summary.get("Labels") or {}, w) for w in wanted),
    "status": lambda record, wanted: record.summary.get("State") in wanted,
    "exited": _exited,
    "ancestor": _ancestor,
    "health": lambda record, wanted: _health(record.summary) in wanted,
    "network": lambda record, wanted: bool(set(wanted) & _networks(record.summary)),
    "volume": lambda record, wanted: bool(set(wanted) & _volumes(record.summary)),
    "publish": lambda record, wanted: bool(set(wanted) & _ports(record.summary, True)),
    "expose": lambda record, wanted: bool(set(wanted) & _ports(record.summary, False)),
    "is-task": lambda record, wanted: "false" in wanted,
    "node": lambda record, wanted: bool(set(wanted) & {record.engine.name, record.engine.node_id, record.engine.addr}),
}


def make_filter(filters: Mapping[str, Any], resolve: Callable[[str], Any]) -> Callable[[Any], bool]:
    """A predicate over ContainerRecords for Engine API container filters (plus ``node``)."""
    for key in filters:
        if key not in CHECKS and key not in ("before", "since"):
            raise ApiError(400, "Invalid filter '%s'" % key)
    for status in filter_values(filters, "status"):
        if status not in STATUSES:
            raise ApiError(400, "Invalid filter 'status=%s'" % status)
    before = [_created_of(resolve, ref, "before") for ref in filter_values(filters, "before")]
    since = [_created_of(resolve, ref, "since") for ref in filter_values(filters, "since")]
    prepared = {"name": _name_check}
    active = [(prepared[key](filter_values(filters, key)) if key in prepared else check, filter_values(filters, key))
              for key, check in CHECKS.items() if filter_values(filters, key)]
    if not active and not before and not since:
        return lambda record: True

    def keep(record: Any) -> bool:
        for check, wanted in active:
            if not check(record, wanted):
                return False
        created = float(record.summary.get("Created") or 0)
        return not (any(created >= limit for limit in before) or any(created <= limit for limit in since))

    return keep


def present(record: Any, engine_names: bool = False) -> Dict[str, Any]:
    """The list entry as a client sees it through the manager; ``engine_names`` adds the engine's own names
    after the ``/<node>/<name>`` ones (for API clients that look a container up by name in the list)."""
    engine = record.engine
    entry = copy.copy(record.summary)
    names = record.summary.get("Names") or []
    entry["Names"] = ["/%s%s" % (engine.name, name if name.startswith("/") else "/" + name) for name in names]
    if engine_names:
        entry["Names"] += list(names)
    ports = []
    for item in record.summary.get("Ports") or []:
        item = dict(item)
        if item.get("PublicPort") and item.get("IP", "") in UNSPECIFIED and engine.ip:
            item["IP"] = engine.ip
        ports.append(item)
    entry["Ports"] = ports
    if not engine.healthy:
        entry["Status"] = "Host Down"
    return entry


def selector(show_all: bool, limit: Optional[int], filters: Mapping[str, Any],
             resolve: Callable[[str], Any]) -> Callable[[Any], bool]:
    """Whether a record is listed (ApiError 400 for bad filters, before any record is looked at)."""
    keep = make_filter(filters, resolve)
    show_all = show_all or (limit is not None and limit > 0) or bool(filters.get("status") or filters.get("exited"))

    def listed(record: Any) -> bool:
        if not show_all and (record.summary.get("State") not in SHOWN_WITHOUT_ALL or not record.engine.healthy):
            return False
        return record.engine.health.validated and keep(record)

    return listed


def newest_first(chosen: List[Any], limit: Optional[int]) -> List[Any]:
    chosen.sort(key=lambda r: (float(r.summary.get("Created") or 0), r.id), reverse=True)
    return chosen[:limit] if limit is not None and limit > 0 else chosen


def list_containers(records: Iterable[Any], show_all: bool, limit: Optional[int], filters: Mapping[str, Any],
                    resolve: Callable[[str], Any], engine_names: bool = False) -> List[Dict[str, Any]]:
    listed = selector(show_all, limit, filters, resolve)
    chosen = newest_first([record for record in records if listed(record)], limit)
    return [present(record, engine_names) for record in chosen]


def _candidates(picture: Any, filters: Mapping[str, Any]) -> List[Any]:
    """The records a ``name`` filter leaves possible (all of them without one), found through the picture's
    name index (``^/web$``) or one regex pass over all names (plain patterns such as ``web$``), not by calling
    the filter on every record; every candidate still goes through the whole filter."""
    name = exact_name(filters)
    if name is not None:
        ids: Any = picture.by_name.get(name, ())
    else:
        patterns = filter_values(filters, "name")
        if not patterns or not all(PLAIN_NAME_PATTERN.match(pattern) for pattern in patterns):
            return list(picture.records())
        ids = set()
        for pattern in patterns:
            ids |= picture.name_search(re.compile(pattern, re.MULTILINE))
    return [picture.containers[cid] for cid in sorted(ids) if cid in picture.containers]


async def list_containers_yielding(picture: Any, show_all: bool, limit: Optional[int], filters: Mapping[str, Any],
                                   engine_names: bool = False) -> List[Dict[str, Any]]:
    """``list_containers`` over a picture for the API: an exact name filter reads the name index, a scan
    gives the loop back every ``CHUNK`` records (events and other requests go on during a list of 30,000)."""
    listed = selector(show_all, limit, filters, picture.resolve)
    records = _candidates(picture, filters)
    chosen = []
    for start in range(0, len(records), CHUNK):
        if start:
            await asyncio.sleep(0)
        chosen.extend(record for record in records[start:start + CHUNK] if listed(record))
    chosen = newest_first(chosen, limit)
    entries = []
    for start in range(0, len(chosen), CHUNK):
        if start:
            await asyncio.sleep(0)
        entries.extend(present(record, engine_names) for record in chosen[start:start + CHUNK])
    return entries
