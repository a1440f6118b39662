# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One Docker engine as the scheduler sees it, with its aggregates kept up to date in place.

A long-running manager keeps a Node per engine and changes it as engine events arrive
(``add_container``, ``remove_container``, ``replace_container``, ``set_health``...); each
change updates the reserved CPUs and memory, the index of bound host ports, the host-mode
exposed ports and the names and ids that affinities and dependencies look up, so a
placement reads them in constant time and never validates anything again.

``Node.from_dict(raw, lazy=True)`` is what ``schedule()`` uses for a snapshot of dicts: the
containers are parsed only when a check needs more than a cheap look at the raw dicts
(a name search, a host-port test, the resource sums), so nodes that the first checks
remove never cost a per-container parse.
"""
from __future__ import annotations

import functools
import operator
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from .container import MICRO, Container
from .errors import INVALID_NODES, SchedulingError, describe
from .ports import PortBinding
from .validation import is_mapping, label_text, whole_number

SWARM_ID_LABEL = "com.docker.swarm.id"
SHORT_ID = 12
HOST_MODE = "host"
_SEP = "\0"
_NAME = operator.itemgetter("name")
_ID = operator.itemgetter("id")
_EMPTY: Tuple[Any, ...] = ()
_UNSET = object()
_DEFERRED = frozenset(("name", "addr", "cpus", "memory"))
_INFINITY = float("inf")
_IS_STR = str.__instancecheck__


class Node:
    """An engine: ``id``, ``name``, ``addr``, ``labels`` (str -> str), ``cpus`` (whole CPUs),
    ``memory`` (bytes), ``health`` (0..100), ``containers`` (Container list, read-only: change it
    with the methods), ``images`` (list of ``{id, tags}``), ``raw`` (the dict it came from, or None).
    """

    __slots__ = ("id", "name", "addr", "labels", "cpus", "memory", "health", "raw", "_index",
                 "_containers", "_loose", "_loose_usage", "_images", "_image_names",
                 "_cpus_n", "_memory", "_ports", "_host_exposed", "_keys", "_keys_text")

    def __init__(self, id: Any, name: Optional[str] = None, addr: str = "",  # pylint: disable=redefined-builtin
                 labels: Optional[Mapping[str, str]] = None, cpus: int = 0, memory: int = 0,
                 health: Union[int, float] = 100, containers: Iterable[Any] = (),
                 images: Iterable[Mapping[str, Any]] = ()) -> None:
        if is_mapping(id):
            # Node(snapshot_dict) from before the typed model: same as Node.from_dict(..., lazy=True).
            _adopt(self, Node.from_dict(id, lazy=True))
            return
        self.id = id
        self.name = name or id
        self.addr = addr
        self.labels: Dict[str, str] = dict(labels or {})
        self.cpus = cpus
        self.memory = memory
        self.health = health
        self.raw: Optional[Mapping[str, Any]] = None
        self._index = 0
        self._images: Optional[List[Mapping[str, Any]]] = list(images)
        self._image_names: Optional[Tuple[str, ...]] = None
        self._loose: Optional[List[Any]] = None
        self._loose_usage: Optional[Tuple[int, int]] = None
        self._clear()
        for i, container in enumerate(containers):
            self.add_container(container if isinstance(container, Container)
                               else Container.from_dict(container, self.name, i))

    # -- building from the snapshot shape ---------------------------------------------------

    @classmethod
    def from_dict(cls, raw: Any, index: int = 0, lazy: bool = False) -> "Node":
        """Validate a node of the snapshot shape. ``index`` is its position (for messages);
        ``lazy`` (what schedule() uses) leaves the containers unparsed until a check needs them and
        keeps the snapshot's label mapping as it is (values that are not text are compared as text)."""
        if raw.__class__ is dict:  # the usual shape, with exact types: one straight pass
            get = raw.get
            node_id = get("id")
            labels = get("labels")
            health = get("health")
            containers = get("containers")
            if (node_id.__class__ is str and node_id and labels.__class__ is dict and health.__class__ is int
                    and 0 <= health <= 100 and containers.__class__ is list
                    and (lazy or all(map(_IS_STR, labels.values())))):
                self = cls.__new__(cls)
                self.id = node_id
                self.raw = raw
                self._index = index
                self.labels = labels if lazy else dict(labels)
                self.health = health
                if not lazy:
                    self._read_scalars()
                # else name, addr, cpus and memory are read (and checked) on first use: __getattr__
            else:
                self = cls._checked(raw, index, lazy)
                containers = get("containers") or []
        else:
            self = cls._checked(raw, index, lazy)
            containers = raw.get("containers") or []
        self._images = None  # read and checked on first use
        self._image_names = None
        self._loose_usage = None
        self._loose = containers  # the aggregates are made by _load()
        if not lazy:
            self._load()
            self.images  # pylint: disable=pointless-statement  # checked now, at the boundary
        return self

    @classmethod
    def _checked(cls, raw: Any, index: int, lazy: bool) -> "Node":
        """The scalar fields of any mapping, each checked with a message naming it."""
        if raw.__class__ is not dict and not is_mapping(raw):
            raise _node_error(index, None, "must be a mapping, got %s" % describe(raw))
        get = raw.get
        node_id = get("id")
        if not isinstance(node_id, str) or not node_id:
            raise _node_error(index, None, "'id' must be a non-empty string, got %s" % describe(node_id))
        self = cls.__new__(cls)
        self.id = node_id
        self.raw = raw
        self._index = index
        self.labels = _node_labels(get("labels"), index, node_id, copy=not lazy)
        if not lazy:
            self._read_scalars()
        health = get("health")
        if health is None:
            health = 100
        elif isinstance(health, bool) or not isinstance(health, (int, float)) or not 0 <= health <= 100:
            raise _node_error(index, node_id, "'health' must be a number 0..100, got %s" % describe(health))
        self.health = health
        containers = get("containers")
        if containers is not None and not isinstance(containers, list):
            raise _node_error(index, node_id, "'containers' must be a list, got %s" % describe(containers))
        return self

    def _read_scalars(self) -> None:
        """name, addr, cpus and memory from the snapshot dict, checked."""
        get = self.raw.get
        index = self._index
        node_id = self.id
        name = get("name")
        if name is not None and not isinstance(name, str):
            raise _node_error(index, node_id, "'name' must be a string, got %s" % describe(name))
        self.name = name or node_id
        addr = get("addr")
        self.addr = addr if addr.__class__ is str else _optional_text(addr, index, node_id, "addr")
        self.cpus = _whole(get("cpus"), index, node_id, "cpus")
        self.memory = _whole(get("memory"), index, node_id, "memory")

    def __getattr__(self, attribute: str) -> Any:
        """Only called for a slot not set yet: the scalars a lazy node reads on first use."""
        if attribute in _DEFERRED:
            try:
                object.__getattribute__(self, "raw")
            except AttributeError:
                raise AttributeError(attribute)
            self._read_scalars()
            return object.__getattribute__(self, attribute)
        raise AttributeError(attribute)

    def _load(self) -> None:
        """Parse the raw containers (once) and build the aggregates."""
        raw = self._loose
        if raw is None:
            return
        parsed = [Container.from_dict(c, self.name, i) for i, c in enumerate(raw)]
        self._clear()
        for container in parsed:
            self._count(container)
        self._containers = parsed

    # -- reading --------------------------------------------------------------------------

    @property
    def containers(self) -> List[Container]:
        """Every container on the node (running, stopped, created and pending)."""
        if self._loose is not None:
            self._load()
        return self._containers

    @property
    def container_count(self) -> int:
        loose = self._loose
        return len(loose) if loose is not None else len(self._containers)

    @property
    def images(self) -> List[Mapping[str, Any]]:
        """The engine's images as ``{id, tags}`` mappings."""
        if self._images is None:
            images = self.raw.get("images") if self.raw is not None else None
            images = images or []
            if not isinstance(images, list) or not all(is_mapping(i) for i in images):
                raise self.error("'images' must be a list of mappings")
            self._images = images
        return self._images

    def image_names(self) -> Tuple[str, ...]:
        """Image ids, every repo:tag and its repository (what ``image==`` affinities match)."""
        if self._image_names is None:
            names: List[str] = []
            for image in self.images:
                image_id = image.get("id")
                if image_id:
                    names.append(image_id)
                for tag in image.get("tags") or ():
                    names.append(tag)
                    names.append(repository(tag))
            self._image_names = tuple(names)
        return self._image_names

    def label(self, key: str) -> str:
        """Engine label value, '' when absent (classic)."""
        value = self.labels.get(key, "")
        return value if value.__class__ is str else label_text(value)

    def usage(self) -> Tuple[int, int]:
        """(reserved milli-CPUs, reserved memory bytes) over all containers."""
        if self._loose is not None:
            usage = self._loose_usage
            if usage is None:
                usage = self._loose_usage = self._raw_usage()
            return usage
        return round(self._cpus_n / MICRO), self._memory

    def find_container(self, ref: str) -> Optional[Container]:
        """Resolve a container reference on this node like classic ``Containers.Get``: full or
        12-char id, Swarm id, name (also /name and <node>/name), then a unique id prefix."""
        if not ref:
            return None
        containers = self.containers
        short = ref if len(ref) == SHORT_ID else None
        for c in containers:  # 1. full or 12-char ID
            if ref == c.id or (short is not None and c.id[:SHORT_ID] == short):
                return c
        for c in containers:  # 2. Swarm ID (full or 12-char)
            sid = c.labels.get(SWARM_ID_LABEL)
            if sid and (ref == sid or (short is not None and sid[:SHORT_ID] == short)):
                return c
        wanted = ref[1:] if ref.startswith("/") else ref
        for prefix in (self.id + "/", self.name + "/"):
            if wanted.startswith(prefix):
                wanted = wanted[len(prefix):]
                break
        named = [c for c in containers if c.name == wanted]
        if named:  # 3. unique name
            return named[0] if len(named) == 1 else None
        prefixed = [c for c in containers  # 4. unique ID / Swarm ID prefix
                    if c.id.startswith(ref) or c.labels.get(SWARM_ID_LABEL, "").startswith(ref)]
        return prefixed[0] if len(prefixed) == 1 else None

    def has_named_container(self, key: str) -> bool:
        """A container with a name is called ``key`` or has it as full or 12-character id."""
        if self._loose is not None:
            short = len(key) == SHORT_ID
            if not self._raw_may_hold(key, False):
                return False
            found = self._raw_named(lambda name, cid: name == key or cid == key or (short and cid[:SHORT_ID] == key))
            if found is not None:
                return found
            self._load()
        return key in self._keys

    def has_named_container_prefix(self, prefix: str) -> bool:
        """A container with a name has a name or id that starts with ``prefix``."""
        if self._loose is not None:
            if not self._raw_may_hold(prefix, True):
                return False
            found = self._raw_named(lambda name, cid: name.startswith(prefix) or cid.startswith(prefix))
            if found is not None:
                return found
            self._load()
        text = self._keys_text
        if text is None:
            text = self._keys_text = _SEP + _SEP.join(self._keys) + _SEP
        if _SEP + prefix not in text:
            return False
        return any(key.startswith(prefix) for key in self._keys)

    def named_containers(self) -> Iterator[Container]:
        """Containers that have a name (classic affinities skip the others)."""
        return (c for c in self.containers if c.name)

    def port_holder(self, wanted: PortBinding) -> Optional[Container]:
        """A container whose published port conflicts with ``wanted`` (bridge mode), or None."""
        port = wanted.host_port
        if self._loose is not None:
            found = self._raw_port_holder(wanted)
            if found is not _UNSET:
                return found
            self._load()
        for binding, container in self._ports.get(port, _EMPTY):
            if wanted.conflicts(binding):
                return container
        return None

    def host_port_holder(self, key: str) -> Optional[Container]:
        """A host-mode container that exposes ``key`` ('80/tcp'), or None."""
        if self._loose is not None:
            found = self._raw_host_holder(key)
            if found is not _UNSET:
                return found
            self._load()
        holders = self._host_exposed.get(key)
        return holders[0] if holders else None

    # -- changing -------------------------------------------------------------------------

    def add_container(self, container: Container) -> None:
        """Add a container (a new one, or a pending reservation from ``Container.pending``)."""
        if self._loose is not None:
            self._load()
        self._containers.append(container)
        self._count(container)

    def remove_container(self, ref: Union[str, Container]) -> Optional[Container]:
        """Remove a container given as the object or its id (the first one with that id); returns
        it, or None when the node does not hold it."""
        containers = self.containers
        position = _position(containers, ref)
        if position is None:
            return None
        container = containers.pop(position)
        self._count(container, -1)
        return container

    def replace_container(self, container: Container) -> Optional[Container]:
        """Put ``container`` in place of the one with the same id (new state, labels...); adds it
        when there is none. Returns the container replaced, or None."""
        containers = self.containers
        position = _position(containers, container.id)
        if position is None:
            self.add_container(container)
            return None
        old = containers[position]
        self._count(old, -1)
        containers[position] = container
        self._count(container)
        return old

    def set_health(self, health: Union[int, float]) -> None:
        """Change the health indicator (0 = unreachable, 100 = healthy)."""
        if isinstance(health, bool) or not isinstance(health, (int, float)) or not 0 <= health <= 100:
            raise self.error("'health' must be a number 0..100, got %s" % describe(health))
        self.health = health

    def set_images(self, images: Iterable[Mapping[str, Any]]) -> None:
        """Replace the image list (``[{id, tags: [repo:tag]}]``)."""
        images = list(images)
        if not all(is_mapping(i) for i in images):
            raise self.error("'images' must be a list of mappings")
        self._images = images
        self._image_names = None

    def set_labels(self, labels: Mapping[str, Any]) -> None:
        """Replace the engine labels (values are compared as text)."""
        self.labels = _node_labels(labels, self._index, self.id)

    def copy(self) -> "Node":
        """An independent node with the same data (containers are shared: they are values)."""
        other = Node.__new__(Node)
        _adopt(other, self)
        other.labels = dict(self.labels)
        other._images = list(self._images) if self._images is not None else None
        other._clear()
        if self._loose is not None:
            other._loose = self._loose
        else:
            for container in self._containers:
                other._containers.append(container)
                other._count(container)
        return other

    def error(self, problem: str) -> SchedulingError:
        return SchedulingError("node %r: %s" % (self.name, problem), kind=INVALID_NODES)

    def __repr__(self) -> str:
        return "Node(%r)" % self.name

    # -- aggregates -----------------------------------------------------------------------

    def _clear(self) -> None:
        self._containers: List[Container] = []
        self._loose = None
        self._loose_usage = None
        self._cpus_n = 0
        self._memory = 0
        self._ports: Dict[Optional[int], List[Tuple[PortBinding, Container]]] = {}
        self._host_exposed: Dict[str, List[Container]] = {}
        self._keys: Dict[str, int] = {}
        self._keys_text: Optional[str] = None

    def _count(self, c: Container, sign: int = 1) -> None:
        """Add (sign 1) or take away (sign -1) one container's share of every aggregate."""
        self._cpus_n += sign * c.cpus_n
        self._memory += sign * c.memory
        for binding in c.ports:
            if binding.host_port is not None:
                _index_change(self._ports, binding.host_port, (binding, c), sign)
        if c.network_mode == HOST_MODE:
            for key in c.host_exposed():
                _index_change(self._host_exposed, key, c, sign)
        if c.name:
            keys = self._keys
            cid = c.id
            for key in (c.name, cid, cid[:SHORT_ID] if len(cid) > SHORT_ID else ""):
                if key:
                    count = keys.get(key, 0) + sign
                    if count > 0:
                        keys[key] = count
                    else:
                        keys.pop(key, None)
            self._keys_text = None

    # -- cheap looks at unparsed containers (they can only err towards "maybe") -------------

    def _raw_may_hold(self, key: str, prefix: bool) -> bool:
        """Could a named container be called ``key`` (or start with it, for a prefix) or have it as
        (the start of) its id? Substring searches in the joined names and ids; a literal that is
        not 12 characters long is compared with the ids, which reads no more than their length."""
        containers = self._loose
        name_needle, slash_needle, id_needle = _needles(key, prefix)
        try:
            names = _SEP + _SEP.join(map(_NAME, containers)) + _SEP
            if name_needle in names or slash_needle in names:
                return True
            if id_needle is None:
                return key in list(map(_ID, containers))  # str == compares lengths first
            ids = _SEP + _SEP.join(map(_ID, containers))
        except (KeyError, TypeError):  # a missing or non-string name or id: look closer
            return True
        return id_needle in ids

    def _raw_named(self, test: Any) -> Optional[bool]:
        """``test(name, id)`` over the raw containers that have a name (None: the shapes are not
        plain, so the caller parses the node instead)."""
        try:
            for c in self._loose:
                name = c.get("name")
                if not name:
                    if name is None or name.__class__ is str:
                        continue
                    return None
                cid = c.get("id") or ""
                if name.__class__ is not str or cid.__class__ is not str:
                    return None
                if name[0] == "/":
                    name = name[1:]
                if name and test(name, cid):
                    return True
        except AttributeError:
            return None
        return False

    def _raw_port_holder(self, wanted: PortBinding) -> Any:
        """port_holder on the raw containers: a container whose raw bindings name the port is parsed
        (and so checked) and judged; None when none holds it; _UNSET when the shapes are not plain
        dicts (the caller parses the whole node instead)."""
        port = wanted.host_port
        try:
            for raw in self._loose:
                for binding in raw.get("ports") or _EMPTY:
                    host_port = binding.get("host_port")
                    if host_port == port or (host_port and host_port.__class__ is not int):  # '80', ' 80', odd
                        container = Container.from_dict(raw, self.name, _index_of(self._loose, raw))
                        if any(wanted.conflicts(b) for b in container.ports):
                            return container
                        break
        except AttributeError:
            return _UNSET
        return None

    def _raw_host_holder(self, key: str) -> Any:
        """host_port_holder on the raw containers: only host-mode containers are parsed."""
        try:
            for raw in self._loose:
                if raw.get("network_mode") == HOST_MODE:
                    container = Container.from_dict(raw, self.name, _index_of(self._loose, raw))
                    if key in container.host_exposed():
                        return container
        except AttributeError:
            return _UNSET
        return None

    def _raw_usage(self) -> Tuple[int, int]:
        """The resource sums read straight from the raw containers (the fields are checked on the
        way; anything unusual is left to the full parse, which names the problem). The CPU sum is
        rounded to thousandths once, as the billionths summed by parsed nodes are."""
        cpus = 0.0
        memory = 0
        try:
            for c in self._loose:
                reserved = c.get("cpus")
                if reserved:
                    if (reserved.__class__ is float or reserved.__class__ is int) and reserved > 0:
                        cpus += reserved
                    else:
                        raise TypeError
                used = c.get("memory")
                if used:
                    if used.__class__ is int and used > 0:
                        memory += used
                    else:
                        raise TypeError
            if cpus >= _INFINITY:
                raise TypeError
        except (AttributeError, TypeError):
            self._load()
            return self.usage()
        return round(cpus * 1000), memory


