# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab half of benchmarks/bench_manager.py: the manager over TLS in front of the lab's 3 REAL engines.

Each operation is timed through the manager and straight to one engine, taking turns (ABAB, the first
of each pair alternating) so that load changes hit both alike, in two ways:

* the docker CLI 20.10 (``/usr/bin/docker``): what a user sees, process start, ``/_ping`` and a new
  TLS connection included;
* raw HTTP over one keep-alive TLS connection per target: the server's own cost (with ``GET /_ping``, the
  cost of one HTTP exchange, as the floor).

``run`` is ``docker run -d busybox sleep 600`` (create + start; raw: the same two calls); the direct
runs rotate over the three engines as the manager's spread does. ``ps`` and ``info`` run with
``per_engine`` extra running containers on each engine (made directly, untimed), so the manager lists
three engines' worth against one engine's. Containers carry a unique prefix and
are removed after every round (untimed), and again at the end, directly on the engines.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from typing import Any, Dict, List, Tuple

from manager_common import API, REPO, Client, Manager, ms, percentile, table, tls_context, verdict

CLI = "/usr/bin/docker"  # the 20.10 CLI
CLI_TIMEOUT = 120
IMAGE = "busybox:latest"
GOALS = {"run": 1.2, "ps": 1.5, "info": None, "ping": None}


def lab_env() -> Dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "tests.lab", "env", "--json"], cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(proc.stdout)


