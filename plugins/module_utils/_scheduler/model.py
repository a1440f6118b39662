# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed, validated views of the request and of the node snapshots (SPEC section 3).

A node view checks only its own scalar fields when it is made; its containers are
validated and aggregated lazily, the first time a filter or strategy needs them, so
that nodes removed by cheap label filters never cost a per-container pass.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from .errors import INVALID_NODES, SchedulingError, describe
from .expressions import Expression, parse_expressions
from .sources import gather_expressions
from .validation import is_mapping, label_text, millicpus, string_list, whole_number

SWARM_ID_LABEL = "com.docker.swarm.id"
SHORT_ID = 12
_UNSPECIFIED_IPS = frozenset(("", "0.0.0.0", "::"))
_DIGITS = re.compile(r"(\d+)")
_NUMBERS = (int, float)
_NO_LABELS: Mapping[str, Any] = {}
_CONTAINER_FIELDS = (("id", str), ("name", str), ("image", str), ("state", str), ("network_mode", str),
                     ("cpus", _NUMBERS), ("memory", int), ("ports", list), ("exposed_ports", list),
                     ("volumes_from", list), ("links", list))
_TYPE_NAMES = {str: "a string", _NUMBERS: "a number", int: "a whole number", list: "a list"}


class PortBinding(NamedTuple):
    """A published port; host_port None means 'no fixed host port' (never conflicts)."""

    host_ip: str
    host_port: Optional[int]
    container_port: str
    protocol: str

    @property
    def binds_all(self) -> bool:
        return self.host_ip in _UNSPECIFIED_IPS

    def conflicts(self, other: "PortBinding") -> bool:
        """Same host port and protocol, on the same IP or with either side on all IPs."""
        return (self.host_port == other.host_port and self.protocol == other.protocol
                and (self.host_ip == other.host_ip or self.binds_all or other.binds_all))


def natural_key(name: str) -> List[Any]:
    """Sort key that orders node-2 before node-10 (classic engine sorter)."""
    parts: List[Any] = _DIGITS.split(name)
    for i in range(1, len(parts), 2):
        parts[i] = int(parts[i])
    return parts


