# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster snapshot benchmark.

1. Real: the lab's 3 TLS engines read in parallel vs one engine alone (and vs the 3 read one
   after the other), same run, median of ``--repeat`` rounds. Needs `python -m tests.lab up`.
2. SIMULATION: ``--engines`` fake engines (benchmarks/fakedocker.py, plain HTTP on 127.0.0.1,
   in a separate process) with 10 containers each, 2 of them without reservation labels (so
   inspected). Once with no added latency (pure CPU cost) and once with a simulated per-request
   latency, in parallel (bounded pool) and one engine at a time. Peak thread count is sampled.

    python benchmarks/bench_snapshot.py [--engines 500] [--repeat 10] [--latency-ms 5] [--json FILE] [--quick]

``--quick`` (what `make bench` runs): 100 simulated engines, 3 lab rounds, 1 simulation round.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, ".venv", "collections"))

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connection_options, snapshot  # noqa: E402


def machine() -> Dict[str, Any]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import docker
    import requests

    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "docker_sdk": docker.__version__, "requests": requests.__version__,
            "load_average": "%.2f %.2f %.2f" % os.getloadavg()}


class ThreadPeak:
    """Samples threading.active_count() while a block runs."""

    def __init__(self) -> None:
        self.peak = threading.active_count()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, threading.active_count())

    def __enter__(self) -> "ThreadPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def timed(run: Callable[[], List[Dict[str, Any]]]) -> Tuple[float, float, int, List[Dict[str, Any]]]:
    """(wall seconds, client CPU seconds, peak threads, nodes)."""
    with ThreadPeak() as peak:
        cpu, wall = time.process_time(), time.perf_counter()
        nodes = run()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, peak.peak, nodes


def lab_env() -> Optional[Dict[str, Any]]:
    try:
        out = subprocess.run([sys.executable, "-m", "tests.lab", "env", "--json"], cwd=REPO, capture_output=True,
                             text=True, timeout=60, check=True).stdout
        return json.loads(out)
    except (subprocess.SubprocessError, ValueError):
        return None


def engines_cpu(names: List[str]) -> Optional[float]:
    """CPU seconds used so far by the lab's dockerd processes and their reaped children (None when unreadable)."""
    total = 0.0
    try:
        for name in names:
            with open("/run/dockyard-lab/%s.dockerd.pid" % name, encoding="utf-8") as handle:
                pid = int(handle.read().strip())
            with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            # utime + stime + the reaped children's (dockerd runs helper binaries for /info)
            total += sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def bench_lab(repeat: int) -> Optional[Dict[str, Any]]:
    lab = lab_env()
    if not lab:
        return None
    tls = lab["tls"]
    options = connection_options({"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
                                  "client_key": tls["client_key"], "timeout": 30}, {})
    addrs = [engine["addr"] for engine in lab["engines"]]
    names = [engine["name"] for engine in lab["engines"]]
    runs: Dict[str, List[float]] = {"one": [], "three_parallel": [], "three_serial": []}
    client_cpu: Dict[str, List[float]] = {key: [] for key in runs}
    engine_cpu: Dict[str, List[float]] = {key: [] for key in runs}
    snapshot(addrs, options)  # warm-up: imports, first TLS handshakes of the process
    for _round in range(repeat):
        for key, targets, workers in (("one", addrs[:1], 32), ("three_parallel", addrs, 32), ("three_serial", addrs, 1)):
            before = engines_cpu(names)
            wall, cpu, _peak, nodes = timed(lambda: snapshot(targets, options, max_workers=workers))
            after = engines_cpu(names)
            assert all(node["status"] == "Healthy" for node in nodes), [node["error"] for node in nodes]
            runs[key].append(wall)
            client_cpu[key].append(cpu)
            if before is not None and after is not None:
                engine_cpu[key].append(after - before)
    medians = {key: statistics.median(values) for key, values in runs.items()}
    return {"engines": len(addrs), "containers": sum(len(n["containers"]) for n in snapshot(addrs, options)),
            "median_s": medians, "parallel_over_one": medians["three_parallel"] / medians["one"],
            "serial_over_one": medians["three_serial"] / medians["one"], "repeat": repeat,
            "client_cpu_s": {key: statistics.median(values) for key, values in client_cpu.items()},
            "engines_cpu_s": {key: sum(values) / len(values) if values else None for key, values in engine_cpu.items()}}