@functools.lru_cache(maxsize=256)
def _needles(key: str, prefix: bool) -> Tuple[str, str, Optional[str]]:
    """Search strings for a key in '\\0'-joined names and ids: name, '/name', id (None: compare ids whole)."""
    end = "" if prefix else _SEP
    id_needle = _SEP + key if prefix or len(key) == SHORT_ID else None
    return _SEP + key + end, _SEP + "/" + key + end, id_needle


def repository(reference: str) -> str:
    """'redis:7' -> 'redis', 'localhost:5000/app' -> 'localhost:5000/app', 'a@sha256:..' -> 'a'."""
    if "@" in reference:
        return reference.split("@", 1)[0]
    repo, sep, tag = reference.rpartition(":")
    return repo if sep and "/" not in tag else reference


def _index_of(items: List[Any], item: Any) -> int:
    """Position of ``item`` (by identity) for messages."""
    return next(i for i, candidate in enumerate(items) if candidate is item)


def _adopt(target: Node, source: Node) -> None:
    for slot in Node.__slots__:
        value = getattr(source, slot, _UNSET)
        if value is not _UNSET:
            setattr(target, slot, value)


def _position(containers: List[Container], ref: Union[str, Container]) -> Optional[int]:
    if isinstance(ref, Container):
        for i, c in enumerate(containers):
            if c is ref:
                return i
        return None
    for i, c in enumerate(containers):
        if c.id == ref:
            return i
    return None


