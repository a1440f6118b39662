# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routing benchmark: container start/stop -> registrator -> Consul -> routing watcher -> nginx, end to end.

Real processes only: the registrator agent (`python -m ..._registrator`) on one lab engine over TLS,
writing into the lab's Consul (127.0.0.1:8500) under a fresh ``bench-route-*`` prefix; the routing
watcher (`python -m ..._routing`) following that prefix and reloading an nginx of this benchmark's own
(127.0.0.1:<free port>, config, pid, logs and temp files in a temporary directory). Needs the lab
(`python -m tests.lab up`) and /usr/sbin/nginx. Measured:

1. propagation (``--runs``, watcher with its default coalescing, --wait-min 0.5s --wait-max 5s):
   `docker start` of a busybox httpd container with a published port and SERVICE_NAME -> first 200
   from ``/<service>/``, split into start -> KV key visible -> watcher's reload -> first 200; and
   `docker stop` -> first 502, KV key gone, reload that withdraws the backend.
2. a burst of ``--burst`` containers (distinct SERVICE_NAMEs) started at once: nginx reloads and the
   time until every route answers, watcher with its default coalescing vs coalescing off
   (--wait-min 0s --wait-max 0s), bursts alternating between the two in one run.

KV times come from a blocking query on the prefix (this process); HTTP, the watcher's log
(``reloaded nginx``) and nginx's error log (``SIGHUP``) are polled every 20 ms. Every loop
is bounded in count and time; containers, the KV prefix, processes and files are removed at the
end, also on failure. Prints markdown tables.

    python benchmarks/bench_routing.py [--quick] [--runs 7] [--burst 20] [--rounds 3] [--node node-1]

``--quick`` (what `make bench` runs): 3 propagation runs, one burst of 5 per watcher setting.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COLLECTIONS = os.path.join(REPO, ".venv", "collections")
sys.path.insert(0, REPO)

from tests.integration.helpers import engine_client, free_port, stop_process  # noqa: E402
NGINX = "/usr/sbin/nginx"
AGENTS = "ansible_collections.dockyard.swarm.plugins.module_utils"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
HTTPD = "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"  # as PID 1 a bare httpd ignores SIGTERM: stop would wait
POLL = 0.02  # seconds between two polls of HTTP and the logs
STEP_TIMEOUT = 30.0  # seconds for one propagation step
BURST_TIMEOUT = 90.0  # seconds for a whole burst to be routed
SETTLE = 1.5  # seconds of quiet after a burst before its reloads are counted
SETTINGS = (("default", "0.5s", "5s"), ("off", "0s", "0s"))  # watcher coalescing: label, --wait-min, --wait-max


class BenchError(Exception):
    """A step did not complete in time (the benchmark stops, cleaning up)."""


def lab_env() -> Dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "tests.lab", "env", "--json"], cwd=REPO, capture_output=True, text=True,
                          timeout=60, check=False)
    if proc.returncode != 0:
        raise SystemExit("the lab is not up (python -m tests.lab up):\n" + proc.stderr)
    return json.loads(proc.stdout)


def status(url: str) -> int:
    """HTTP status of a GET (0: no answer)."""
    try:
        with OPENER.open(url, timeout=3) as answer:
            answer.read()
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def poll(checks: Dict[str, Callable[[], bool]], timeout: float) -> Dict[str, float]:
    """Call each pending check every POLL s until all held or ``timeout``; {name: monotonic time it first held}."""
    found: Dict[str, float] = {}
    deadline = time.monotonic() + timeout
    while len(found) < len(checks) and time.monotonic() < deadline:
        for name, check in checks.items():
            if name not in found and check():
                found[name] = time.monotonic()
        time.sleep(POLL)
    return found


def child_env() -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DOCKER_", "CONSUL_", "SWARM_"))}
    env["PYTHONPATH"] = COLLECTIONS
    env.pop("REQUESTS_CA_BUNDLE", None)
    return env


def start_process(argv: List[str], log: str) -> "subprocess.Popen[bytes]":
    with open(log, "ab") as stream:
        return subprocess.Popen(argv, cwd=REPO, env=child_env(), stdout=stream, stderr=subprocess.STDOUT)  # noqa: S603


