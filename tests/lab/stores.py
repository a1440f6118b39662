# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The discovery stores on 127.0.0.1: a Consul dev agent, etcd and ZooKeeper."""
from __future__ import annotations

import json
import shutil
import socket
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import LabError
from .config import DATA_DIR, LabConfig, consul_binary
from .procs import port_in_use, read_pid, start, stop, wait_until

HOST = "127.0.0.1"


@dataclass
class Store:
    name: str
    port: int
    argv: Callable[[int], list[str]]
    ready: Callable[[int], bool]

    @property
    def log(self) -> Path:
        return DATA_DIR / "logs" / f"{self.name}.log"

    @property
    def endpoint(self) -> str:
        return f"{HOST}:{self.port}"


def _http_json(url: str):
    with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310 - loopback only
        return json.loads(resp.read() or b"null")


def _consul_argv(port: int) -> list[str]:
    return [consul_binary(), "agent", "-dev", "-node", "lab-consul", "-bind", HOST, "-client", HOST,
            "-http-port", str(port), "-dns-port", "-1", "-grpc-port", "-1",
            "-serf-lan-port", str(port + 1001), "-serf-wan-port", str(port + 1002),
            "-server-port", str(port + 1000), "-log-level", "warn"]


def _consul_ready(port: int) -> bool:
    return bool(_http_json(f"http://{HOST}:{port}/v1/status/leader"))


def _etcd_argv(port: int) -> list[str]:
    binary = shutil.which("etcd") or "/usr/bin/etcd"
    data = DATA_DIR / "etcd"
    peer = f"http://{HOST}:{port + 1}"
    return [binary, "--name", "lab", "--data-dir", str(data),
            "--listen-client-urls", f"http://{HOST}:{port}", "--advertise-client-urls", f"http://{HOST}:{port}",
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", f"lab={peer}", "--log-level", "warn"]


def _etcd_ready(port: int) -> bool:
    return _http_json(f"http://{HOST}:{port}/health").get("health") == "true"


def _zk_argv(port: int) -> list[str]:
    data = DATA_DIR / "zookeeper"
    data.mkdir(parents=True, exist_ok=True)
    cfg = data / "zoo.cfg"
    cfg.write_text(f"tickTime=2000\ndataDir={data}/data\nclientPort={port}\nclientPortAddress={HOST}\n"
                   "admin.enableServer=false\n4lw.commands.whitelist=ruok,stat,srvr\nmaxSessionTimeout=60000\n")
    java = shutil.which("java") or "/usr/bin/java"
    jar = Path("/usr/share/java/zookeeper.jar")
    if not jar.exists():
        raise LabError("ZooKeeper is not installed (/usr/share/java/zookeeper.jar missing): run `make deps`, "
                       "or skip it with --no-zookeeper")
    return [java, "-Xmx256m", "-Dzookeeper.log.dir=" + str(data), "-cp", f"/etc/zookeeper/conf:{jar}",
            "org.apache.zookeeper.server.ZooKeeperServerMain", str(cfg)]


def _zk_ready(port: int) -> bool:
    with socket.create_connection((HOST, port), timeout=2) as sock:
        sock.sendall(b"ruok")
        return sock.recv(16) == b"imok"


def stores(cfg: LabConfig) -> list[Store]:
    out = []
    if cfg.consul:
        out.append(Store("consul", cfg.consul_port, _consul_argv, _consul_ready))
    if cfg.etcd:
        out.append(Store("etcd", cfg.etcd_port, _etcd_argv, _etcd_ready))
    if cfg.zookeeper:
        out.append(Store("zookeeper", cfg.zookeeper_port, _zk_argv, _zk_ready))
    return out


def ensure_running(store: Store) -> str:
    if read_pid(store.name):
        return "running"
    if port_in_use(HOST, store.port):
        raise LabError(f"{store.name}: port {store.endpoint} is already in use by another program; stop it, "
                       f"choose another port (--{store.name}-port) or skip it (--no-{store.name})")
    start(store.name, store.argv(store.port), store.log, cwd=DATA_DIR)
    return "started"


def wait_ready(store: Store, timeout: float = 45.0) -> None:
    def check() -> bool:
        if read_pid(store.name) is None:
            raise LabError(f"{store.name} exited")
        return store.ready(store.port)

    wait_until(f"{store.name} at {store.endpoint}", check, timeout, store.log)


def stop_store(name: str) -> bool:
    return stop(name, timeout=10.0)


def describe(store: Store) -> dict:
    try:
        ok = bool(store.ready(store.port))
        return {"name": store.name, "endpoint": store.endpoint, "ok": ok}
    except Exception as exc:  # noqa: BLE001
        return {"name": store.name, "endpoint": store.endpoint, "ok": False, "error": str(exc)}