def _index_change(index: Dict[Any, List[Any]], key: Any, value: Any, sign: int) -> None:
    if sign > 0:
        index.setdefault(key, []).append(value)
        return
    entries = index.get(key)
    if not entries:
        return
    for i, entry in enumerate(entries):
        if entry is value or (isinstance(entry, tuple) and entry[1] is value[1] and entry[0] == value[0]):
            del entries[i]
            break
    if not entries:
        del index[key]


def _node_labels(labels: Any, index: int, node_id: str, copy: bool = True) -> Dict[str, str]:
    if labels is None:
        return {}
    if labels.__class__ is dict:
        for value in labels.values():
            if value.__class__ is not str:
                break
        else:
            return dict(labels) if copy else labels
    elif not is_mapping(labels):
        raise _node_error(index, node_id, "'labels' must be a mapping, got %s" % describe(labels))
    result = {}
    for key, value in labels.items():
        try:
            result[key] = label_text(value)
        except SchedulingError:
            raise _node_error(index, node_id, "label %r must be a string, got %s" % (key, describe(value)))
    return result


def _whole(value: Any, index: int, node_id: str, field: str) -> int:
    if value.__class__ is int and value >= 0:
        return value
    try:
        return whole_number(value, repr(field))
    except SchedulingError as exc:
        raise _node_error(index, node_id, str(exc))


def _optional_text(value: Any, index: int, node_id: str, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _node_error(index, node_id, "%r must be a string, got %s" % (field, describe(value)))
    return value


def _node_error(index: int, node_id: Optional[str], problem: str) -> SchedulingError:
    where = "node %d" % index if node_id is None else "node %d (id %r)" % (index, node_id)
    return SchedulingError("%s: %s" % (where, problem), kind=INVALID_NODES)
