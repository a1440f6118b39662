# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATION ONLY: a fakedocker fleet whose engines have a known CPU capacity, and an audit of it.

benchmarks/bench_manager.py runs this in a process of its own. Every engine gets an ``NCPU`` chosen so
that, after its canned containers' reservations, exactly a known number of placements of
``--request-cpus`` fit (classic overcommit arithmetic: ``n + n*pct//100`` CPUs). A few engines form
a "tight" pool (engine label ``pool=tight``, 1-4 free places each) for a race test; the others are
``pool=main``. Then a placement beyond capacity is visible: the audit (a line ``audit`` on stdin)
reads every engine's containers under its lock and prints, per engine, its capacity, what its
containers reserve and how many of them carry a reservation label that disagrees with the engine's
own ``HostConfig.NanoCpus``.

Protocol: one JSON line on stdout with the addresses and the plan, then one JSON line per ``audit``
request; ``stop`` or end of stdin ends it (as does ``--lifetime``).

    python benchmarks/capacity_fleet.py --count 1000 --containers 30 --request-cpus 0.5 --slots 2:6 --tight 20
"""
from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

from fakedocker import FakeDockerFleet
from fakedocker_engine import MAX_CONTAINERS

LABEL_CPUS = "com.dockyard.swarm.cpus"
LABEL_MEMORY = "com.dockyard.swarm.memory"
TIGHT_SLOTS = (1, 4)
MAX_NCPU = 4096


def capacity_m(ncpu: int, percent: int) -> int:
    """Milli-CPUs an engine offers with classic's integer overcommit (5 %: 19 CPUs stay 19, 20 become 21)."""
    return (ncpu + ncpu * percent // 100) * 1000


def reserved_m(summary: Dict[str, Any], inspect: Dict[str, Any]) -> int:
    """What one container reserves as a reader of the engine sees it: its labels when it has them, else NanoCpus."""
    labels = summary.get("Labels") or {}
    if LABEL_CPUS in labels and LABEL_MEMORY in labels:
        return int(round(float(labels[LABEL_CPUS] or 0) * 1000))
    return int(round(((inspect.get("HostConfig") or {}).get("NanoCpus") or 0) / 1e6))


def label_disagrees(summary: Dict[str, Any], inspect: Dict[str, Any], prefix: str) -> bool:
    """A container of the benchmark whose reservation label is not what the engine was asked to enforce."""
    if not prefix or not summary["Names"][0].lstrip("/").startswith(prefix):
        return False
    labels = summary.get("Labels") or {}
    nano = (inspect.get("HostConfig") or {}).get("NanoCpus") or 0
    return LABEL_CPUS not in labels or int(round(float(labels[LABEL_CPUS] or 0) * 1000)) != int(round(nano / 1e6))


def smallest_ncpu(needed_m: int, percent: int) -> int:
    for ncpu in range(1, MAX_NCPU):
        if capacity_m(ncpu, percent) >= needed_m:
            return ncpu
    raise SystemExit("capacity_fleet: an engine would need more than %d CPUs" % MAX_NCPU)


def plan(fleet: FakeDockerFleet, request_m: int, slots: Tuple[int, int], tight: int, percent: int,
         seed: int) -> List[Dict[str, Any]]:
    """Set every engine's NCPU and pool label; return (name, ncpu, slots, pool) per engine."""
    rng = random.Random(seed)
    step = max(1, fleet.count // tight) if tight else 0
    tight_indices = {index * step + step // 2 for index in range(tight)} if tight else set()
    engines = []
    for index, sim in enumerate(fleet.sims):
        with sim.lock:
            canned = sum(reserved_m(c.summary, c.inspect) for c in sim.containers.values())
            pool = "tight" if index in tight_indices else "main"
            wanted = rng.randint(*(TIGHT_SLOTS if pool == "tight" else slots))
            ncpu = smallest_ncpu(canned + wanted * request_m, percent)
            info = sim.data["info"]
            info["NCPU"] = ncpu
            info["Labels"] = [label for label in info["Labels"] if not label.startswith("pool=")] + ["pool=" + pool]
            sim.version += 1
            engines.append({"name": info["Name"], "ncpu": ncpu, "pool": pool, "canned_m": canned,
                            "slots": (capacity_m(ncpu, percent) - canned) // request_m})
    return engines


def audit(fleet: FakeDockerFleet, percent: int, prefix: str) -> Dict[str, Any]:
    rows = []
    for sim in fleet.sims:
        with sim.lock:
            ncpu = int(sim.data["info"]["NCPU"])
            containers = list(sim.containers.values())
            rows.append({"name": sim.data["info"]["Name"], "capacity_m": capacity_m(ncpu, percent),
                         "reserved_m": sum(reserved_m(c.summary, c.inspect) for c in containers),
                         "containers": len(containers),
                         "placed": sum(1 for c in containers if prefix and c.name.startswith(prefix)),
                         "label_mismatches": sum(1 for c in containers if label_disagrees(c.summary, c.inspect, prefix))})
    return {"engines": rows}


def serve_commands(fleet: FakeDockerFleet, percent: int) -> None:
    """Answer ``audit PREFIX`` lines until ``stop`` or end of input."""
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "stop":
            break
        if words[0] == "audit":
            print(json.dumps(audit(fleet, percent, words[1] if len(words) > 1 else "")), flush=True)
        else:
            print(json.dumps({"error": "unknown command %r (audit PREFIX | stop)" % words[0]}), flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="SIMULATION: fake engines with a known CPU capacity.")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--containers", type=int, default=30, help="canned containers per engine")
    parser.add_argument("--foreign", type=int, default=2, help="canned containers without reservation labels")
    parser.add_argument("--max-containers", type=int, default=MAX_CONTAINERS)
    parser.add_argument("--request-cpus", type=float, default=0.5, help="CPUs one placement reserves")
    parser.add_argument("--slots", default="2:6", help="free places per main engine, MIN:MAX (seeded, uniform)")
    parser.add_argument("--tight", type=int, default=20, help="engines in the tight pool (1-4 places each)")
    parser.add_argument("--overcommit-percent", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lifetime", type=float, default=600.0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    low, high = (int(part) for part in args.slots.split(":", 1))
    if not 0 <= low <= high or not 0 <= args.tight <= args.count:
        parser.error("--slots must be MIN:MAX with 0 <= MIN <= MAX; --tight at most --count")
    request_m = int(round(args.request_cpus * 1000))
    if request_m <= 0:
        parser.error("--request-cpus must be positive")
    fleet = FakeDockerFleet(args.count, args.containers, args.foreign, args.lifetime, args.latency_ms / 1000.0,
                            max_containers=args.max_containers)
    engines = plan(fleet, request_m, (low, high), args.tight, args.overcommit_percent, args.seed)
    fleet.start()
    print(json.dumps({"simulation": True, "addresses": fleet.addresses, "engines": engines}), flush=True)
    signal.signal(signal.SIGTERM, lambda *unused: fleet.stop())

    def commands() -> None:
        serve_commands(fleet, args.overcommit_percent)
        fleet.stop()

    threading.Thread(target=commands, name="commands", daemon=True).start()
    fleet.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