def exposed_key(value: Any, what: str) -> str:
    """'80' / 80 / '80/TCP' -> '80/tcp' (Docker's ExposedPorts key form)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise SchedulingError("%s must be a port like '80/tcp', got %s" % (what, describe(value)))
    text = str(value).strip().lower()
    port, unused_sep, proto = text.partition("/")
    if not port.isdigit():
        raise SchedulingError("%s must be a port like '80/tcp', got %r" % (what, value))
    return "%d/%s" % (int(port), proto or "tcp")


def port_binding(entry: Any, what: str) -> PortBinding:
    """Normalise one ``{host_ip, host_port, container_port, protocol}`` mapping."""
    if not is_mapping(entry):
        raise SchedulingError("%s must be a mapping with host_ip, host_port, container_port, "
                              "protocol, got %s" % (what, describe(entry)))
    host_ip = entry.get("host_ip") or ""
    raw_port = entry.get("host_port")
    if raw_port is None or raw_port == "" or raw_port == 0:
        host_port = None
    elif isinstance(raw_port, int) and not isinstance(raw_port, bool):
        host_port = raw_port
    elif isinstance(raw_port, str) and raw_port.strip().isdigit():
        host_port = int(raw_port)
    else:
        raise SchedulingError("%s host_port must be a port number, got %s" % (what, describe(raw_port)))
    container_port = str(entry.get("container_port") or "")
    protocol = entry.get("protocol")
    if "/" in container_port:
        container_port, unused_sep, protocol = container_port.partition("/")
    if not isinstance(host_ip, str) or not isinstance(protocol or "", str):
        raise SchedulingError("%s host_ip and protocol must be strings" % what)
    return PortBinding(host_ip, host_port, container_port, (protocol or "tcp").lower())


class Request:
    """The container to place, normalised once per schedule() call."""

    __slots__ = ("raw", "name", "image", "cpus_m", "memory", "network_mode", "ports",
                 "exposed", "dependencies", "constraints", "affinities", "whitelists")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not is_mapping(raw):
            raise SchedulingError("request must be a mapping, got %s" % describe(raw))
        self.raw = raw
        self.name = _optional_str(raw.get("name"), "request 'name'")
        self.image = _optional_str(raw.get("image"), "request 'image'")
        self.cpus_m = millicpus(raw.get("cpus"), "request 'cpus'")
        self.memory = whole_number(raw.get("memory"), "request 'memory'")
        self.network_mode = _optional_str(raw.get("network_mode"), "request 'network_mode'")
        ports = raw.get("ports") or []
        if not isinstance(ports, (list, tuple)):
            raise SchedulingError("request 'ports' must be a list, got %s" % describe(ports))
        self.ports: Tuple[PortBinding, ...] = tuple(
            port_binding(p, "request port %d" % i) for i, p in enumerate(ports))
        exposed_ports = raw.get("exposed_ports") or []
        if is_mapping(exposed_ports):  # Docker API form {"80/tcp": {}}
            exposed_ports = list(exposed_ports)
        if not isinstance(exposed_ports, (list, tuple)):
            raise SchedulingError("request 'exposed_ports' must be a list like ['80/tcp'], got %s"
                                  % describe(exposed_ports))
        exposed = [exposed_key(p, "request 'exposed_ports'") for p in exposed_ports]
        exposed += ["%s/%s" % (p.container_port, p.protocol) for p in self.ports if p.container_port]
        self.exposed: Tuple[str, ...] = tuple(dict.fromkeys(exposed))
        self.dependencies: Tuple[Tuple[str, str], ...] = tuple(self._dependencies(raw))
        found = gather_expressions(raw)
        self.constraints: Tuple[Expression, ...] = tuple(parse_expressions(found["constraints"], "constraint"))
        self.affinities: Tuple[Expression, ...] = tuple(parse_expressions(found["affinities"], "affinity"))
        self.whitelists: Tuple[Expression, ...] = tuple(parse_expressions(found["whitelists"], "whitelist"))

    def _dependencies(self, raw: Mapping[str, Any]) -> Iterator[Tuple[str, str]]:
        for entry in string_list(raw.get("volumes_from"), "request 'volumes_from'"):
            yield "--volumes-from=" + entry, entry.split(":", 1)[0]
        for entry in string_list(raw.get("links"), "request 'links'"):
            yield "--link=" + entry, entry.split(":", 1)[0]
        if self.network_mode.startswith("container:"):
            yield "--net=" + self.network_mode, self.network_mode[len("container:"):]

    @property
    def soft_expressions(self) -> List[Expression]:
        return [e for e in self.constraints + self.affinities + self.whitelists if e.soft]


class Node:
    """One node snapshot. Only id and labels are read when it is made (every node of
    every placement needs them); everything else is read, checked and cached on first use."""

    __slots__ = ("raw", "id", "labels", "_index", "_name", "_health", "_cpus", "_memory",
                 "_containers", "_images", "_usage")

    def __init__(self, raw: Mapping[str, Any], index: int = 0) -> None:
        # Exact-type fast paths first: this runs for every node of every placement.
        if raw.__class__ is not dict and not is_mapping(raw):
            raise _node_error(index, None, "must be a mapping, got %s" % describe(raw))
        self.raw = raw
        self._index = index
        node_id = raw.get("id")
        if node_id.__class__ is not str or not node_id:
            if not isinstance(node_id, str) or not node_id:
                raise _node_error(index, None, "'id' must be a non-empty string, got %s" % describe(node_id))
        self.id = node_id
        labels = raw.get("labels")
        if labels.__class__ is not dict:
            if labels is None:
                labels = {}
            elif not is_mapping(labels):
                raise _node_error(index, node_id, "'labels' must be a mapping, got %s" % describe(labels))
        self.labels: Mapping[str, Any] = labels
        self._name: Optional[str] = None
        self._health: Any = None
        self._cpus: Optional[int] = None
        self._memory: Optional[int] = None
        self._containers: Any = None
        self._images: Optional[List[Mapping[str, Any]]] = None
        self._usage: Optional[Tuple[int, int]] = None

    @property
    def name(self) -> str:
        """Engine name (``docker info`` Name); the id when the snapshot has none."""
        if self._name is None:
            name = self.raw.get("name")
            if name is not None and not isinstance(name, str):
                raise _node_error(self._index, self.id, "'name' must be a string, got %s" % describe(name))
            self._name = name or self.id
        return self._name

    @property
    def health(self) -> Any:
        """Health indicator 0..100 (100 when the snapshot has none)."""
        if self._health is None:
            health = self.raw.get("health")
            if health is None:
                health = 100
            elif isinstance(health, bool) or not isinstance(health, (int, float)) or not 0 <= health <= 100:
                raise _node_error(self._index, self.id, "'health' must be a number 0..100, got %s"
                                  % describe(health))
            self._health = health
        return self._health

    @property
    def cpus(self) -> int:
        """CPU count of the engine (whole number)."""
        if self._cpus is None:
            self._cpus = self._whole("cpus")
        return self._cpus

    @property
    def memory(self) -> int:
        """Memory of the engine in bytes."""
        if self._memory is None:
            self._memory = self._whole("memory")
        return self._memory

    def _whole(self, field: str) -> int:
        try:
            return whole_number(self.raw.get(field), repr(field))
        except SchedulingError as exc:
            raise _node_error(self._index, self.id, str(exc))

    def __repr__(self) -> str:
        return "Node(%r)" % self.name

    def label(self, key: str) -> str:
        """Engine label value, '' when absent (classic)."""
        value = self.labels.get(key, "")
        return value if value.__class__ is str else label_text(value)

    @property
    def container_count(self) -> int:
        return len(self.containers)

    @property
    def containers(self) -> List[Mapping[str, Any]]:
        """Every container on the node (running, stopped and pending)."""
        containers = self._containers
        if containers is None:
            containers = self.raw.get("containers")
            if containers is None:
                containers = []
            elif not isinstance(containers, list):
                raise _node_error(self._index, self.id, "'containers' must be a list, got %s"
                                  % describe(containers))
            # The containers themselves are not checked here: that would read each of them
            # once more. Filters read them directly; a wrong type there surfaces as
            # TypeError/AttributeError and schedule() then calls check_containers().
            self._containers = containers
        return containers

    @property
    def images(self) -> List[Mapping[str, Any]]:
        if self._images is None:
            images = self.raw.get("images") or []
            if not isinstance(images, list) or not all(is_mapping(i) for i in images):
                raise self.error("'images' must be a list of mappings")
            self._images = images
        return self._images

    def usage(self) -> Tuple[int, int]:
        """(reserved milli-CPUs, reserved memory bytes) summed over all containers."""
        if self._usage is None:
            cpus = 0.0
            memory = 0
            for c in self.containers:
                c_cpus = c.get("cpus")
                if c_cpus:
                    if c_cpus.__class__ not in _NUMBERS or c_cpus < 0:
                        millicpus(c_cpus, self._what(c, "cpus"))  # raises the right message
                    cpus += c_cpus
                c_mem = c.get("memory")
                if c_mem:
                    if c_mem.__class__ is not int or c_mem < 0:
                        c_mem = whole_number(c_mem, self._what(c, "memory"))
                    memory += c_mem
            self._usage = (int(round(cpus * 1000)), memory)
        return self._usage

    def check_containers(self) -> None:
        """Raise a SchedulingError naming the first container field of a wrong type."""
        for i, c in enumerate(self.containers):
            if not is_mapping(c):
                raise self.error("container %d must be a mapping, got %s" % (i, describe(c)))
            name = c.get("name")
            what = "container %r" % name if name and isinstance(name, str) else "container %d" % i
            for field, types in _CONTAINER_FIELDS:
                value = c.get(field)
                if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
                    raise self.error("%s field %r must be %s, got %s" % (
                        what, field, _TYPE_NAMES[types], describe(value)))
            if not is_mapping(c.get("labels") or {}):
                raise self.error("%s field 'labels' must be a mapping, got %s" % (what, describe(c.get("labels"))))
            for j, binding in enumerate(c.get("ports") or ()):
                port_binding(binding, "node %r %s port %d" % (self.name, what, j))
            for exposed in c.get("exposed_ports") or ():
                exposed_key(exposed, "node %r %s exposed port" % (self.name, what))

    def find_container(self, ref: str) -> Optional[Mapping[str, Any]]:
        """Resolve a container reference on this node like classic ``Containers.Get``."""
        if not ref:
            return None
        containers = self.containers
        for c in containers:  # 1. full or 12-char ID
            cid = c.get("id") or ""
            if ref == cid or (len(ref) == SHORT_ID and cid[:SHORT_ID] == ref):
                return c
        for c in containers:  # 2. Swarm ID (full or 12-char)
            sid = label_text((c.get("labels") or {}).get(SWARM_ID_LABEL))
            if sid and (ref == sid or (len(ref) == SHORT_ID and sid[:SHORT_ID] == ref)):
                return c
        wanted = ref[1:] if ref.startswith("/") else ref
        for prefix in (self.id + "/", self.name + "/"):
            if wanted.startswith(prefix):
                wanted = wanted[len(prefix):]
                break
        named = [c for c in containers if container_name(c) == wanted]
        if named:  # 3. unique name
            return named[0] if len(named) == 1 else None
        prefixed = [c for c in containers  # 4. unique ID / Swarm ID prefix
                    if (c.get("id") or "").startswith(ref)
                    or label_text((c.get("labels") or {}).get(SWARM_ID_LABEL)).startswith(ref)]
        return prefixed[0] if len(prefixed) == 1 else None

    def error(self, problem: str) -> SchedulingError:
        return SchedulingError("node %r: %s" % (self.name, problem), kind=INVALID_NODES)

    def _what(self, container: Mapping[str, Any], field: str) -> str:
        return "node %r container %r %r" % (self.name, container_name(container) or container.get("id"), field)


def container_name(container: Mapping[str, Any]) -> str:
    """Container name without Docker's leading '/'."""
    name = container.get("name") or ""
    return name[1:] if name[:1] == "/" else name


