# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One container as the scheduler sees it: typed, validated once where it enters the model.

A Container is a value: filters and aggregates read its attributes without checking them
again. Change a container by replacing it on its node (``Node.replace_container``), never
in place, so the node's aggregates stay right.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Tuple

from .errors import INVALID_NODES, SchedulingError, describe
from .ports import EXPOSED_MEMO, PortBinding, exposed_key, port_binding
from .validation import is_mapping, label_text, millicpus, whole_number

if TYPE_CHECKING:  # pragma: no cover
    from .request import Request

PENDING = "pending"
_TEXT_FIELDS = ("id", "image", "image_id", "state", "network_mode")
_LIST_FIELDS = ("ports", "exposed_ports", "volumes_from", "links")
_NUMBERS = (int, float)
_MISSING = object()
NANO = 1000000000  # CPUs are kept in billionths (Docker's NanoCpus): exact integer sums
MICRO = 1000000  # billionths per thousandth
_INFINITY = float("inf")


class Container:
    """A container on a node (running, stopped, created or pending: all count).

    Attributes: ``id``, ``name`` (no leading '/'; '' when it has none), ``image``, ``image_id``,
    ``state``, ``labels`` (str -> str), ``cpus_n`` (reserved CPUs in billionths, Docker's NanoCpus
    unit, so that sums are exact; ``cpus_m`` and ``cpus`` give thousandths and the number), ``memory``
    (reserved bytes), ``network_mode``, ``ports`` (tuple of PortBinding), ``exposed_ports``
    (tuple of '80/tcp' keys), ``volumes_from`` and ``links`` (tuples of str).
    The constructor trusts its arguments; ``from_dict`` validates a snapshot entry.
    """

    __slots__ = ("id", "name", "image", "image_id", "state", "labels", "cpus_n", "memory",
                 "network_mode", "ports", "exposed_ports", "volumes_from", "links")

    def __init__(self, id: str = "", name: str = "", image: str = "", image_id: str = "",  # pylint: disable=redefined-builtin
                 state: str = "", labels: Optional[Mapping[str, str]] = None, cpus_n: int = 0, memory: int = 0,
                 network_mode: str = "", ports: Iterable[PortBinding] = (), exposed_ports: Iterable[str] = (),
                 volumes_from: Iterable[str] = (), links: Iterable[str] = ()) -> None:
        self.id = id
        self.name = name[1:] if name[:1] == "/" else name
        self.image = image
        self.image_id = image_id
        self.state = state
        self.labels: Dict[str, str] = dict(labels or {})
        self.cpus_n = cpus_n
        self.memory = memory
        self.network_mode = network_mode
        self.ports: Tuple[PortBinding, ...] = tuple(ports)
        self.exposed_ports: Tuple[str, ...] = tuple(exposed_ports)
        self.volumes_from: Tuple[str, ...] = tuple(volumes_from)
        self.links: Tuple[str, ...] = tuple(links)

    @classmethod
    def from_dict(cls, raw: Any, node: str = "?", index: int = 0) -> "Container":
        """Validate one container of the snapshot shape; errors name the node, the container and the field."""
        if raw.__class__ is dict:  # the engine layer's shape, checked with exact types in one go
            get = raw.get
            cid = get("id")
            name = get("name")
            image = get("image")
            image_id = get("image_id")
            state = get("state")
            network_mode = get("network_mode")
            labels = get("labels")
            cpus = get("cpus")
            memory = get("memory")
            ports = get("ports")
            exposed = get("exposed_ports")
            volumes_from = get("volumes_from")
            links = get("links")
            if (cid.__class__ is str and name.__class__ is str and image.__class__ is str
                    and image_id.__class__ is str and state.__class__ is str and network_mode.__class__ is str
                    and labels.__class__ is dict and memory.__class__ is int and memory >= 0
                    and ports.__class__ is list and exposed.__class__ is list
                    and volumes_from.__class__ is list and links.__class__ is list):
                if cpus.__class__ is int and cpus >= 0:
                    cpus_n = cpus * NANO
                elif cpus.__class__ is float and 0 <= cpus < _INFINITY:
                    cpus_n = round(cpus * NANO)
                else:
                    cpus_n = -1
                bindings = _fast_ports(ports) if ports else ()
                keys = _fast_exposed(exposed) if exposed else ()
                if (cpus_n >= 0 and bindings is not None and keys is not None
                        and all(v.__class__ is str for v in labels.values())
                        and all(v.__class__ is str for v in volumes_from) and all(v.__class__ is str for v in links)):
                    self = cls.__new__(cls)
                    self.id = cid
                    self.name = name[1:] if name[:1] == "/" else name
                    self.image = image
                    self.image_id = image_id
                    self.state = state
                    self.labels = dict(labels)
                    self.cpus_n = cpus_n
                    self.memory = memory
                    self.network_mode = network_mode
                    self.ports = bindings
                    self.exposed_ports = keys
                    self.volumes_from = tuple(volumes_from)
                    self.links = tuple(links)
                    return self
        return cls._checked(raw, node, index)

    @classmethod
    def _checked(cls, raw: Any, node: str, index: int) -> "Container":
        """from_dict for any other shape: every field checked, with a message naming it."""
        if raw.__class__ is not dict and not is_mapping(raw):
            raise _error("node %r: container %d must be a mapping, got %s" % (node, index, describe(raw)))
        get = raw.get
        self = cls.__new__(cls)
        name = get("name")
        if name is None:
            name = ""
        elif name.__class__ is not str:
            _field_error(node, "container %d" % index, "name", "a string", name)
        what = "container %r" % name if name else "container %d" % index
        self.name = name[1:] if name[:1] == "/" else name
        for field in _TEXT_FIELDS:
            value = get(field)
            if value is None:
                value = ""
            elif value.__class__ is not str:
                _field_error(node, what, field, "a string", value)
            setattr(self, field, value)
        labels = get("labels")
        if not labels:
            self.labels = {}
        elif labels.__class__ is dict and all(v.__class__ is str for v in labels.values()):
            self.labels = dict(labels)
        else:
            self.labels = _labels(labels, node, what)
        try:
            self.cpus_n = _cpus_n(get("cpus"), node, self)
            memory = get("memory")
            self.memory = memory if memory.__class__ is int and memory >= 0 else whole_number(
                memory, _legacy(node, self, "memory"))
            lists = [get(field) for field in _LIST_FIELDS]
            for field, value in zip(_LIST_FIELDS, lists):
                if value is not None and value.__class__ is not list and (
                        isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple))):
                    _field_error(node, what, field, "a list", value)
            ports, exposed, volumes_from, links = lists
            self.ports = tuple(port_binding(p, "node %r %s port" % (node, what)) for p in ports) if ports else ()
            self.exposed_ports = tuple(exposed_key(p, "node %r %s exposed port" % (node, what))
                                       for p in exposed) if exposed else ()
        except SchedulingError as exc:
            raise _error(str(exc))
        self.volumes_from = _strings(volumes_from, node, what, "volumes_from")
        self.links = _strings(links, node, what, "links")
        return self

    @classmethod
    def pending(cls, request: "Request", name: Optional[str] = None, id: str = "",  # pylint: disable=redefined-builtin
                labels: Optional[Mapping[str, str]] = None, image_id: str = "") -> "Container":
        """The container a request is about to create (classic's pending container).

        It counts like any other for resources, ports, slots, names and affinities, so placements
        made one after the other see each other. ``name`` defaults to the request's, ``labels``
        to the request's labels (give the labels the container will really get, when known).
        """
        return cls(id=id, name=request.name if name is None else name, image=request.image, image_id=image_id,
                   state=PENDING, labels=request.labels if labels is None else labels, cpus_n=request.cpus_m * MICRO,
                   memory=request.memory, network_mode=request.network_mode, ports=request.ports,
                   exposed_ports=request.exposed, volumes_from=request.volumes_from, links=request.links)

    @property
    def cpus(self) -> float:
        """Reserved CPUs as a number (the snapshot's unit)."""
        return self.cpus_n / float(NANO) if self.cpus_n % NANO else self.cpus_n // NANO

    @property
    def cpus_m(self) -> int:
        """Reserved CPUs in thousandths."""
        return round(self.cpus_n / MICRO)

    def host_exposed(self) -> Tuple[str, ...]:
        """The '80/tcp' keys a host-mode container holds: exposed ports plus published container ports."""
        keys = list(self.exposed_ports)
        keys += ["%s/%s" % (p.container_port, p.protocol) for p in self.ports if p.container_port]
        return tuple(dict.fromkeys(keys))

    def to_dict(self) -> Dict[str, Any]:
        """The snapshot form (``name`` without the leading '/')."""
        return {"id": self.id, "name": self.name, "image": self.image, "image_id": self.image_id,
                "state": self.state, "labels": dict(self.labels), "cpus": self.cpus, "memory": self.memory,
                "network_mode": self.network_mode, "ports": [p.as_dict() for p in self.ports],
                "exposed_ports": list(self.exposed_ports), "volumes_from": list(self.volumes_from),
                "links": list(self.links)}

    def get(self, field: str, default: Any = None) -> Any:
        """Dict-style read of a snapshot field, for filters written against container dicts."""
        if field == "cpus":
            return self.cpus
        if field == "ports":
            return [p.as_dict() for p in self.ports]
        if field in self.__slots__ and field != "cpus_n":
            value = getattr(self, field)
            return list(value) if value.__class__ is tuple else value
        return default

    def __getitem__(self, field: str) -> Any:
        value = self.get(field, _MISSING)
        if value is _MISSING:
            raise KeyError(field)
        return value

    def __repr__(self) -> str:
        return "Container(%r, %r)" % (self.name, self.id[:12])


