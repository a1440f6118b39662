# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Docker-API manager (``swarm manage``): the lab's real engines, then 1,000 simulated ones.

1. Lab (REAL, needs the lab up): the manager over TLS in front of the 3 lab engines against one engine
   directly, interleaved, with the docker CLI 20.10 and with raw HTTP: ``docker run -d`` (goal <= 1.2x),
   ``docker ps`` over 3 engines vs 1 (goal <= 1.5x), ``docker info`` (see benchmarks/manager_lab.py).
2. SIMULATION (benchmarks/fakedocker.py via capacity_fleet.py, plain HTTP on 127.0.0.1, not Docker):
   1,000 engines with 30 containers each in quick mode (full mode: 30,000 placements from empty, as
   classic Swarm's 2015 scale test); start-up, ``info``, ``ps``, create latency and drift, throughput of 10
   clients with a check of every engine's capacity afterwards, memory, out-of-band changes
   (see benchmarks/manager_sim.py).

Prints the command, the machine, the load and one markdown table per part, with the goals.

    .venv/bin/python benchmarks/bench_manager.py [--quick] [--skip-lab] [--skip-sim] [--log-dir DIR]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from typing import List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, REPO)

from bench_scheduler import machine  # noqa: E402  (one definition of the machine line for all benchmarks)
from manager_common import SETTINGS  # noqa: E402
from manager_lab import run_lab  # noqa: E402
from manager_sim import FULL, QUICK, run_sim  # noqa: E402


def code_revision() -> str:
    """The commit the manager runs from, and whether plugins/ had uncommitted changes (shared tree)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=30,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins"], cwd=REPO, capture_output=True, text=True,
                               timeout=30, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return head + (" with uncommitted changes in plugins/" if dirty else "")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="short run for `make bench` (about 2 minutes)")
    parser.add_argument("--skip-lab", action="store_true", help="only the simulation")
    parser.add_argument("--skip-sim", action="store_true", help="only the lab")
    parser.add_argument("--log-dir", help="where the manager and fleet logs go (default: a new temporary directory)")
    parser.add_argument("--collections", default=SETTINGS["collections"],
                        help="directory holding ansible_collections/dockyard/swarm to run the manager from (to measure a "
                             "candidate change side by side; default: this checkout)")
    args = parser.parse_args(argv)
    SETTINGS["collections"] = os.path.abspath(args.collections)
    log_dir = args.log_dir or tempfile.mkdtemp(prefix="dybench-manager-")
    os.makedirs(log_dir, exist_ok=True)
    started = time.time()
    print("command: %s %s" % (os.path.relpath(sys.argv[0], REPO) if argv is None else "bench_manager.py", " ".join(sys.argv[1:])))
    print("machine: %s; %s UTC; load average %s; logs in %s" % (
        machine(), time.strftime("%Y-%m-%d %H:%M", time.gmtime(started)), " / ".join("%.2f" % x for x in os.getloadavg()),
        log_dir))
    tree = os.path.realpath(os.path.join(SETTINGS["collections"], "ansible_collections", "dockyard", "swarm"))
    if tree == os.path.realpath(REPO):
        print("manager from %s; code %s" % (SETTINGS["collections"], code_revision()))
    else:  # another tree (e.g. `git archive` of an older commit): this checkout's revision says nothing about it
        print("manager from %s (a tree outside this checkout; benchmark code %s)" % (SETTINGS["collections"], code_revision()))
    if not args.skip_lab:
        print()
        print("\n".join(run_lab(6 if args.quick else 30, 10 if args.quick else 50, 3 if args.quick else 10, log_dir)))
        sys.stdout.flush()
    if not args.skip_sim:
        print()
        print("\n".join(run_sim(QUICK if args.quick else FULL, log_dir)))
    print()
    print("total %.0f s; load average at the end %s" % (time.time() - started, " / ".join("%.2f" % x for x in os.getloadavg())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
