# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live picture of the cluster: engines, their containers, and the indices requests need.

Kept in memory and rebuilt from nothing at start (no state of its own). Engines write into it
(``put_container``/``drop_container``/``replace_containers``) as they read and follow events;
requests read it: ``docker ps`` and ``info`` without touching an engine, name resolution through
indices (id, Swarm id, name), placement through ``scheduler_nodes`` (one node dict per validated
engine, updated in place, so a placement costs no per-request scan of the engines). Per-engine
counts of running and paused containers are kept as containers change (``info`` reads them), and
an engine read that brings a container back unchanged leaves its record alone (no re-typing).

Everything runs on one asyncio loop: methods without ``await`` are atomic with respect to each other.
"""

from __future__ import annotations

import bisect
import time
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import Reservation
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import container_dict, container_name
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement

SWARM_ID_LABEL = "com.docker.swarm.id"
SHORT_ID = 12
TOUCHED_MAX = 10000
TOUCHED_TTL = 300.0


class ContainerRecord:
    """One container as the picture knows it: the engine's list entry and the scheduler's view of it."""

    __slots__ = ("id", "engine", "summary", "reservation", "sched", "typed", "name", "swarm_id")

    def __init__(self, engine: Any, summary: Dict[str, Any], reservation: Reservation) -> None:
        self.id: str = summary.get("Id", "")
        self.engine = engine
        self.summary = summary
        self.reservation = reservation
        self.sched = container_dict(summary, reservation)
        self.typed: Any = None  # the scheduler's container, once the engine's node holds it
        self.name: str = container_name(summary.get("Names"))
        self.swarm_id: str = (summary.get("Labels") or {}).get(SWARM_ID_LABEL) or ""

    @property
    def running(self) -> bool:
        return self.summary.get("State") == "running"


class NoSuchContainer(Exception):
    """A container reference that names nothing, or several things."""


class Picture:
    """Engines by address and the cluster-wide container indices."""

    def __init__(self) -> None:
        self.engines: Dict[str, Any] = {}
        self.containers: Dict[str, ContainerRecord] = {}
        self.by_name: Dict[str, Set[str]] = {}
        self.by_swarm_id: Dict[str, str] = {}
        self.pending_names: Dict[str, str] = {}
        self._sorted_ids: Optional[List[str]] = None
        self._sorted_swarm_ids: Optional[List[str]] = None
        self._nodes: Optional[List[Any]] = None
        self._engine_of: Dict[int, Any] = {}
        # engine -> [running, paused]: what `info` shows, kept as containers change
        self._counts: Dict[Any, List[int]] = {}
        # engine -> (what its `info` block shows, the block, its JSON text): kept by info.py
        self.info_blocks: Dict[Any, Tuple[Any, ...]] = {}
        # every container's names and `/<node>/<name>`, one a line, with where each line starts and whose it is
        self._name_text: Optional[Tuple[str, List[int], List[str]]] = None
        # bumped whenever an engine comes, goes or changes state (caches of cluster facts compare it)
        self.generation = 0
        # container id -> when a request last changed it here; engine reads that began before that
        # moment are older than the picture for that container and must not overwrite it
        self.touched: Dict[str, float] = {}

    # --- engines -------------------------------------------------------------------------------
    def add_engine(self, engine: Any) -> None:
        self.engines[engine.addr] = engine
        self.membership_changed()

    def remove_engine(self, addr: str) -> Optional[Any]:
        engine = self.engines.pop(addr, None)
        if engine is not None:
            for container_id in list(engine.records):
                self.drop_container(container_id)
            self._counts.pop(engine, None)
            self.info_blocks.pop(engine, None)
            self.membership_changed()
        return engine

    def membership_changed(self) -> None:
        """An engine came, went or changed state: the scheduler's node list is rebuilt on next use."""
        self._nodes = None
        self.generation += 1

    def validated_engines(self) -> List[Any]:
        return [engine for engine in self.engines.values() if engine.health.validated]

    def engine_named(self, name: str) -> Optional[Any]:
        """An engine by name, id or address (validated engines first)."""
        for engine in self.engines.values():
            if name in (engine.name, engine.node_id, engine.addr):
                return engine
        return None

    # --- containers ----------------------------------------------------------------------------
    def mark(self, container_id: str) -> None:
        """A request just changed this container in the picture (reads begun earlier are stale for it)."""
        now = time.monotonic()
        self.touched[container_id] = now
        if len(self.touched) > TOUCHED_MAX:
            for key in [k for k, moment in self.touched.items() if now - moment > TOUCHED_TTL]:
                del self.touched[key]

    def stale(self, container_id: str, read_at: Optional[float]) -> bool:
        return read_at is not None and self.touched.get(container_id, -1.0) >= read_at

    def put_container(self, engine: Any, summary: Dict[str, Any], reservation: Reservation,
                      read_at: Optional[float] = None) -> Optional[ContainerRecord]:
        """Add or replace a container; ``read_at`` (monotonic time the engine read began) skips stale reads."""
        container_id = summary.get("Id", "")
        if self.stale(container_id, read_at):
            return self.containers.get(container_id)
        old = self.unchanged(engine, summary, reservation)
        if old is not None:
            return old  # a refresh that found nothing new: nothing to re-type or re-index
        old = self.containers.get(container_id)
        record = ContainerRecord(engine, summary, reservation)
        if old is None or old.engine is not engine or old.summary.get("Names") != summary.get("Names"):
            self._name_text = None
        if old is not None:
            self._unindex(old)
            self._count(old.engine, old.summary.get("State"), -1)
        elif self._sorted_ids is not None:
            bisect.insort(self._sorted_ids, record.id)
        self.containers[record.id] = record
        engine.records[record.id] = record
        self._index(record)
        self._count(engine, summary.get("State"), 1)
        record.typed = placement.put(engine.sched, record.sched)
        return record

    def unchanged(self, engine: Any, summary: Dict[str, Any], reservation: Reservation) -> Optional[ContainerRecord]:
        """The record of this container when an engine read finds it exactly as the picture holds it."""
        record = self.containers.get(summary.get("Id", ""))
        if record is not None and record.engine is engine and record.summary == summary and record.reservation == reservation:
            return record
        return None

    def _count(self, engine: Any, state: Any, sign: int) -> None:
        if state != "running" and state != "paused":
            return
        counts = self._counts.get(engine)
        if counts is None:
            counts = self._counts[engine] = [0, 0]
        counts[0 if state == "running" else 1] += sign

    def state_counts(self, engine: Any) -> Tuple[int, int, int]:
        """(containers, running, paused) of one engine, without a pass over its containers."""
        running, paused = self._counts.get(engine) or (0, 0)
        return len(engine.records), running, paused

    def set_state(self, record: ContainerRecord, state: str, status: Optional[str] = None) -> None:
        """What a successful start/pause/... certainly did, before the engine's own answer is read again."""
        record = self.containers.get(record.id, record)
        self.mark(record.id)
        summary = dict(record.summary, State=state)
        if status is None:
            text = str(summary.get("Status") or "")
            status = text + " (Paused)" if state == "paused" else text.replace(" (Paused)", "")
        summary["Status"] = status
        self._count(record.engine, record.summary.get("State"), -1)
        self._count(record.engine, state, 1)
        record.summary = summary

    def drop_container(self, container_id: str, read_at: Optional[float] = None) -> Optional[ContainerRecord]:
        if self.stale(container_id, read_at):
            return None
        record = self.containers.pop(container_id, None)
        if record is None:
            return None
        self._name_text = None
        self._unindex(record)
        self._discard_sorted(self._sorted_ids, container_id)
        record.engine.records.pop(container_id, None)
        self._count(record.engine, record.summary.get("State"), -1)
        placement.remove(record.engine.sched, container_id)
        return record

    def replace_containers(self, engine: Any, entries: List[Tuple[Dict[str, Any], Reservation]],
                           read_at: Optional[float] = None) -> None:
        """An engine's full container list: add, update, and drop what is gone (stale reads skipped per container)."""
        seen = set()
        for summary, reservation in entries:
            seen.add(summary.get("Id"))
            self.put_container(engine, summary, reservation, read_at)
        for container_id in [cid for cid in engine.records if cid not in seen]:
            self.drop_container(container_id, read_at)

    @staticmethod
    def _discard_sorted(keys: Optional[List[str]], key: str) -> None:
        """Keep a sorted key list current without sorting again (ids are looked up by prefix)."""
        if keys is None:
            return
        position = bisect.bisect_left(keys, key)
        if position < len(keys) and keys[position] == key:
            del keys[position]

    def _index(self, record: ContainerRecord) -> None:
        if record.name:
            self.by_name.setdefault(record.name, set()).add(record.id)
        if record.swarm_id:
            if record.swarm_id not in self.by_swarm_id and self._sorted_swarm_ids is not None:
                bisect.insort(self._sorted_swarm_ids, record.swarm_id)
            self.by_swarm_id[record.swarm_id] = record.id

    def _unindex(self, record: ContainerRecord) -> None:
        ids = self.by_name.get(record.name)
        if ids is not None:
            ids.discard(record.id)
            if not ids:
                del self.by_name[record.name]
        if record.swarm_id and self.by_swarm_id.get(record.swarm_id) == record.id:
            del self.by_swarm_id[record.swarm_id]
            self._discard_sorted(self._sorted_swarm_ids, record.swarm_id)

    # --- names ---------------------------------------------------------------------------------
    def name_owner(self, name: str) -> Optional[str]:
        """Who holds a container name cluster-wide: a container id, 'pending', or None."""
        name = name.lstrip("/")
        ids = self.by_name.get(name)
        if ids:
            return sorted(ids)[0]
        if name in self.pending_names:
            return "pending"
        return None

    def _prefixed(self, keys: List[str], prefix: str) -> List[str]:
        start = bisect.bisect_left(keys, prefix)
        found = []
        for key in keys[start:start + 2]:
            if key.startswith(prefix):
                found.append(key)
        return found

    def _ids(self) -> List[str]:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.containers)
        return self._sorted_ids

    def _swarm_ids(self) -> List[str]:
        if self._sorted_swarm_ids is None:
            self._sorted_swarm_ids = sorted(self.by_swarm_id)
        return self._sorted_swarm_ids

    def resolve(self, ref: str) -> ContainerRecord:
        """Classic's lookup order: id (full or 12), Swarm id, unique name (`name`, `/name`, `node/name`),
        unique prefix of ids and Swarm ids. Raises NoSuchContainer with Docker's wording."""
        if not ref:
            raise NoSuchContainer("No such container: ")
        record = self.containers.get(ref)
        if record is not None:
            return record
        if len(ref) == SHORT_ID:
            hits = self._prefixed(self._ids(), ref)
            if len(hits) == 1:
                return self.containers[hits[0]]
        container_id = self.by_swarm_id.get(ref)
        if container_id is None and len(ref) == SHORT_ID:
            hits = self._prefixed(self._swarm_ids(), ref)
            container_id = self.by_swarm_id[hits[0]] if len(hits) == 1 else None
        if container_id is not None and container_id in self.containers:
            return self.containers[container_id]
        named = self._by_name(ref)
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            raise NoSuchContainer("No such container: %s (the name is used on several nodes: %s; use node/name)" % (
                ref, ", ".join(sorted("%s/%s" % (r.engine.name, r.name) for r in named))))
        hits = self._prefixed(self._ids(), ref)
        swarm_hits = [self.by_swarm_id[key] for key in self._prefixed(self._swarm_ids(), ref)]
        candidates = set(hits) | set(swarm_hits)
        if len(candidates) == 1:
            return self.containers[candidates.pop()]
        raise NoSuchContainer("No such container: %s" % ref)

    def _by_name(self, ref: str) -> List[ContainerRecord]:
        wanted = ref[1:] if ref.startswith("/") else ref
        ids = self.by_name.get(wanted)
        if ids:
            return [self.containers[cid] for cid in ids]
        node, sep, name = wanted.partition("/")
        if sep and "/" not in name:
            return [self.containers[cid] for cid in self.by_name.get(name, ())
                    if node in (self.containers[cid].engine.name, self.containers[cid].engine.node_id)]
        return []

    def records(self) -> Iterator[ContainerRecord]:
        return iter(self.containers.values())

    def names_changed(self) -> None:
        """An engine was renamed: the `/<node>/<name>` forms change."""
        self._name_text = None

    def name_search(self, pattern: Any) -> Set[str]:
        """Ids of the containers one of whose names (or `/<node>/<name>`) ``pattern`` finds: one regex pass over
        all names, one a line, instead of a call per container. ``pattern`` must be compiled MULTILINE and unable
        to match a line break (then ``^``/``$`` act per name and no match spans two names)."""
        if self._name_text is None:
            lines: List[str] = []
            starts: List[int] = []
            ids: List[str] = []
            offset = 0
            for record in self.containers.values():
                for form in list(record.summary.get("Names") or ()) + ["/%s/%s" % (record.engine.name, record.name)]:
                    lines.append(form)
                    starts.append(offset)
                    ids.append(record.id)
                    offset += len(form) + 1
            self._name_text = ("\n".join(lines), starts, ids)
        text, starts, ids = self._name_text
        return {ids[bisect.bisect_right(starts, match.start()) - 1] for match in pattern.finditer(text)}

    # --- scheduler -----------------------------------------------------------------------------
    def scheduler_nodes(self) -> List[Any]:
        """The scheduler's Node of every validated engine (kept current in place; the list is cached)."""
        if self._nodes is None:
            validated = self.validated_engines()
            self._nodes = [engine.sched for engine in validated]
            self._engine_of = {id(engine.sched): engine for engine in validated}
        return self._nodes

    def engine_of(self, node: Any) -> Any:
        """The validated engine whose scheduler node ``node`` is (a placement's answer back to its engine)."""
        self.scheduler_nodes()
        return self._engine_of[id(node)]