def _fast_ports(ports: List[Any]) -> Optional[Tuple[PortBinding, ...]]:
    """Bindings already in the normal form, else None (the checked path decides). The normal form:
    dicts with str host_ip and protocol, host port an int (0: none, as the checked path reads it) or
    None, container port a str without '/' or a positive int (what ``_engine.reservations.port``
    writes; made the same text as the checked path makes it)."""
    out = []
    for entry in ports:
        if entry.__class__ is not dict:
            return None
        host_ip = entry.get("host_ip")
        host_port = entry.get("host_port")
        container_port = entry.get("container_port")
        protocol = entry.get("protocol")
        if container_port.__class__ is int and container_port > 0:
            container_port = str(container_port)
        elif container_port.__class__ is not str or "/" in container_port:
            return None
        if host_ip.__class__ is not str or protocol.__class__ is not str or not protocol:
            return None
        if host_port.__class__ is int and host_port > 0:
            out.append(PortBinding(host_ip, host_port, container_port, protocol.lower()))
        elif host_port is None or (host_port.__class__ is int and host_port == 0):
            out.append(PortBinding(host_ip, None, container_port, protocol.lower()))
        else:
            return None
    return tuple(out)


def _fast_exposed(exposed: List[Any]) -> Optional[Tuple[str, ...]]:
    memo = EXPOSED_MEMO
    keys = tuple(memo.get(p) if p.__class__ is str else None for p in exposed)
    return None if None in keys else keys


