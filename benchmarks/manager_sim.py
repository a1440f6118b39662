# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The SIMULATION half of benchmarks/bench_manager.py: the manager in front of 1,000 fake engines.

Three processes: the fleet (benchmarks/capacity_fleet.py: fakedocker with a known CPU capacity per
engine, plain HTTP on 127.0.0.1), the manager (``manage -H tcp://127.0.0.1:P nodes://<1,000 addresses>``)
and this one, the clients (http.client, one keep-alive connection per client thread; every figure is
measured at the client). Steps, each bounded in count and time:

1. start-up: the manager process start until ``/info`` shows every engine Healthy;
2. ``GET /info`` (raw, and the docker CLI 20.10 when present) and ``GET /containers/json`` (``docker ps``);
3. race for a tight pool: ``clients`` threads place ``--cpus``-sized containers with
   ``constraint:pool==tight`` until the manager refuses them (1-4 places per engine, 20 engines);
4. the long run: ``first_last`` placements by one client, ``parallel`` by ``clients`` threads, then
   ``first_last`` by one client again; a placement is ``docker run -d`` (create, then start); drift is
   the last serial block against the first;
5. the manager's CPU at rest (no client), which the per-placement CPU figure leaves out; full mode: ``/info``
   and ``ps`` again, at the new size; the manager's RSS and peak RSS;
6. out-of-band changes: a container created directly on a fake engine, polled for in the manager's
   ``GET /containers/json?filters={"name": ...}``;
7. the audit: every engine's containers read by the fleet itself; none may reserve more than the
   engine's capacity (no double-booking), and the manager's ``ps -a`` count must equal the engines';
8. full mode: the manager restarted on the grown cluster (start-up at the final size).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from manager_common import API, HERE, Client, Manager, ms, percentile, proc_status, process_cpu_seconds, table, verdict

IMAGE = "busybox:latest"
REQUEST_CPUS = 0.5
CLI = "/usr/bin/docker"
REFUSED = (b"no resources", b"Unable to find a node")
POLL = 0.01  # seconds between polls for an out-of-band change
VISIBLE_TIMEOUT = 10.0
MB = 1024.0


@dataclass(frozen=True)
class Settings:
    name: str
    engines: int
    canned: int  # containers per engine at the start
    slots: str  # free places per main engine, MIN:MAX
    tight: int  # engines in the tight pool
    first_last: int  # serial placements at the start and at the end of the long run
    parallel: int  # placements by the parallel clients in between
    clients: int
    info_samples: int
    cli_samples: int
    ps_samples: int
    changes: int  # out-of-band changes
    idle: float  # seconds the manager is left alone to measure its CPU at rest
    reads_after: bool  # measure info and ps again after the placements
    restart: bool  # start a second manager on the grown cluster
    budget: float  # seconds allowed for the long run
    lifetime: float  # the fleet stops by itself after this


QUICK = Settings("quick", 1000, 30, "2:6", 20, 50, 300, 10, 20, 3, 2, 20, 10.0, False, False, 240.0, 1200.0)
FULL = Settings("full", 1000, 0, "28:40", 20, 1000, 28000, 10, 500, 30, 5, 50, 30.0, True, True, 7200.0, 10800.0)


@dataclass
class Placement:
    status: int
    create: float
    start: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 201

    @property
    def run(self) -> float:
        return self.create + self.start


def place(client: Client, name: str, env: Optional[List[str]] = None) -> Placement:
    """``docker run -d --cpus 0.5 busybox sleep 600``: create, then start."""
    body = {"Image": IMAGE, "Cmd": ["sleep", "600"], "Env": env or [], "Labels": {},
            "HostConfig": {"NanoCpus": int(REQUEST_CPUS * 1e9)}}
    status, data, create = client.call("POST", "%s/containers/create?name=%s" % (API, name), body)
    if status != 201:
        return Placement(status, create, 0.0, data[:300].decode(errors="replace"))
    status, data, start = client.call("POST", "%s/containers/%s/start" % (API, json.loads(data)["Id"]))
    return Placement(201 if status == 204 else status, create, start, "" if status == 204 else data[:300].decode(errors="replace"))


class Fleet:
    """benchmarks/capacity_fleet.py in its own process (its event loop must not share our GIL)."""

    def __init__(self, settings: Settings, log_path: str) -> None:
        command = [sys.executable, os.path.join(HERE, "capacity_fleet.py"), "--count", str(settings.engines),
                   "--containers", str(settings.canned), "--request-cpus", str(REQUEST_CPUS), "--slots", settings.slots,
                   "--tight", str(settings.tight), "--lifetime", str(settings.lifetime)]
        self.log = open(log_path, "w")  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,  # pylint: disable=consider-using-with
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError("the simulated fleet did not start (see %s)" % log_path)
        plan = json.loads(line)
        self.addresses: List[str] = plan["addresses"]
        self.engines: List[Dict[str, Any]] = plan["engines"]

    def audit(self, prefix: str) -> List[Dict[str, Any]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("audit %s\n" % prefix)
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())["engines"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.write("stop\n")
                    self.proc.stdin.close()
                self.proc.wait(timeout=15)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log.close()


def timed_gets(client: Client, path: str, count: int, budget: float) -> Tuple[List[float], int]:
    """Latencies of ``count`` GETs (fewer if ``budget`` seconds pass); also the size of the last answer."""
    times: List[float] = []
    size = 0
    deadline = time.monotonic() + budget
    for unused in range(count):
        status, data, elapsed = client.call("GET", API + path)
        if status != 200:
            raise RuntimeError("GET %s answered %d: %s" % (path, status, data[:300]))
        times.append(elapsed)
        size = len(data)
        if time.monotonic() > deadline:
            break
    return times, size


def cli_infos(addr: str, count: int, budget: float) -> List[float]:
    if not os.path.exists(CLI):
        return []
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCKER_")}
    env["DOCKER_HOST"] = "tcp://" + addr
    times = []
    deadline = time.monotonic() + budget
    for unused in range(count):
        started = time.perf_counter()
        proc = subprocess.run([CLI, "info"], env=env, capture_output=True, text=True, timeout=120, check=False)
        times.append(time.perf_counter() - started)
        if proc.returncode != 0 or "Nodes:" not in proc.stdout:
            raise RuntimeError("docker info through the manager failed: %s" % proc.stderr[-500:])
        if time.monotonic() > deadline:
            break
    return times


def serial(manager: Manager, prefix: str, first: int, count: int, budget: float) -> List[Placement]:
    client = manager.client()
    deadline = time.monotonic() + budget
    results = []
    try:
        for number in range(first, first + count):
            results.append(place(client, "%s%05d" % (prefix, number)))
            if time.monotonic() > deadline:
                break
    finally:
        client.close()
    return results


def parallel(manager: Manager, prefix: str, first: int, count: int, clients: int, budget: float,
             env: Optional[List[str]] = None, until_refused: bool = False) -> Tuple[List[Placement], float]:
    """``clients`` threads placing until ``count`` placements were tried (or each was refused); (results, wall)."""
    numbers = itertools.count(first)
    lock = threading.Lock()
    results: List[Placement] = []
    deadline = time.monotonic() + budget

    def worker() -> None:
        client = manager.client()
        try:
            while time.monotonic() < deadline:
                with lock:
                    number = next(numbers)
                if number >= first + count:
                    return
                outcome = place(client, "%s%05d" % (prefix, number), env)
                with lock:
                    results.append(outcome)
                if until_refused and not outcome.ok:
                    return
        except OSError as exc:
            with lock:
                results.append(Placement(0, 0.0, 0.0, "client error: %s" % exc))
        finally:
            client.close()

    threads = [threading.Thread(target=worker, name="client-%d" % index) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=budget + 120)
    return results, time.perf_counter() - started


def out_of_band(manager: Manager, fleet: Fleet, prefix: str, count: int, seed: int,
                inspect: bool = False) -> Tuple[List[float], int, List[float]]:
    """Seconds from a direct create on an engine until the manager lists it (or, with ``inspect``, until
    ``GET /containers/<name>/json`` through the manager finds it); (times, not seen in time, poll latencies)."""
    rng = random.Random(seed)
    main = [index for index, engine in enumerate(fleet.engines) if engine["pool"] == "main"]
    client = manager.client()
    times: List[float] = []
    polls: List[float] = []
    missed = 0
    try:
        for number in range(count):
            name = "%s%03d" % (prefix, number)
            engine = Client(fleet.addresses[rng.choice(main)])
            try:
                engine.json("POST", "/_fakedocker/direct/create?name=%s&image=%s&start=1" % (name, IMAGE), expect=(200, 201))
            finally:
                engine.close()
            made = time.perf_counter()
            if inspect:
                wanted = "%s/containers/%s/json" % (API, name)
            else:
                wanted = "%s/containers/json?filters=%s" % (API, urllib.parse.quote(json.dumps({"name": [name + "$"]})))
            while True:
                status, data, elapsed = client.call("GET", wanted)
                polls.append(elapsed)
                seen = time.perf_counter() - made
                if status == 200 and (inspect or json.loads(data)):
                    times.append(seen)
                    break
                if seen > VISIBLE_TIMEOUT:
                    missed += 1
                    break
                time.sleep(POLL)
    finally:
        client.close()
    return times, missed, polls


def latency_cells(values: List[float]) -> str:
    return "%s / %s / %s" % (ms(percentile(values, 0.5)), ms(percentile(values, 0.9)), ms(percentile(values, 0.99)))


class SimRun:
    """One simulation run; the figures are collected in ``rows`` (measurement, result, goal, verdict, classic)."""

    def __init__(self, settings: Settings, log_dir: str) -> None:
        self.settings = settings
        self.log_dir = log_dir
        self.prefix = "dyb%s-" % uuid.uuid4().hex[:6]
        self.rows: List[List[str]] = []
        self.notes: List[str] = []
        self.idle_share = 0.0  # the manager's CPU at rest (share of one core): background refreshes and events
        self.fleet_pid = 0
        self.parallel_cpu = (0.0, 0.0, 0.0, 0)  # manager CPU-s, wall s, fake engines' CPU-s, placements

    def add(self, measurement: str, result: str, goal: str = "", met: Optional[bool] = None, classic: str = "") -> None:
        self.rows.append([measurement, result, goal, "" if met is None else verdict(met), classic])

    def measure_idle(self, manager: Manager) -> None:
        """The manager's CPU with no client (engine refreshes every 30-60 s, events): what every figure carries."""
        cpu = process_cpu_seconds(manager.pid)
        time.sleep(self.settings.idle)
        self.idle_share = (process_cpu_seconds(manager.pid) - cpu) / self.settings.idle
        used, wall, fleet_used, placed = self.parallel_cpu
        net = (used - self.idle_share * wall) / max(1, placed)
        self.add("manager CPU at rest after the placements (no client, %.0f s) / CPU per placement in the parallel phase: "
                 "manager less its CPU at rest, the fake engines" % self.settings.idle,
                 "%.0f %% of one core / %.1f ms, %.1f ms" % (self.idle_share * 100, net * 1000, fleet_used * 1000 / max(1, placed)))

    @staticmethod
    def timeouts(manager: Manager) -> int:
        """Engine calls the manager gave up on so far (its log's "no answer within" warnings)."""
        try:
            with open(manager.log_path, errors="replace") as handle:
                return sum(1 for line in handle if "no answer within" in line)
        except OSError:
            return 0

    def measure_reads(self, manager: Manager, when: str, containers: int) -> None:
        settings = self.settings
        client = manager.client()
        try:
            cpu = process_cpu_seconds(manager.pid)
            infos, info_size = timed_gets(client, "/info", settings.info_samples, 300)
            info_cpu = (process_cpu_seconds(manager.pid) - cpu) / max(1, len(infos))
            self.add("`GET /info` p50 / p90 / p99 ms, %s (%s containers; %d calls, %d kB answer, manager CPU %.0f ms each)"
                     % (when, format(containers, ","), len(infos), info_size // 1024, info_cpu * 1000),
                     latency_cells(infos), "p50 <= 100 ms", percentile(infos, 0.5) <= 0.1, "150 / 200 / 360 (CLI)")
            cli = cli_infos(manager.addr, settings.cli_samples, 120)
            if cli:
                self.add("`docker info` (CLI 20.10, process start included) p50 / p90 / p99 ms, %s (%d runs)" % (when, len(cli)),
                         latency_cells(cli), "p50 <= 100 ms", percentile(cli, 0.5) <= 0.1, "150 / 200 / 360")
            lists, list_size = timed_gets(client, "/containers/json", settings.ps_samples, 120)
            self.add("`GET /containers/json` (`docker ps`) p50 / p90 / max ms, %s (%d calls, %.1f MB answer)"
                     % (when, len(lists), list_size / 1e6), "%s / %s / %s" % (ms(percentile(lists, 0.5)), ms(percentile(lists, 0.9)),
                                                                              ms(max(lists))))
        finally:
            client.close()

    def race_tight_pool(self, manager: Manager, fleet: Fleet) -> int:
        settings = self.settings
        places = sum(engine["slots"] for engine in fleet.engines if engine["pool"] == "tight")
        results, wall = parallel(manager, self.prefix + "t", 0, places + 2 * settings.clients + 10, settings.clients, 120,
                                 env=["constraint:pool==tight"], until_refused=True)
        placed = sum(1 for r in results if r.ok)
        refused = sum(1 for r in results if not r.ok and any(word.decode() in r.error for word in REFUSED))
        errors = [r for r in results if not r.ok and not any(word.decode() in r.error for word in REFUSED)]
        self.add("race for the tight pool (%d engines, %d places, %d clients, `constraint:pool==tight`): placed / refused / errors"
                 % (settings.tight, places, settings.clients), "%d / %d / %d in %.1f s" % (placed, refused, len(errors), wall),
                 "placed = places, 0 errors", placed == places and not errors)
        if errors:
            self.notes.append("tight pool errors: %s" % "; ".join(sorted({"%d %s" % (e.status, e.error[:120]) for e in errors})))
        return placed

    def long_run(self, manager: Manager) -> int:
        settings = self.settings
        width = settings.first_last
        started = time.monotonic()
        first = serial(manager, self.prefix, 0, width, settings.budget / 8)
        cpu_before, fleet_before = process_cpu_seconds(manager.pid), process_cpu_seconds(self.fleet_pid)
        middle, wall = parallel(manager, self.prefix, width, settings.parallel, settings.clients, settings.budget * 3 / 4)
        cpu_used = process_cpu_seconds(manager.pid) - cpu_before
        fleet_used = process_cpu_seconds(self.fleet_pid) - fleet_before
        last = serial(manager, self.prefix, width + settings.parallel, width, settings.budget / 8)
        total = len(first) + len(middle) + len(last)
        failed = [p for p in first + middle + last if not p.ok]
        good_first = [p for p in first if p.ok]
        good_last = [p for p in last if p.ok]
        good_middle = [p for p in middle if p.ok]
        for label, block in (("first", good_first), ("last", good_last)):
            creates = [p.create for p in block]
            self.add("create p50 / p90 / p99 ms, %s %d placements of %d (1 client)" % (label, len(block), total),
                     latency_cells(creates), "p50 <= 100, p99 <= 300",
                     percentile(creates, 0.5) <= 0.1 and percentile(creates, 0.99) <= 0.3, "")
            self.add("`docker run -d` (create + start) p50 / p90 / p99 ms, %s %d (1 client)" % (label, len(block)),
                     latency_cells([p.run for p in block]), "", None, "230 / 250 / 400 (`docker run -dit`)")
        ratio50 = percentile([p.create for p in good_last], 0.5) / percentile([p.create for p in good_first], 0.5)
        ratio99 = percentile([p.create for p in good_last], 0.99) / percentile([p.create for p in good_first], 0.99)
        self.add("drift: create last / first p50 (p99)", "**%.2fx** (%.2fx)" % (ratio50, ratio99), "p50 <= 1.25x, p99 <= 1.5x",
                 ratio50 <= 1.25 and ratio99 <= 1.5, "no noticeable difference")
        rate = len(good_middle) / wall if wall else 0.0
        self.add("throughput, %d clients: placements/s (%d placements in %.1f s; create p50 / p99 under load %s / %s ms)"
                 % (settings.clients, len(good_middle), wall, ms(percentile([p.create for p in good_middle], 0.5)),
                    ms(percentile([p.create for p in good_middle], 0.99))),
                 "**%.1f**" % rate, ">= 30/s", rate >= 30, "~4/s per serial client (inferred)")
        self.parallel_cpu = (cpu_used, wall, fleet_used, len(good_middle))
        self.add("failed placements in the long run", "%d of %d (%.0f s)" % (len(failed), total, time.monotonic() - started),
                 "0", not failed)
        if failed:
            self.notes.append("long-run failures: %s" % "; ".join(sorted({"%d %s" % (p.status, p.error[:120]) for p in failed})[:5]))
        return sum(1 for p in first + middle + last if p.ok)

    def audit(self, manager: Manager, fleet: Fleet, placed: int) -> None:
        rows = fleet.audit(self.prefix)
        over = [r for r in rows if r["reserved_m"] > r["capacity_m"]]
        full = sum(1 for r in rows if r["capacity_m"] - r["reserved_m"] < REQUEST_CPUS * 1000)
        found = sum(r["placed"] for r in rows)
        mismatches = sum(r["label_mismatches"] for r in rows)
        self.add("engines above their CPU capacity after the run (every engine's containers read by the fleet)",
                 "**%d** of %d (%d engines full; %s placements found on the engines, %s answered 201)"
                 % (len(over), len(rows), full, format(found, ","), format(placed, ",")),
                 "0 (no double-booking)", not over and found == placed and not mismatches)
        if over:
            self.notes.append("over capacity: %s" % ", ".join("%s %d/%d m" % (r["name"], r["reserved_m"], r["capacity_m"])
                                                              for r in over[:10]))
        if mismatches:
            self.notes.append("%d containers' reservation labels disagree with their NanoCpus" % mismatches)
        client = manager.client()
        try:
            listed = len(client.json("GET", API + "/containers/json?all=1"))
        finally:
            client.close()
        on_engines = sum(r["containers"] for r in rows)
        self.add("manager's `ps -a` count vs the engines' own", "%s vs %s" % (format(listed, ","), format(on_engines, ",")),
                 "equal", listed == on_engines)

    def run(self) -> List[str]:
        settings = self.settings
        fleet_started = time.monotonic()
        fleet = Fleet(settings, os.path.join(self.log_dir, "fleet.log"))
        fleet_seconds = time.monotonic() - fleet_started
        self.fleet_pid = fleet.proc.pid
        manager = Manager("nodes://" + ",".join(fleet.addresses), os.path.join(self.log_dir, "manager-sim.log"))
        load_before = os.getloadavg()
        started = time.time()
        try:
            manager.start()
            startup = manager.wait_healthy(settings.engines, timeout=600)
            rss_start = proc_status(manager.pid, "VmRSS")
            canned = settings.engines * settings.canned
            self.add("start-up: process start until all %d engines are Healthy in `/info` (%s containers)"
                     % (settings.engines, format(canned, ",")), "%.1f s (%.1f CPU-s; %d engine calls timed out)"
                     % (startup, process_cpu_seconds(manager.pid), self.timeouts(manager)))
            self.measure_reads(manager, "at start-up", canned)
            tight = self.race_tight_pool(manager, fleet)
            placed = self.long_run(manager)
            rss_after = proc_status(manager.pid, "VmRSS")
            size = canned + tight + placed
            self.measure_idle(manager)
            if settings.reads_after:
                self.measure_reads(manager, "after the placements", size)
            changes, missed, polls = out_of_band(manager, fleet, "dyoob%s-" % uuid.uuid4().hex[:6], settings.changes, 11)
            self.add("out-of-band create on an engine -> listed by the manager: p50 / p90 / max ms (%d changes; polls %d ms apart, "
                     "each poll, a name-filtered list, took p50 %s ms)" % (len(changes) + missed, POLL * 1000, ms(percentile(polls, 0.5))),
                     "%s / %s / %s%s" % (ms(percentile(changes, 0.5)), ms(percentile(changes, 0.9)), ms(max(changes or [0])),
                                         ", %d never seen" % missed if missed else ""), "p50 <= 1 s",
                     bool(changes) and percentile(changes, 0.5) <= 1.0 and not missed)
            changes, missed, polls = out_of_band(manager, fleet, "dyoobi%s-" % uuid.uuid4().hex[:6], settings.changes // 2, 12,
                                                 inspect=True)
            self.add("the same, probed with `GET /containers/<name>/json` through the manager instead (%d changes; each probe "
                     "took p50 %s ms)" % (len(changes) + missed, ms(percentile(polls, 0.5))),
                     "%s / %s / %s%s" % (ms(percentile(changes, 0.5)), ms(percentile(changes, 0.9)), ms(max(changes or [0])),
                                         ", %d never seen" % missed if missed else ""))
            self.audit(manager, fleet, tight + placed)
            hwm = proc_status(manager.pid, "VmHWM")
            self.add("manager RSS after start-up / after the placements / peak (VmHWM)", "%.0f / %.0f / %.0f MB"
                     % (rss_start / MB, rss_after / MB, hwm / MB), "<= 400 MB", max(rss_start, rss_after, hwm) <= 400 * MB)
            if settings.restart:
                manager.stop()
                manager = Manager(manager.discovery, manager.log_path).start()
                before = self.timeouts(manager)
                again = manager.wait_healthy(settings.engines, timeout=900)
                self.add("start-up again on the grown cluster (%s containers)" % format(size + settings.changes, ","),
                         "%.1f s (%.1f CPU-s; %d engine calls timed out; RSS %.0f MB)" % (
                             again, process_cpu_seconds(manager.pid), self.timeouts(manager) - before,
                             proc_status(manager.pid, "VmRSS") / MB))
        finally:
            manager.stop()
            fleet.stop()
        load_after = os.getloadavg()
        lines = ["SIMULATION (fakedocker via capacity_fleet.py, plain HTTP on 127.0.0.1, not Docker; nothing runs): %d engines "
                 "(fleet up in %.1f s), %d canned containers each, every placement `--cpus %s` (`HostConfig.NanoCpus`), "
                 "engine CPUs set so %s more fit per engine (tight pool: 1-4); the manager with its defaults (spread, "
                 "refresh 30-60 s). %s mode, %s UTC; load average %.2f / %.2f / %.2f at the start, %.2f / %.2f / %.2f at the end."
                 % (settings.engines, fleet_seconds, settings.canned, REQUEST_CPUS, settings.slots.replace(":", "-"),
                    settings.name, time.strftime("%Y-%m-%d %H:%M", time.gmtime(started)), *load_before, *load_after), ""]
        lines += table(["measurement", "result", "goal", "", "classic Swarm 1.0, 4 CPUs, 2015"], self.rows)
        if self.notes:
            lines += [""] + ["* " + note for note in self.notes]
        return lines


def run_sim(settings: Settings, log_dir: str) -> List[str]:
    return SimRun(settings, log_dir).run()
