# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pieces shared by the two halves of benchmarks/bench_manager.py: the manager process, timed HTTP calls,
percentiles and markdown tables.

The client is plain ``http.client`` with one keep-alive connection per ``Client`` (one per thread), so
a figure is the request as a Docker client sees it, measured at the client: send, the manager's work,
the answer read to its last byte.
"""
from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._manager"
SETTINGS = {"collections": os.path.join(REPO, ".venv", "collections")}  # where the manager is imported from (--collections)
API = "/v1.41"
REQUEST_TIMEOUT = 120.0  # seconds per HTTP request: a 1,000-engine listing is tens of MB
STOP_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between the closest ranks (share 0.5 = median); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ms(seconds: float) -> str:
    return "%.1f" % (seconds * 1000.0)


def verdict(met: bool) -> str:
    return "**PASS**" if met else "**MISS**"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> List[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for unused in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


def tls_context(cert_dir: str) -> ssl.SSLContext:
    """A client context with the lab's CA and client certificate (what DOCKER_TLS_VERIFY=1 does)."""
    context = ssl.create_default_context(cafile=os.path.join(cert_dir, "ca.pem"))
    context.load_cert_chain(os.path.join(cert_dir, "cert.pem"), os.path.join(cert_dir, "key.pem"))
    return context


class Client:
    """One keep-alive HTTP(S) connection; ``call`` returns (status, body, seconds)."""

    def __init__(self, addr: str, context: Optional[ssl.SSLContext] = None, timeout: float = REQUEST_TIMEOUT) -> None:
        host, port = addr.rsplit(":", 1)
        self.host, self.port, self.context, self.timeout = host, int(port), context, timeout
        self.conn: Optional[http.client.HTTPConnection] = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            if self.context is not None:
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def call(self, method: str, path: str, body: Any = None) -> Tuple[int, bytes, float]:
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if payload is not None else {}
        for attempt in (1, 2):
            conn = self._connect()
            started = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()  # an idle keep-alive connection the server closed: retry reads once, never a POST
                if attempt == 2 or method != "GET":
                    raise
                continue
            elapsed = time.perf_counter() - started
            if (response.getheader("Connection") or "").lower() == "close":
                self.close()
            return response.status, data, elapsed
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, body: Any = None, expect: Sequence[int] = (200,)) -> Any:
        status, data, unused_elapsed = self.call(method, path, body)
        if status not in expect:
            raise RuntimeError("%s %s answered %d: %s" % (method, path, status, data[:500].decode(errors="replace")))
        return json.loads(data) if data else None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def healthy_engines(info: Dict[str, Any]) -> int:
    return sum(1 for key, value in info.get("SystemStatus") or [] if key.strip().endswith("Status") and value == "Healthy")


def proc_status(pid: int, field: str) -> int:
    """A /proc/<pid>/status field in kB (VmRSS, VmHWM); 0 if the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/<pid>/stat)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


class Manager:
    """``python -m ..._manager manage`` in a process of its own, logging to a file."""

    def __init__(self, discovery: str, log_path: str, cert_dir: Optional[str] = None, extra: Sequence[str] = ()) -> None:
        self.port = free_port()
        self.addr = "127.0.0.1:%d" % self.port
        self.discovery = discovery
        self.log_path = log_path
        self.cert_dir = cert_dir
        self.extra = list(extra)
        self.proc: Optional[subprocess.Popen] = None
        self.started = 0.0

    def command(self) -> List[str]:
        command = [sys.executable, "-m", MODULE, "manage", "-H", "tcp://" + self.addr]
        if self.cert_dir:
            command += ["--tlsverify", "--tlscacert=%s/ca.pem" % self.cert_dir, "--tlscert=%s/cert.pem" % self.cert_dir,
                        "--tlskey=%s/key.pem" % self.cert_dir]
        return command + self.extra + ["--discovery", self.discovery]

    def start(self) -> "Manager":
        env = {key: value for key, value in os.environ.items()
               if key not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SWARM_HOST", "SWARM_DISCOVERY", "DEBUG")}
        env["PYTHONPATH"] = "%s:%s" % (SETTINGS["collections"], REPO)
        with open(self.log_path, "a") as log:
            self.started = time.monotonic()
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, cwd=REPO)
        return self

    @property
    def pid(self) -> int:
        return self.proc.pid if self.proc is not None else 0

    def client(self) -> Client:
        return Client(self.addr, tls_context(self.cert_dir) if self.cert_dir else None)

    def wait_healthy(self, count: int, timeout: float, poll: float = 0.5) -> float:
        """Seconds from the process start until ``/info`` shows ``count`` Healthy engines."""
        client = self.client()
        deadline = self.started + timeout
        seen = 0
        try:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError("the manager exited (%s); its log:\n%s" % (self.proc.returncode, self.log_tail()))
                try:
                    status, data, unused_elapsed = client.call("GET", API + "/info")
                except OSError:
                    client.close()
                    time.sleep(poll)
                    continue
                if status == 200:
                    seen = healthy_engines(json.loads(data))
                    if seen >= count:
                        return time.monotonic() - self.started
                time.sleep(poll)
        finally:
            client.close()
        raise RuntimeError("only %d of %d engines Healthy after %.0f s; manager log:\n%s" % (seen, count, timeout, self.log_tail()))

    def log_tail(self, size: int = 3000) -> str:
        try:
            with open(self.log_path, errors="replace") as handle:
                return handle.read()[-size:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