def _cpus_n(cpus: Any, node: str, container: "Container") -> int:
    if cpus.__class__ is int and cpus > 0:
        return cpus * NANO
    if not cpus and (cpus is None or (cpus.__class__ in _NUMBERS)):
        return 0
    millicpus(cpus, _legacy(node, container, "cpus"))  # raises the message of the CPU sum
    return round(cpus * NANO)


def _labels(labels: Any, node: str, what: str) -> Dict[str, str]:
    if not is_mapping(labels):
        raise _error("node %r: %s field 'labels' must be a mapping, got %s" % (node, what, describe(labels)))
    result = {}
    for key, value in labels.items():
        try:
            result[key] = label_text(value)
        except SchedulingError:
            raise _error("node %r: %s label %r must be a string, got %s" % (node, what, key, describe(value)))
    return result


def _strings(value: Any, node: str, what: str, field: str) -> Tuple[str, ...]:
    if not value:
        return ()
    if not all(v.__class__ is str or isinstance(v, str) for v in value):
        _field_error(node, what, field, "a list of strings", value)
    return tuple(value)


def _legacy(node: str, container: "Container", field: str) -> str:
    """How the CPU and memory sums named a container: by name, else by id."""
    return "node %r container %r %r" % (node, container.name or getattr(container, "id", ""), field)


def _field_error(node: str, what: str, field: str, expected: str, value: Any) -> None:
    raise _error("node %r: %s field %r must be %s, got %s" % (node, what, field, expected, describe(value)))


def _error(message: str) -> SchedulingError:
    return SchedulingError(message, kind=INVALID_NODES)