def start_fleet(engines: int, latency_ms: float) -> Tuple[subprocess.Popen, List[str]]:
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fakedocker.py"), "--count", str(engines),
                             "--containers", "10", "--foreign", "2", "--lifetime", "900", "--latency-ms", str(latency_ms)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # type: ignore[union-attr]
    return proc, json.loads(line)["addresses"]


def bench_simulation(engines: int, latency_ms: float, repeat: int, serial: bool) -> Dict[str, Any]:
    proc, addrs = start_fleet(engines, latency_ms)
    try:
        options = connection_options({"timeout": 60}, {})
        snapshot(addrs[:5], options)  # warm-up
        results: Dict[str, Any] = {"engines": engines, "latency_ms": latency_ms, "rounds": repeat}
        walls, cpus, peaks = [], [], []
        for _round in range(repeat):
            wall, cpu, peak, nodes = timed(lambda: snapshot(addrs, options, max_workers=32))
            assert sum(node["status"] == "Healthy" for node in nodes) == engines
            walls.append(wall)
            cpus.append(cpu)
            peaks.append(peak)
        results["parallel32"] = {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
                                 "client_cpu_s": statistics.median(cpus), "peak_threads": max(peaks),
                                 "containers": sum(len(node["containers"]) for node in nodes)}
        if serial:
            wall, cpu, peak, nodes = timed(lambda: snapshot(addrs, options, max_workers=1))
            results["serial"] = {"s": wall, "client_cpu_s": cpu, "peak_threads": peak}
        return results
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def markdown(report: Dict[str, Any]) -> str:
    lines = ["Machine: %(cpu)s, %(cores)s cores, Python %(python)s, docker SDK %(docker_sdk)s, requests %(requests)s; "
             "load average at start %(load_average)s." % report["machine"], "", "Command: `%s`" % report["command"], ""]
    lab = report.get("lab")
    if lab:
        m = lab["median_s"]
        lines += ["Real lab (%d TLS engines, %d containers; median of %d rounds):" % (lab["engines"], lab["containers"], lab["repeat"]),
                  "", "| snapshot | median wall | vs 1 engine | client CPU (median) | engines' CPU incl. helpers (mean) |", "|---|---|---|---|---|"]
        for key, label in (("one", "1 engine"), ("three_parallel", "3 engines in parallel"),
                           ("three_serial", "3 engines one at a time")):
            engine = lab["engines_cpu_s"][key]
            lines.append("| %s | %.1f ms | %.2fx | %.1f ms | %s |" % (
                label, m[key] * 1000, m[key] / m["one"], lab["client_cpu_s"][key] * 1000,
                "%.0f ms" % (engine * 1000) if engine is not None else "n/a"))
        lines.append("")
    lines += ["SIMULATION (fakedocker.py, not real engines; 10 containers per engine, 2 of them inspected; "
              "median of %d rounds):" % report["simulation"][0]["rounds"], "",
              "| engines | added latency per request | parallel, 32 workers (median) | client CPU | peak threads | one at a time |",
              "|---|---|---|---|---|---|"]
    for sim in report["simulation"]:
        par = sim["parallel32"]
        serial = sim.get("serial")
        lines.append("| %d | %g ms | %.2f s (min %.2f, max %.2f) | %.2f s | %d | %s |" % (
            sim["engines"], sim["latency_ms"], par["median_s"], par["min_s"], par["max_s"], par["client_cpu_s"],
            par["peak_threads"], "%.2f s" % serial["s"] if serial else "not run"))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=10, help="rounds for the lab part (simulation: 3)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="simulated per-request latency of the second run")
    parser.add_argument("--no-lab", action="store_true")
    parser.add_argument("--json", help="also write the raw figures to this file")
    parser.add_argument("--quick", action="store_true", help="100 simulated engines, fewer rounds")
    args = parser.parse_args()
    rounds = 3
    if args.quick:
        args.engines, args.repeat, rounds = min(args.engines, 100), min(args.repeat, 3), 1
    report: Dict[str, Any] = {"machine": machine(), "command": " ".join(["python"] + sys.argv)}
    if not args.no_lab:
        report["lab"] = bench_lab(args.repeat)
        if report["lab"] is None:
            print("(lab not running: real-engine part skipped; `python -m tests.lab up` starts it)", file=sys.stderr)
    report["simulation"] = [bench_simulation(args.engines, 0.0, rounds, serial=True),
                            bench_simulation(args.engines, args.latency_ms, rounds, serial=True)]
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
