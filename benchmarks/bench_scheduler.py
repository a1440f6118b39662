# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scheduler scaling benchmark: one placement over 100, 1,000 and 10,000 nodes x 30 containers.

Compares schedule() with a plain Python pass that reads each container of the snapshot
once (the goal: one placement over 1,000 nodes is faster than that pass, never over
20 ms, and grows linearly). Prints a markdown table.

    python benchmarks/bench_scheduler.py [--quick]
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from typing import Any, Callable, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", ".venv", "collections"))

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import schedule  # noqa: E402

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
LABELS = {"realistic": "realistic", "worst": "worst case (constraints prune nothing)"}


def _hex(rng: random.Random, bits: int = 256) -> str:
    return "%0*x" % (bits // 4, rng.getrandbits(bits))


def build_cluster(size: int, seed: int = 42) -> List[Dict[str, Any]]:
    """A deterministic synthetic snapshot in the SPEC section 3 shape."""
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


def run_size(size: int, repeat: int) -> Dict[str, Any]:
    """Build one cluster and time the plain pass and both requests on it."""
    nodes = build_cluster(size)
    gc.collect()
    gc.freeze()  # the snapshot is long-lived; keep the collector from rescanning it
    try:
        chosen = {}
        for label, request in (("realistic", REALISTIC), ("worst", WORST)):
            ranked = schedule(request, nodes)
            chosen[label] = "%s of %d" % (next(n["name"] for n in nodes if n["id"] == ranked[0]), len(ranked))
        times = measure_interleaved({
            "plain": lambda: plain_pass(nodes),
            "realistic": lambda: schedule(REALISTIC, nodes),
            "worst": lambda: schedule(WORST, nodes),
        }, repeat)
    finally:
        gc.unfreeze()
    return {"times": times, "chosen": chosen}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (about 15 s)")
    args = parser.parse_args()
    sizes = (100, 1000, 10000)
    repeats = {100: 50, 1000: 30, 10000: 6} if args.quick else {100: 500, 1000: 200, 10000: 30}

    print("machine: %s" % machine())
    print("command: python %s" % " ".join(["benchmarks/bench_scheduler.py"] + sys.argv[1:]))
    print("containers per node: %d; repetitions (interleaved): %s" % (
        CONTAINERS_PER_NODE, ", ".join("%d nodes x%d" % kv for kv in repeats.items())))
    print()
    print("| nodes | containers | request | placement median ms | placement p90 ms "
          "| plain pass median ms | placement / plain pass | first choice |")
    print("|---:|---:|---|---:|---:|---:|---:|---|")
    medians: Dict[Any, float] = {}
    for size in sizes:
        result = run_size(size, repeats[size])
        plain = medians[(size, "plain")] = statistics.median(result["times"]["plain"])
        for label in ("realistic", "worst"):
            times = result["times"][label]
            medians[(size, label)] = statistics.median(times)
            print("| %d | %d | %s | %.2f | %.2f | %.2f | %.2f | %s |" % (
                size, size * CONTAINERS_PER_NODE, LABELS[label], statistics.median(times), p90(times),
                plain, statistics.median(times) / plain, result["chosen"][label]))
        gc.collect()
    print()
    for label in ("realistic", "worst", "plain"):
        print("growth %s: 100 -> 1,000 nodes x%.1f, 1,000 -> 10,000 nodes x%.1f" % (
            {"plain": "plain pass", "worst": "worst case"}.get(label, label),
            medians[(1000, label)] / medians[(100, label)],
            medians[(10000, label)] / medians[(1000, label)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