def build_nodes(nodes: Any) -> List[Node]:
    """Views of all node snapshots."""
    return NodePool(nodes).all()


class NodePool:
    """Node views made on demand, at most one per snapshot entry, shared by both passes.

    Building a view costs about as much as a label test, so label-only conditions run
    on the raw snapshots (``labelled``) and views are made for the survivors only.
    """

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
            node = self._views[index] = Node(self.raws[index], index)
        return node

    def views(self, indexes: Iterable[int]) -> List[Node]:
        return [self.view(i) for i in indexes]

    def all(self) -> List[Node]:
        return self.views(range(len(self.raws)))

    def made(self) -> List[Node]:
        """The views built so far (what the hot loops have read)."""
        return [node for node in self._views if node is not None]

    def labelled(self) -> List[Tuple[int, Mapping[str, Any]]]:
        """(index, labels) of every node, checked like Node() checks them, without a view."""
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


def _node_error(index: int, node_id: Optional[str], problem: str) -> SchedulingError:
    where = "node %d" % index if node_id is None else "node %d (id %r)" % (index, node_id)
    return SchedulingError("%s: %s" % (where, problem), kind=INVALID_NODES)


def _optional_str(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchedulingError("%s must be a string, got %s" % (what, describe(value)))
    return value


def node_names(nodes: Sequence[Node], limit: int = 5) -> str:
    """'a, b, c and 4 more' for messages."""
    names = [n.name for n in nodes[:limit]]
    more = len(nodes) - len(names)
    return ", ".join(names) + (" and %d more" % more if more > 0 else "")
