# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster snapshot: every engine read in parallel, one node dict each (docs/architecture.md).

Like classic Swarm the project keeps no state, so each run rebuilds the picture from the
engines. Engines are read by a bounded thread pool; each gets a wall-clock budget (``timeout``)
for all of its requests. An engine that fails or runs out of time becomes an Unhealthy node
with health 0 and its error text; the snapshot always returns one node per address, in order.
Containers whose reservation is not in their labels are inspected on a second bounded pool
(shared by all engines, so a busy engine cannot starve the others).
"""

from __future__ import annotations

import queue
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, MutableMapping, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import (
    connect,
    docker_host_url,
    engine_addr,
    negotiated_call,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.containers import inspect_container
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import explain
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import (
    Reservation,
    from_inspect,
    from_labels,
    is_recorded,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import (
    HEALTHY,
    container_dict,
    failed_node,
    image_dict,
    node_dict,
)

DEFAULT_WORKERS = 32
INLINE_INSPECTS = 4  # up to this many inspects per engine run on the engine's own thread
CHECK_EVERY = 0.05  # seconds between sweeps for engines over their budget
InspectCache = MutableMapping[str, Reservation]


class _Gather:
    """Reads one engine: info, containers (all states), images, and inspects where needed."""

    def __init__(self, options: ConnectionOptions, timeout: float, inspect_pool: ThreadPoolExecutor,
                 cache: Optional[InspectCache], info_only: bool = False) -> None:
        self.options = options
        self.timeout = timeout
        self.inspect_pool = inspect_pool
        self.cache = cache
        self.info_only = info_only

    def __call__(self, target: str) -> Dict[str, Any]:
        addr = engine_addr(target)
        try:
            client = connect(target, self.options, timeout=self.timeout, probe=True)
            try:
                return self._read(client, addr, docker_host_url(target))
            finally:
                client.close()
        except Exception as exc:  # one engine's failure must never fail the snapshot
            return failed_node(addr, docker_host_url(target), str(explain(exc, addr, self.options)))

    def _read(self, client: Any, addr: str, docker_host: str) -> Dict[str, Any]:
        info = negotiated_call(client, client.info)
        if not info.get("NCPU") or not info.get("MemTotal"):
            return failed_node(addr, docker_host, "Engine %s reports no CPUs or memory: make sure it is a Docker Engine, "
                                                  "not a Swarm manager." % addr)
        if self.info_only:  # what `docker info` tells: enough for an inventory, not for placement
            return node_dict(addr, docker_host, info, [], [])
        summaries = client.containers(all=True)
        images = [image_dict(image) for image in client.images()]
        reservations = self._reservations(client, summaries, int(info.get("NCPU") or 0))
        containers = [container_dict(summary, reservations[summary["Id"]])
                      for summary in summaries if summary.get("Id") in reservations]
        return node_dict(addr, docker_host, info, containers, images)

    def _reservations(self, client: Any, summaries: List[Dict[str, Any]], engine_cpus: int) -> Dict[str, Reservation]:
        found: Dict[str, Reservation] = {}
        unknown: List[str] = []
        for summary in summaries:
            container_id = summary.get("Id", "")
            labels = summary.get("Labels") or {}
            if is_recorded(labels):
                found[container_id] = from_labels(labels)
            elif self.cache is not None and container_id in self.cache:
                found[container_id] = self.cache[container_id]
            else:
                unknown.append(container_id)
        # A few inspects cost less on this thread than handed to the pool; many go out in parallel.
        if len(unknown) <= INLINE_INSPECTS:
            inspected = [inspect_container(client, container_id) for container_id in unknown]
        else:
            inspected = [future.result() for future in
                         [self.inspect_pool.submit(inspect_container, client, container_id) for container_id in unknown]]
        for container_id, inspect in zip(unknown, inspected):
            if inspect is None:
                continue  # removed between list and inspect: it no longer reserves anything
            found[container_id] = from_inspect(inspect, engine_cpus)
            if self.cache is not None:
                self.cache[container_id] = found[container_id]
        return found


def _same_engine(one: Dict[str, Any], other: Dict[str, Any]) -> bool:
    """Two answers come from one engine when name and container ids match, not just the engine ID."""
    def ids(node: Dict[str, Any]) -> List[str]:
        return sorted(container["id"] for container in node["containers"])

    return one["name"] == other["name"] and ids(one) == ids(other)


def _resolve_duplicate_ids(nodes: List[Dict[str, Any]]) -> None:
    """Give every node a distinct id.

    One engine reached under two addresses would be counted twice: the later one is marked
    Unhealthy (classic Swarm's "ID duplicated"). Distinct engines that share an ID (a daemon key
    cloned with a VM image, or dockerd 20.10 engines sharing /etc/docker/key.json) stay usable:
    their id becomes `<ID>@<addr>` and ``id_conflict`` says why.
    """
    first: Dict[str, Dict[str, Any]] = {}
    for index, node in enumerate(nodes):
        if node["status"] != HEALTHY:
            continue
        seen = first.get(node["id"])
        if seen is None:
            first[node["id"]] = node
        elif _same_engine(seen, node):
            nodes[index] = failed_node(node["addr"], node["docker_host"],
                                       "Engine %s is the same engine as %s (same ID, name and containers): it is "
                                       "listed twice in discovery; remove one address." % (node["addr"], seen["addr"]),
                                       known=node)
        else:
            note = "engine ID %s is shared with another engine (cloned daemon key); using addr to tell them apart" % node["id"]
            for clash in (seen, node):
                if "@" not in clash["id"]:
                    clash["id_conflict"] = note
                    clash["id"] = "%s@%s" % (clash["id"], clash["addr"])


def snapshot(targets: Sequence[str], options: ConnectionOptions, max_workers: int = DEFAULT_WORKERS,
             timeout: Optional[float] = None, inspect_workers: Optional[int] = None,
             cache: Optional[InspectCache] = None, info_only: bool = False) -> List[Dict[str, Any]]:
    """Read every engine in parallel and return their node dicts, one per distinct address, in order.

    ``targets``: `host:port` or `tcp://host:port` (or unix://). ``timeout``: seconds each engine
    may take in all (default ``options.timeout``). ``cache``: a dict reused across snapshots
    of one run so containers of other tools are inspected once. ``info_only``: read only each
    engine's ``/info`` (labels, resources, health, ``containers_total``) and leave the container and
    image lists empty; one request per engine instead of three or more, for the inventory.
    """
    unique: List[str] = []
    seen = set()
    for target in targets:
        if engine_addr(target) not in seen:
            seen.add(engine_addr(target))
            unique.append(target)
    if not unique:
        return []
    budget = float(timeout if timeout is not None else options.timeout)
    workers = max(1, min(max_workers, len(unique)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="snapshot")
    inspect_pool = ThreadPoolExecutor(max_workers=max(1, inspect_workers or workers), thread_name_prefix="inspect")
    gather = _Gather(options, budget, inspect_pool, cache, info_only)
    finished: "queue.Queue[Tuple[int, Dict[str, Any]]]" = queue.Queue()
    started: Dict[int, float] = {}

    def run(index: int, target: str) -> None:
        started[index] = time.monotonic()
        finished.put((index, gather(target)))

    for index, target in enumerate(unique):
        pool.submit(run, index, target)
    results: List[Optional[Dict[str, Any]]] = [None] * len(unique)
    remaining = set(range(len(unique)))
    next_check = time.monotonic() + CHECK_EVERY
    abandoned = False
    try:
        while remaining:
            try:
                index, node = finished.get(timeout=max(0.0, next_check - time.monotonic()))
                if index in remaining:
                    results[index] = node
                    remaining.discard(index)
            except queue.Empty:
                pass
            now = time.monotonic()
            if now >= next_check:  # a sweep for engines over budget, a few times a second
                next_check = now + CHECK_EVERY
                for index in [i for i in remaining if i in started and now - started[i] >= budget]:
                    abandoned = True
                    remaining.discard(index)
                    addr = engine_addr(unique[index])
                    results[index] = failed_node(addr, docker_host_url(unique[index]),
                                                 "Engine %s: no complete answer within %ss (timeout)." % (addr, budget))
    finally:
        # Idle workers are joined (so threads never pile up across snapshots); workers stuck on an
        # engine that ran out of time are left to finish on their socket timeout.
        late = abandoned or bool(remaining)
        _shutdown(pool, wait=not late)
        _shutdown(inspect_pool, wait=not late)
    nodes = [node for node in results if node is not None]
    _resolve_duplicate_ids(nodes)
    return nodes


def _shutdown(pool: ThreadPoolExecutor, wait: bool) -> None:
    try:
        pool.shutdown(wait=wait, cancel_futures=True)
    except TypeError:  # Python 3.8 has no cancel_futures
        pool.shutdown(wait=wait)