class Target:
    """One endpoint (the manager or one engine), reachable by the CLI and by a raw client."""

    def __init__(self, label: str, addr: str, cert_dir: str, config_dir: str) -> None:
        self.label = label
        self.addr = addr
        self.raw = Client(addr, tls_context(cert_dir))
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("DOCKER_")}
        self.env.update(DOCKER_HOST="tcp://" + addr, DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH=cert_dir, DOCKER_CONFIG=config_dir)

    def cli(self, args: List[str]) -> float:
        started = time.perf_counter()
        proc = subprocess.run([CLI] + args, env=self.env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError("docker %s against %s failed: %s" % (" ".join(args), self.label, proc.stderr.strip()))
        return elapsed

    def raw_run(self, name: str) -> float:
        body = {"Image": IMAGE, "Cmd": ["sleep", "600"], "HostConfig": {}}
        status, data, create = self.raw.call("POST", "%s/containers/create?name=%s" % (API, urllib.parse.quote(name)), body)
        if status != 201:
            raise RuntimeError("create on %s answered %d: %s" % (self.label, status, data[:300]))
        status, data, start = self.raw.call("POST", "%s/containers/%s/start" % (API, json.loads(data)["Id"]))
        if status != 204:
            raise RuntimeError("start on %s answered %d: %s" % (self.label, status, data[:300]))
        return create + start

    def raw_get(self, path: str) -> float:
        status, data, elapsed = self.raw.call("GET", API + path)
        if status != 200:
            raise RuntimeError("GET %s on %s answered %d: %s" % (path, self.label, status, data[:300]))
        return elapsed


def remove_prefixed(engines: List[Target], prefix: str) -> int:
    """Force-remove every container whose name starts with ``prefix`` on every engine (untimed cleanup)."""
    removed = 0
    for engine in engines:
        wanted = urllib.parse.quote(json.dumps({"name": ["^/" + prefix]}))
        for container in engine.raw.json("GET", "%s/containers/json?all=1&filters=%s" % (API, wanted)):
            engine.raw.json("DELETE", "%s/containers/%s?force=1" % (API, container["Id"]), expect=(204, 404))
            removed += 1
    return removed


def seed(engines: List[Target], through: Target, prefix: str, per_engine: int) -> None:
    """``per_engine`` running containers on every engine (directly, untimed), then wait until the manager lists them."""
    for engine in engines:
        for number in range(per_engine):
            engine.raw_run("%s%s-%d" % (prefix, engine.label, number))
    wanted = urllib.parse.quote(json.dumps({"name": [prefix]}))
    deadline = time.monotonic() + 30
    while len(through.raw.json("GET", "%s/containers/json?filters=%s" % (API, wanted))) < per_engine * len(engines):
        if time.monotonic() > deadline:
            raise RuntimeError("the manager does not list the %d seeded containers after 30 s" % (per_engine * len(engines)))
        time.sleep(0.1)


def interleaved(rounds: int, through: Any, direct: Any) -> Tuple[List[float], List[float]]:
    """``rounds`` timings of each, in pairs whose first member alternates."""
    managed: List[float] = []
    straight: List[float] = []
    for number in range(rounds):
        pair = [(through, managed), (direct, straight)]
        for action, times in pair if number % 2 == 0 else pair[::-1]:
            times.append(action(number))
    return managed, straight


def row(operation: str, client: str, managed: List[float], straight: List[float], goal: Any) -> List[str]:
    ratio50 = percentile(managed, 0.5) / percentile(straight, 0.5)
    ratio90 = percentile(managed, 0.9) / percentile(straight, 0.9)
    goal_text = "<= %.1fx" % goal if goal else "(none)"
    judged = verdict(ratio50 <= goal) if goal else ""
    return [operation, client, "%s / %s" % (ms(percentile(managed, 0.5)), ms(percentile(managed, 0.9))),
            "%s / %s" % (ms(percentile(straight, 0.5)), ms(percentile(straight, 0.9))),
            "**%.2fx** (%.2fx)" % (ratio50, ratio90), goal_text, judged]


def run_lab(run_rounds: int, read_rounds: int, per_engine: int, log_dir: str) -> List[str]:
    """Measure and return the markdown lines of the lab part."""
    if not os.path.exists(CLI):
        raise SystemExit("%s (docker CLI 20.10) is missing" % CLI)
    lab = lab_env()
    cert_dir = lab["tls"]["cert_path"]
    config_dir = tempfile.mkdtemp(prefix="dybench-docker-config-")
    nodes = ",".join(engine["addr"] for engine in lab["engines"])
    manager = Manager("nodes://" + nodes, os.path.join(log_dir, "manager-lab.log"), cert_dir=cert_dir).start()
    prefix = "dybmgr%s-" % uuid.uuid4().hex[:6]
    engines = [Target(engine["name"], engine["addr"], cert_dir, config_dir) for engine in lab["engines"]]
    through = Target("manager", manager.addr, cert_dir, config_dir)
    results: Dict[Tuple[str, str], Tuple[List[float], List[float]]] = {}
    listed = (0, 0)
    started = time.time()
    load_before = os.getloadavg()
    try:
        startup = manager.wait_healthy(len(engines), timeout=60, poll=0.1)
        for target in [through] + engines:  # warm-up, untimed: page cache, first TLS connection
            target.cli(["version"])
            target.raw_get("/_ping")

        runs: Dict[str, Tuple[List[float], List[float]]] = {"cli": ([], []), "raw": ([], [])}
        for number in range(run_rounds):  # a round: a CLI pair, a raw pair (the first of each alternating), cleanup
            for client in ("cli", "raw"):
                pair = [("m", through, runs[client][0]), ("e", engines[number % len(engines)], runs[client][1])]
                for tag, target, times in pair if number % 2 == 0 else pair[::-1]:
                    name = "%s%s%s%d" % (prefix, client, tag, number)
                    times.append(target.cli(["run", "-d", "--name", name, IMAGE, "sleep", "600"]) if client == "cli"
                                 else target.raw_run(name))
            remove_prefixed(engines, prefix)
        results[("run", "cli")] = runs["cli"]
        results[("run", "raw")] = runs["raw"]
        seed(engines, through, prefix + "ps", per_engine)
        listed = (len(through.raw.json("GET", API + "/containers/json")), len(engines[0].raw.json("GET", API + "/containers/json")))
        for operation, args, path in (("ps", ["ps"], "/containers/json"), ("info", ["info"], "/info")):
            results[(operation, "cli")] = interleaved(read_rounds, lambda unused, a=args: through.cli(a),
                                                      lambda unused, a=args: engines[0].cli(a))
            results[(operation, "raw")] = interleaved(read_rounds, lambda unused, p=path: through.raw_get(p),
                                                      lambda unused, p=path: engines[0].raw_get(p))
        results[("ping", "raw")] = interleaved(read_rounds, lambda unused: through.raw_get("/_ping"),
                                               lambda unused: engines[0].raw_get("/_ping"))
    finally:
        manager.stop()
        try:
            remove_prefixed(engines, prefix)
        finally:
            for target in [through] + engines:
                target.raw.close()
            shutil.rmtree(config_dir, ignore_errors=True)
    load_after = os.getloadavg()
    names = {"run": "`docker run -d busybox sleep 600` (create + start)", "ps": "`docker ps` (`GET /containers/json`)",
             "info": "`docker info` (`GET /info`)", "ping": "`GET /_ping` (one HTTP exchange, the floor of any call)"}
    names["ps"] += " (%d running containers on 3 engines vs %d on node-1)" % listed
    clients = {"cli": "CLI 20.10 (process, new TLS connection)", "raw": "raw HTTP (keep-alive TLS)"}
    rows = [row(names[operation], clients[client], managed, straight, GOALS[operation])
            for (operation, client), (managed, straight) in results.items()]
    lines = ["REAL: the lab's 3 TLS engines (dockerd 20.10); the manager over TLS on 127.0.0.1 (started in %.2f s). "
             "%d rounds of run, %d of ps and info, each an interleaved pair; run through the manager vs one engine "
             "(rotating node-1..3); ps and info through the manager (3 engines) vs node-1 alone, with %d containers "
             "started on each engine beforehand. "
             "Load average %.2f / %.2f / %.2f at the start, %.2f / %.2f / %.2f at the end; %s UTC." % (
                 startup, run_rounds, read_rounds, per_engine, *load_before, *load_after,
                 time.strftime("%Y-%m-%d %H:%M", time.gmtime(started))), ""]
    lines += table(["operation", "client", "manager p50 / p90 ms", "one engine p50 / p90 ms", "ratio p50 (p90)", "goal (p50)",
                    ""], rows)
    return lines
