# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The merged event stream: every engine's events, tagged with their node, plus the manager's own.

``normalize`` does what classic's normalizeEvent did (``from`` gains `` node:<name>``,
``Actor.Attributes`` gain node.name/id/addr/ip, a top-level ``node`` object). Unlike classic,
``since``, ``until`` and ``filters`` are honoured: the bus keeps recent events (``history``) to
replay for ``since``, and ``matches`` applies the Engine API's filters plus ``node``.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any, Deque, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import filter_values

HISTORY = 2048
QUEUE_SIZE = 4096


def node_object(name: str, node_id: str, addr: str, ip: str) -> Dict[str, str]:
    return {"Name": name, "Id": node_id, "Addr": addr, "Ip": ip}


def normalize(event: Dict[str, Any], node: Mapping[str, str]) -> Dict[str, Any]:
    """Tag one engine event with its node (modifies and returns ``event``)."""
    if "from" in event or "status" in event:
        event["from"] = "%s node:%s" % (event.get("from", ""), node["Name"])
    actor = event.setdefault("Actor", {})
    attributes = actor.get("Attributes") or {}
    attributes.update({"node.name": node["Name"], "node.id": node["Id"], "node.addr": node["Addr"], "node.ip": node["Ip"]})
    actor["Attributes"] = attributes
    event["node"] = dict(node)
    return event


def manager_event(action: str, node: Mapping[str, str], now: Optional[float] = None) -> Dict[str, Any]:
    """engine_connect / engine_disconnect / engine_reconnect, as classic emitted them."""
    now = time.time() if now is None else now
    return {
        "status": action, "id": node["Id"], "from": "swarm node:%s" % node["Name"], "Type": "swarm", "Action": action,
        "Actor": {"ID": node["Id"], "Attributes": {
            "node.name": node["Name"], "node.id": node["Id"], "node.addr": node["Addr"], "node.ip": node["Ip"]}},
        "scope": "local", "time": int(now), "timeNano": int(now * 1e9), "node": dict(node),
    }


def event_time(event: Mapping[str, Any]) -> float:
    nano = event.get("timeNano")
    if nano:
        return int(nano) / 1e9
    return float(event.get("time") or 0)


KNOWN_FILTERS = ("config", "container", "daemon", "event", "image", "label", "network", "node", "plugin", "scope",
                 "secret", "service", "type", "volume")


def matches(event: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """Whether an event passes Engine API event filters (values OR-ed within a key, keys AND-ed)."""
    if not filters:
        return True
    actor = event.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    kind = event.get("Type") or ""
    action = event.get("Action") or event.get("status") or ""
    actor_id = actor.get("ID") or event.get("id") or ""
    checks = {
        "type": lambda wanted: kind in wanted,
        "event": lambda wanted: action in wanted or action.split(":", 1)[0] in wanted,
        "container": lambda wanted: kind == "container" and any(
            actor_id.startswith(w) or attributes.get("name") == w for w in wanted),
        "image": lambda wanted: bool(wanted & _image_names(kind, actor_id, attributes)),
        "network": lambda wanted: kind == "network" and any(actor_id.startswith(w) or attributes.get("name") == w
                                                            for w in wanted),
        "volume": lambda wanted: kind == "volume" and actor_id in wanted,
        "daemon": lambda wanted: kind == "daemon" and (actor_id in wanted or attributes.get("name") in wanted),
        "node": lambda wanted: bool(wanted & {attributes.get("node.name"), attributes.get("node.id"),
                                              attributes.get("node.addr")}),
        "label": lambda wanted: all(_label_match(attributes, w) for w in wanted),
        "scope": lambda wanted: (event.get("scope") or "local") in wanted,
    }
    for key in filters:
        wanted = set(filter_values(filters, key))
        check = checks.get(key)
        if check is None:
            if key in KNOWN_FILTERS:
                return False  # swarm-mode objects never occur here
            continue
        if wanted and not check(wanted):
            return False
    return True


def _strip_tag(reference: str) -> str:
    name, sep, tag = reference.rpartition(":")
    return name if sep and "/" not in tag else reference


def _image_names(kind: str, actor_id: str, attributes: Mapping[str, Any]) -> set:
    """What an ``image`` filter compares (the engine's rule): the actor id and the image name (an image
    event's ``name``, another event's ``image``), each also without its tag."""
    name = str(attributes.get("name" if kind == "image" else "image") or "")
    return {actor_id, name, _strip_tag(actor_id), _strip_tag(name)} - {""}


def _label_match(attributes: Mapping[str, Any], wanted: str) -> bool:
    key, sep, value = wanted.partition("=")
    if not sep:
        return key in attributes
    return attributes.get(key) == value


class EventBus:
    """Fan-out of events to subscribers (bounded queues: a slow client loses events, never the manager)."""

    def __init__(self, history: int = HISTORY) -> None:
        self.recent: Deque[Dict[str, Any]] = collections.deque(maxlen=history)
        self.subscribers: List["asyncio.Queue[Dict[str, Any]]"] = []

    def publish(self, event: Dict[str, Any]) -> None:
        self.recent.append(event)
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                pass

    def subscribe(self) -> "asyncio.Queue[Dict[str, Any]]":
        queue: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue(QUEUE_SIZE)
        self.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: "asyncio.Queue[Dict[str, Any]]") -> None:
        if queue in self.subscribers:
            self.subscribers.remove(queue)

    def replay(self, since: float, until: Optional[float] = None) -> List[Dict[str, Any]]:
        return [event for event in self.recent
                if event_time(event) >= since and (until is None or event_time(event) <= until)]
