# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduler benchmark: placements over 100, 1,000 and 10,000 nodes x 30 containers, and replica planning.

(a) schedule() from snapshot dicts, next to a plain Python pass that reads each container once;
(b) place() on a prebuilt Node model (a long-running manager's case);
(c) N replicas planned one after the other, each adding a pending reservation (N = 100, 1,000, 5,000).
With ``--before REV`` the scheduler package at git revision REV is extracted into a temporary
directory and measured in the same run, call by call in turn with the current one (for (c), with
the front end's way at that time: a new snapshot list with the chosen node's dict copied).
Prints markdown tables.

    python benchmarks/bench_scheduler.py [--quick] [--before REV]
"""
from __future__ import annotations

import argparse
import atexit
import gc
import importlib.util
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
sys.path.insert(0, os.path.join(ROOT, ".venv", "collections"))

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (  # noqa: E402
    Container, Node, Request, place, schedule)

SCHEDULER_PATH = "plugins/module_utils/_scheduler"

CONTAINERS_PER_NODE = 30
ZONES = ("external", "internal", "backend", "dmz")
DISKS = ("ssd", "hdd")
SERVICES = ["svc%02d" % i for i in range(40)]
GIB = 1 << 30
MIB = 1 << 20
TARGETS = 5  # nodes holding an edge_webserver replica, whatever the cluster size

REALISTIC = {
    "name": "web",
    "image": "registry.local/web:2.1",
    "constraints": ["zone==external", "disk==ssd"],
    "affinities": ["container==edge_webserver*"],
    "ports": [{"host_ip": "", "host_port": 8443, "container_port": "443", "protocol": "tcp"}],
    "cpus": 1,
    "memory": 512 * MIB,
}
# Same shape, but the constraints hold on every node: every per-container scan sees all nodes.
WORST = dict(REALISTIC, constraints=["ostype==linux", "storagedriver==overlay2"])
# The realistic request without its container affinity: what the rest of the chain costs.
NO_AFFINITY = {key: value for key, value in REALISTIC.items() if key != "affinities"}
REQUESTS = (("realistic", REALISTIC), ("worst", WORST), ("no-affinity", NO_AFFINITY))
LABELS = {"realistic": "realistic", "worst": "worst case (constraints prune nothing)",
          "no-affinity": "realistic without the container affinity"}


def _hex(rng: random.Random, bits: int = 256) -> str:
    return "%0*x" % (bits // 4, rng.getrandbits(bits))


def build_cluster(size: int, seed: int = 42) -> List[Dict[str, Any]]:
    """A deterministic synthetic snapshot in the shape of docs/architecture.md."""
    rng = random.Random(seed)
    targets = {size * k // TARGETS + 1 for k in range(TARGETS)}
    nodes = []
    for i in range(size):
        containers = []
        for j in range(CONTAINERS_PER_NODE):
            service = rng.choice(SERVICES)
            host_mode = rng.random() < 0.02
            ports = []
            if not host_mode and rng.random() < 0.4:  # 1 in 100 of these holds 8443 (the request's port)
                host_port = 8443 if rng.random() < 0.01 else 9000 + j
                ports.append({"host_ip": "0.0.0.0", "host_port": host_port,
                              "container_port": "80", "protocol": "tcp"})
            containers.append({
                "id": _hex(rng),
                "name": "%s-%d-%d" % (service, i, j),
                "image": "registry.local/%s:1.%d" % (service, j % 5),
                "image_id": "sha256:" + _hex(rng),
                "state": rng.choice(("running",) * 17 + ("exited", "exited", "created")),
                "labels": {"com.example.service": service, "com.docker.swarm.id": _hex(rng)},
                "cpus": rng.choice((0, 0.1, 0.25, 0.25, 0.5)),
                "memory": rng.choice((64, 128, 256, 512)) * MIB,
                "network_mode": "host" if host_mode else "bridge",
                "ports": ports,
                "exposed_ports": ["80/tcp"],
                "volumes_from": [],
                "links": [],
            })
        if i in targets:
            containers[0]["name"] = "edge_webserver-%d" % i
        labels = {
            "zone": "external" if i in targets else rng.choice(ZONES),
            "disk": "ssd" if i in targets else rng.choice(DISKS),
            "storagedriver": "overlay2",
            "kernelversion": "6.1.0-13-amd64",
            "operatingsystem": "Debian GNU/Linux 12 (bookworm)",
            "ostype": "linux",
        }
        if rng.random() < 0.05:
            labels["containerslots"] = "40"
        nodes.append({
            "id": "%s|10.%d.%d.%d:2376" % (_hex(rng, 128).upper(), i // 65536, (i // 256) % 256, i % 256),
            "name": "node-%d" % i,
            "addr": "10.0.0.%d:2376" % (i % 256),
            "labels": labels,
            "cpus": 16,
            "memory": 64 * GIB,
            "health": 100 if rng.random() > 0.03 else rng.choice((0, 67)),
            "containers": containers,
            "images": [{"id": "sha256:" + _hex(rng), "tags": ["registry.local/%s:1.%d" % (s, k)]}
                       for k, s in enumerate(SERVICES[:20])],
        })
    return nodes


def plain_pass(nodes: List[Dict[str, Any]]) -> Any:
    """The yardstick: read every container of the snapshot once."""
    x = None
    for n in nodes:
        for c in n["containers"]:
            x = c["name"]
    return x


def load_before(revision: str) -> Any:
    """The scheduler package at ``revision`` (git archive into a temporary directory), imported
    as a separate top-level package: its modules import each other relatively."""
    target = tempfile.mkdtemp(prefix="sched-before-")
    atexit.register(shutil.rmtree, target, True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", revision, SCHEDULER_PATH],
                             check=True, stdout=subprocess.PIPE).stdout
    archive_path = os.path.join(target, "before.tar")
    with open(archive_path, "wb") as handle:
        handle.write(archive)
    with tarfile.open(archive_path) as tar:
        tar.extractall(target)  # our own repository's files
    package = os.path.join(target, SCHEDULER_PATH)
    spec = importlib.util.spec_from_file_location("sched_before", os.path.join(package, "__init__.py"),
                                                  submodule_search_locations=[package])
    module = importlib.util.module_from_spec(spec)
    sys.modules["sched_before"] = module
    spec.loader.exec_module(module)
    return module


def measure_interleaved(functions: Dict[str, Callable[[], Any]], repeat: int) -> Dict[str, List[float]]:
    """Milliseconds per call; the functions take turns so that load changes hit all alike."""
    times: Dict[str, List[float]] = {name: [] for name in functions}
    for fn in functions.values():
        fn()  # warm-up (parse cache, first-touch allocations)
    for unused in range(repeat):
        for name, fn in functions.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000.0)
    return times


def p90(values: List[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d cores, Python %s" % (model, os.cpu_count() or 0, platform.python_version())


def load_average() -> str:
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "?"


def run_size(size: int, repeat: int, before: Any) -> Dict[str, Any]:
    """Build one cluster and time the plain pass, schedule() (before/after) and place() on it."""
    nodes = build_cluster(size)
    started = time.perf_counter()
    model = [Node.from_dict(raw, i) for i, raw in enumerate(nodes)]
    build_ms = (time.perf_counter() - started) * 1000.0
    gc.collect()
    gc.freeze()  # the snapshot is long-lived; keep the collector from rescanning it
    try:
        chosen = {}
        functions: Dict[str, Callable[[], Any]] = {"plain": lambda: plain_pass(nodes)}
        for label, raw_request in REQUESTS:
            request = Request(raw_request)
            ranked = schedule(raw_request, nodes)
            assert [n.id for n in place(request, model)] == ranked
            if before is not None:
                assert before.schedule(raw_request, nodes) == ranked
            chosen[label] = "%s of %d" % (next(n["name"] for n in nodes if n["id"] == ranked[0]), len(ranked))
            if before is not None:
                functions["before " + label] = lambda r=raw_request: before.schedule(r, nodes)
            functions["after " + label] = lambda r=raw_request: schedule(r, nodes)
            functions["place " + label] = lambda r=request: place(r, model)
        times = measure_interleaved(functions, repeat)
    finally:
        gc.unfreeze()
    return {"times": times, "chosen": chosen, "build_ms": build_ms}


REPLICA = {"image": "registry.local/api:3.0", "constraints": ["zone==external"], "cpus": 0.1, "memory": 64 * MIB}


def replicas_before(before: Any, nodes: List[Dict[str, Any]], count: int) -> List[str]:
    """The front end's way at the --before revision: schedule() on the snapshot dicts, then a new
    snapshot list with the chosen node's dict copied and the pending container appended."""
    chosen = []
    for i in range(count):
        request = dict(REPLICA, name="api-%d" % i)
        best = before.schedule(request, nodes)[0]
        pending = {"id": "", "name": request["name"], "image": request["image"], "image_id": "",
                   "state": "pending", "labels": {}, "cpus": request["cpus"], "memory": request["memory"],
                   "network_mode": "", "ports": [], "exposed_ports": [], "volumes_from": [], "links": []}
        nodes = [dict(node, containers=list(node.get("containers") or []) + [pending])
                 if node["id"] == best else node for node in nodes]
        chosen.append(best)
    return chosen


def replicas_after(model: List[Node], count: int) -> List[str]:
    """place() on the model, then the pending reservation added to the chosen Node in place."""
    chosen = []
    base = Request(REPLICA)
    for i in range(count):
        best = place(base, model)[0]
        best.add_container(Container.pending(base, name="api-%d" % i))
        chosen.append(best.id)
    return chosen


def run_replicas(size: int, counts: List[int], before: Any) -> List[Dict[str, Any]]:
    nodes = build_cluster(size)
    rows = []
    for count in counts:
        row: Dict[str, Any] = {"count": count}
        model = [Node.from_dict(raw, i) for i, raw in enumerate(nodes)]
        started = time.perf_counter()
        after = replicas_after(model, count)
        row["after_ms"] = (time.perf_counter() - started) * 1000.0
        if before is not None:
            started = time.perf_counter()
            assert replicas_before(before, nodes, count) == after
            row["before_ms"] = (time.perf_counter() - started) * 1000.0
        rows.append(row)
        gc.collect()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and replicas (about 15 s)")
    parser.add_argument("--before", metavar="REV", help="also measure the scheduler at this git revision")
    args = parser.parse_args()
    before: Optional[Any] = load_before(args.before) if args.before else None
    sizes = (100, 1000, 10000)
    repeats = {100: 30, 1000: 15, 10000: 3} if args.quick else {100: 300, 1000: 100, 10000: 15}
    replica_cluster = 100 if args.quick else 1000
    replica_counts = [100, 1000] if args.quick else [100, 1000, 5000]

    print("machine: %s" % machine())
    print("command: python %s" % " ".join(["benchmarks/bench_scheduler.py"] + sys.argv[1:]))
    print("date: %s UTC; load average at start: %s" % (time.strftime("%Y-%m-%d %H:%M", time.gmtime()), load_average()))
    print("containers per node: %d; repetitions (interleaved): %s" % (
        CONTAINERS_PER_NODE, ", ".join("%d nodes x%d" % kv for kv in repeats.items())))
    print()
    print("| nodes | request | plain pass | %sschedule() from dicts | place() on the model "
          "| schedule() / plain | place() / plain | first choice |" % ("before: schedule() | " if before else ""))
    print("|---:|---|---:|%s---:|---:|---:|---:|---|" % ("---:|" if before else ""))
    medians: Dict[Any, float] = {}
    builds = {}
    for size in sizes:
        result = run_size(size, repeats[size], before)
        builds[size] = result["build_ms"]
        times = result["times"]
        plain = medians[(size, "plain")] = statistics.median(times["plain"])
        for label, unused_request in REQUESTS:
            after = medians[(size, "after " + label)] = statistics.median(times["after " + label])
            placed = medians[(size, "place " + label)] = statistics.median(times["place " + label])
            old = ""
            if before is not None:
                medians[(size, "before " + label)] = statistics.median(times["before " + label])
                old = "%.2f (p90 %.2f) | " % (medians[(size, "before " + label)], p90(times["before " + label]))
            print("| %d | %s | %.2f | %s%.2f (p90 %.2f) | %.3f (p90 %.3f) | %.2f | %.3f | %s |" % (
                size, LABELS[label], plain, old, after, p90(times["after " + label]), placed,
                p90(times["place " + label]), after / plain, placed / plain, result["chosen"][label]))
        gc.collect()
    print()
    print("building the model once (Node.from_dict, containers parsed): %s" % ", ".join(
        "%d nodes %.0f ms" % (size, ms) for size, ms in builds.items()))
    for label in ("after realistic", "after worst", "place realistic", "place worst", "plain"):
        print("growth %s: 100 -> 1,000 nodes x%.1f, 1,000 -> 10,000 nodes x%.1f" % (
            label, medians[(1000, label)] / medians[(100, label)], medians[(10000, label)] / medians[(1000, label)]))
    print()
    print("replicas planned one after the other on %d nodes (request %s):" % (replica_cluster, REPLICA))
    print()
    print("| replicas | %safter: place() + add_container | after ms per replica |%s" % (
        "before: schedule() + snapshot copy | before ms per replica | " if before else "",
        " before / after |" if before else ""))
    print("|---:|%s---:|---:|%s" % ("---:|---:|" if before else "", "---:|" if before else ""))
    for row in run_replicas(replica_cluster, replica_counts, before):
        count = row["count"]
        old = ""
        ratio = ""
        if before is not None:
            old = "%.0f ms | %.3f | " % (row["before_ms"], row["before_ms"] / count)
            ratio = " %.1f |" % (row["before_ms"] / row["after_ms"])
        print("| %d | %s%.0f ms | %.3f |%s" % (count, old, row["after_ms"], row["after_ms"] / count, ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