def read(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


class KeyWatch(threading.Thread):
    """Blocking queries on ``<prefix>/?keys``: when each key appeared and went (monotonic clock of this process)."""

    def __init__(self, consul: str, prefix: str) -> None:
        super().__init__(daemon=True)
        self.url = "http://%s/v1/kv/%s/?keys&wait=10s&index=" % (consul, urllib.parse.quote(prefix))
        self.prefix = prefix
        self.events: List[Tuple[float, str, str]] = []  # (time, "put" | "del", key)
        self.current: set = set()
        self.lock = threading.Lock()
        self.halt = threading.Event()
        self.failures = 0

    def run(self) -> None:
        index = 0
        while not self.halt.is_set() and self.failures < 50:
            try:
                with OPENER.open(self.url + str(index), timeout=20) as answer:
                    keys, new_index = set(json.loads(answer.read() or b"[]")), int(answer.headers.get("X-Consul-Index", 0))
            except urllib.error.HTTPError as exc:
                if exc.code != 404:
                    self.failures += 1
                    time.sleep(0.5)
                    continue
                keys, new_index = set(), int(exc.headers.get("X-Consul-Index", 0))
            except (OSError, ValueError):
                self.failures += 1
                time.sleep(0.5)
                continue
            now = time.monotonic()
            with self.lock:
                self.events += [(now, "put", key) for key in sorted(keys - self.current)]
                self.events += [(now, "del", key) for key in sorted(self.current - keys)]
                self.current = keys
            index = max(1, new_index) if new_index >= index else 0

    def first(self, service: str, kind: str, after: float) -> Optional[float]:
        """When a key of ``service`` was first put (or deleted) after ``after``."""
        start = "%s/%s/" % (self.prefix, service)
        with self.lock:
            return min((when for when, what, key in self.events if what == kind and when >= after and key.startswith(start)),
                       default=None)

    def count(self) -> int:
        with self.lock:
            return len(self.current)


class Stack:
    """The registrator, nginx and (per measurement) the routing watcher, with everything they leave behind."""

    def __init__(self, lab: Dict[str, Any], node: str, workdir: str) -> None:
        self.lab = lab
        self.engine = next(item for item in lab["engines"] if item["name"] == node)
        self.ip = self.engine["addr"].rsplit(":", 1)[0]
        self.tag = uuid.uuid4().hex[:8]
        self.prefix = "bench-route-%s" % self.tag
        self.workdir = workdir
        self.client = engine_client(lab, self.engine["name"], timeout=30)
        self.containers: List[str] = []
        self.procs: List["subprocess.Popen[bytes]"] = []
        self.keys = KeyWatch(lab["consul"], self.prefix)
        self.nginx_dir = os.path.join(workdir, "nginx")
        self.conf = os.path.join(self.nginx_dir, "nginx.conf")
        self.routes = os.path.join(self.nginx_dir, "routes.conf")
        self.error_log = os.path.join(self.nginx_dir, "error.log")
        self.listen = "127.0.0.1:%d" % free_port()
        self.registrator_log = os.path.join(workdir, "registrator.log")
        self.watcher_log = ""

    # processes
    def start_registrator(self) -> None:
        argv = [sys.executable, "-m", AGENTS + "._registrator", "--docker-host", self.engine["docker_host"], "--tls-verify",
                "--cert-path", self.lab["tls"]["cert_path"], "--ip", self.ip, "--hostname", self.prefix, "--explicit",
                "--deregister-on-exit", "--retry-interval", "1s", "consulkv://%s/%s" % (self.lab["consul"], self.prefix)]
        self.procs.append(start_process(argv, self.registrator_log))

    def start_nginx(self) -> None:
        temps = [os.path.join(self.nginx_dir, name) for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
        for path in temps:
            os.makedirs(path)
        with open(self.routes, "w", encoding="utf-8") as handle:
            handle.write("# no routes yet\n")
        lines = ["daemon off;", "worker_processes 1;", "pid %s/nginx.pid;" % self.nginx_dir, "error_log %s notice;" % self.error_log,
                 "events { worker_connections 256; }", "http {", "    access_log off;"]
        lines += ["    %s_temp_path %s;" % (os.path.basename(path), path) for path in temps]
        lines += ["    include %s;" % self.routes, "}", ""]
        with open(self.conf, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))
        proc = start_process([NGINX, "-c", self.conf, "-e", self.error_log], os.path.join(self.workdir, "nginx.log"))
        self.procs.append(proc)
        if not poll({"pid": lambda: os.path.exists(os.path.join(self.nginx_dir, "nginx.pid"))}, 15):
            raise BenchError("nginx did not start:\n" + read(os.path.join(self.workdir, "nginx.log"))[-2000:])

    @contextlib.contextmanager
    def watcher(self, label: str, wait_min: str, wait_max: str) -> Iterator[None]:
        """A routing watcher with this coalescing, from an empty routes file; stopped at the end."""
        with open(self.routes, "w", encoding="utf-8") as handle:
            handle.write("# no routes yet\n")
        self.watcher_log = os.path.join(self.workdir, "watcher-%s-%d.log" % (label, len(self.procs)))
        argv = [sys.executable, "-m", AGENTS + "._routing", "--output", self.routes, "--nginx", NGINX, "--nginx-conf", self.conf,
                "--listen", self.listen, "--wait-min", wait_min, "--wait-max", wait_max,
                "consul://%s/%s" % (self.lab["consul"], self.prefix)]
        proc = start_process(argv, self.watcher_log)
        self.procs.append(proc)
        try:
            if not poll({"first render": lambda: self.reloads() >= 1 and status(self.url("")) == 404}, STEP_TIMEOUT):
                raise BenchError("the watcher's first render did not happen:\n" + read(self.watcher_log)[-2000:])
            yield
        finally:
            stop_process(proc)

    def reloads(self) -> int:
        return read(self.watcher_log).count("reloaded nginx")

    def sighups(self) -> int:
        return read(self.error_log).count("(SIGHUP) received")

    def url(self, service: str) -> str:
        return "http://%s/%s/" % (self.listen, service) if service else "http://%s/" % self.listen

    # containers
    def create(self, service: str) -> str:
        created = self.client.create_container(self.lab["image"]["name"], ["sh", "-c", HTTPD], name="%s-%s" % (self.prefix, service),
                                               environment=["SERVICE_NAME=%s" % service], ports=[80],
                                               host_config=self.client.create_host_config(port_bindings={80: None}))
        self.containers.append(created["Id"])
        return created["Id"]

    def backend(self, container: str) -> str:
        port = self.client.inspect_container(container)["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"]
        return "%s:%s" % (self.ip, port)

    def remove(self, containers: List[str]) -> None:
        """Force-remove containers in parallel (bounded), then wait until the prefix is empty in Consul."""
        def worker(ids: List[str]) -> None:
            client = engine_client(self.lab, self.engine["name"], timeout=30)
            try:
                for container in ids:
                    with contextlib.suppress(Exception):
                        client.remove_container(container, force=True)
            finally:
                client.close()

        threads = [threading.Thread(target=worker, args=(containers[number::4],), daemon=True) for number in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.containers = [item for item in self.containers if item not in containers]
        if not poll({"empty": lambda: self.keys.count() == 0}, STEP_TIMEOUT):
            raise BenchError("the registrator did not remove the keys of removed containers:\n" + read(self.registrator_log)[-2000:])

    def cleanup(self) -> List[str]:
        """Everything this benchmark made, whatever state it is in; returns the problems met."""
        problems = []
        for proc in reversed(self.procs):  # watchers, nginx, then the registrator
            with contextlib.suppress(Exception):
                stop_process(proc)
        try:
            for item in self.client.containers(all=True, filters={"name": self.prefix}):
                self.client.remove_container(item["Id"], force=True)
        except Exception as exc:  # noqa: BLE001 - report, keep cleaning
            problems.append("containers: %s" % exc)
        for container in self.containers:
            with contextlib.suppress(Exception):
                self.client.remove_container(container, force=True)
        self.keys.halt.set()
        try:
            request = urllib.request.Request("http://%s/v1/kv/%s?recurse" % (self.lab["consul"], self.prefix), method="DELETE")
            OPENER.open(request, timeout=10).close()
        except OSError as exc:
            problems.append("consul: %s" % exc)
        self.client.close()
        return problems


def propagation(stack: Stack, number: int) -> Dict[str, float]:
    """One start -> 200 and stop -> 502 / route withdrawn, with the split."""
    service = "p%02d" % number
    container = stack.create(service)
    url = stack.url(service)
    base = stack.reloads()
    began = time.monotonic()
    stack.client.start(container)
    returned = time.monotonic()
    found = poll({"reload": lambda: stack.reloads() > base, "200": lambda: status(url) == 200}, STEP_TIMEOUT)
    put = stack.keys.first(service, "put", began)
    if "200" not in found or "reload" not in found or put is None:
        raise BenchError("%s: no route after %ss (%s):\n%s" % (service, STEP_TIMEOUT, sorted(found), read(stack.watcher_log)[-2000:]))
    backend = stack.backend(container)
    time.sleep(0.3)
    base = stack.reloads()
    stopped = time.monotonic()
    stack.client.stop(container, timeout=5)
    stop_returned = time.monotonic()
    gone = poll({"502": lambda: status(url) == 502,
                 "withdrawn": lambda: stack.reloads() > base and backend not in read(stack.routes)}, STEP_TIMEOUT)
    deleted = stack.keys.first(service, "del", stopped)
    if "502" not in gone or "withdrawn" not in gone or deleted is None:
        raise BenchError("%s: not withdrawn after %ss (%s)" % (service, STEP_TIMEOUT, sorted(gone)))
    stack.remove([container])
    return {"start call": returned - began, "start -> KV": put - began, "KV -> reload": found["reload"] - put,
            "reload -> 200": found["200"] - found["reload"], "start -> 200": found["200"] - began,
            "stop call": stop_returned - stopped, "stop -> 502": gone["502"] - stopped, "stop -> KV gone": deleted - stopped,
            "KV gone -> withdrawn": gone["withdrawn"] - deleted, "stop -> withdrawn": gone["withdrawn"] - stopped}


def burst(stack: Stack, label: str, count: int, round_number: int) -> Dict[str, float]:
    """``count`` containers started at once: reloads and time until every route answers (the watcher already runs)."""
    services = ["b%d%s-%02d" % (round_number, label[0], number) for number in range(count)]
    containers = [stack.create(service) for service in services]
    clients = [engine_client(stack.lab, stack.engine["name"], timeout=30) for unused in containers]
    try:
        for client in clients:
            client.version(api_version=False)  # TLS handshake and connection before the clock starts
        base, base_nginx = stack.reloads(), stack.sighups()
        gate = threading.Barrier(count + 1, timeout=60)
        errors: List[str] = []

        def start(client: Any, container: str) -> None:
            try:
                gate.wait()
                client.start(container)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(str(exc))

        threads = [threading.Thread(target=start, args=pair, daemon=True) for pair in zip(clients, containers)]
        for thread in threads:
            thread.start()
        gate.wait()
        began = time.monotonic()
        pending = list(services)

        def all_routed() -> bool:
            while pending and status(stack.url(pending[0])) == 200:  # one request per poll while waiting
                pending.pop(0)
            return not pending

        found = poll({"all": all_routed}, BURST_TIMEOUT)
        for thread in threads:
            thread.join(timeout=60)
        if errors or "all" not in found:
            raise BenchError("burst %s: %d routes missing after %ss; start errors: %s" % (label, len(pending), BURST_TIMEOUT, errors[:3]))
        until_answer = stack.reloads() - base
        time.sleep(SETTLE)
        puts = [stack.keys.first(service, "put", began) for service in services]
        result = {"all routed": found["all"] - began, "reloads": float(stack.reloads() - base),
                  "reloads until routed": float(until_answer), "nginx SIGHUPs": float(stack.sighups() - base_nginx),
                  "first key in KV": min(item for item in puts if item is not None) - began if any(puts) else float("nan"),
                  "all keys in KV": max(item for item in puts if item is not None) - began if all(puts) else float("nan")}
    finally:
        for client in clients:
            client.close()
    stack.remove(containers)
    return result


def quantile(values: List[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)  # linear interpolation between closest ranks
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def nginx_version() -> str:
    proc = subprocess.run([NGINX, "-v"], capture_output=True, text=True, timeout=10, check=False)
    return (proc.stderr or proc.stdout).strip().split("/")[-1]


def machine() -> str:
    model = platform.machine()
    with contextlib.suppress(OSError):
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
    return "%s, %d cores, Python %s, nginx %s" % (model, os.cpu_count() or 0, platform.python_version(), nginx_version())


def load() -> str:
    return " ".join("%.2f" % value for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="propagation runs (start -> 200, stop -> 502)")
    parser.add_argument("--burst", type=int, default=20, help="containers started at once per burst")
    parser.add_argument("--rounds", type=int, default=3, help="bursts per watcher setting (they alternate)")
    parser.add_argument("--node", default="node-1", help="the lab engine the containers and the registrator use")
    parser.add_argument("--quick", action="store_true", help="3 runs, one burst of 5 per setting")
    args = parser.parse_args()
    runs, count, rounds = (3, 5, 1) if args.quick else (max(1, min(args.runs, 50)), max(1, min(args.burst, 50)), max(1, min(args.rounds, 10)))
    if not os.access(NGINX, os.X_OK):
        raise SystemExit("%s is needed" % NGINX)
    lab = lab_env()
    if not lab.get("consul") or args.node not in [item["name"] for item in lab["engines"]]:
        raise SystemExit("the lab needs Consul and engine %s" % args.node)

    started_at = datetime.datetime.now(datetime.timezone.utc)
    load_start = load()
    workdir = tempfile.mkdtemp(prefix="bench-route-")
    stack = Stack(lab, args.node, workdir)
    samples: List[Dict[str, float]] = []
    bursts: Dict[str, List[Dict[str, float]]] = {label: [] for label, unused_min, unused_max in SETTINGS}
    problems: List[str] = []
    engine_version = "?"
    try:
        engine_version = stack.client.version(api_version=False).get("Version", "?")
        stack.keys.start()
        stack.start_nginx()
        stack.start_registrator()
        with stack.watcher(*SETTINGS[0]):
            propagation(stack, 99)  # warm-up, not counted: the registrator's first write, nginx's first route
            samples = [propagation(stack, number) for number in range(runs)]
        load_mid = load()
        for round_number in range(rounds):  # alternate which setting goes first, so that drifting load hits both alike
            order = SETTINGS if round_number % 2 == 0 else tuple(reversed(SETTINGS))
            for label, wait_min, wait_max in order:
                with stack.watcher(label, wait_min, wait_max):
                    bursts[label].append(burst(stack, label, count, round_number))
    finally:
        problems = stack.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    load_end = load()

    print("machine: %s; engine %s (dockerd %s, TLS, lab on this machine)" % (machine(), args.node, engine_version))
    print("date: %s UTC, %.0f s; load average (1/5/15 min): start %s, after propagation %s, end %s"
          % (started_at.strftime("%Y-%m-%d %H:%M"), (datetime.datetime.now(datetime.timezone.utc) - started_at).total_seconds(),
             load_start, load_mid, load_end))
    print("command: python %s" % " ".join(["benchmarks/bench_routing.py"] + sys.argv[1:]))
    print("KV prefix %s (removed); polls every %d ms%s" % (stack.prefix, POLL * 1000, "; CLEANUP PROBLEMS: %s" % problems if problems else ""))
    print()
    print("Propagation, %d runs (+1 warm-up), watcher --wait-min 0.5s --wait-max 5s; seconds:" % runs)
    print()
    print("| step | median | p90 | min | max |")
    print("|---|---:|---:|---:|---:|")
    for step in samples[0]:
        values = [sample[step] for sample in samples]
        print("| %s | %.3f | %.3f | %.3f | %.3f |" % (step, statistics.median(values), quantile(values, 0.9), min(values), max(values)))
    print()
    print("Burst of %d containers started at once, %d burst(s) per setting, alternating; median (min-max):" % (count, rounds))
    print()
    print("| watcher | reloads | reloads until all routed | nginx SIGHUPs | first key in KV, s | all keys in KV, s | all %d routes answer, s |"
          % count)
    print("|---|---:|---:|---:|---:|---:|---:|")
    medians: Dict[str, Dict[str, float]] = {}
    for label, wait_min, wait_max in SETTINGS:
        cells = []
        medians[label] = {}
        for key, form in (("reloads", "%.0f"), ("reloads until routed", "%.0f"), ("nginx SIGHUPs", "%.0f"),
                          ("first key in KV", "%.2f"), ("all keys in KV", "%.2f"), ("all routed", "%.2f")):
            values = [item[key] for item in bursts[label]]
            medians[label][key] = statistics.median(values)
            cells.append((form + " (" + form + "-" + form + ")") % (medians[label][key], min(values), max(values)))
        print("| %s (--wait-min %s --wait-max %s) | %s |" % (label, wait_min, wait_max, " | ".join(cells)))
    off, default = medians["off"], medians["default"]
    print()
    for label, unused_min, unused_max in SETTINGS:
        reloads = [int(item["reloads"]) for item in bursts[label]]
        routed = ["%.2f" % item["all routed"] for item in bursts[label]]
        print("%s, each burst in order: reloads %s; all routed (s) %s" % (label, reloads, routed))
    print("ratios off / default (medians): reloads %.1fx, time until all routes answer %.2fx"
          % (off["reloads"] / max(default["reloads"], 1), off["all routed"] / default["all routed"]))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
