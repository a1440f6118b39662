# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real dockerd engines: each in its network namespace, with its own hostname, labels and TLS."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import LabError
from .config import CGROUP_PREFIX, DATA_DIR, REGISTRY_ADDR, RUN_DIR, Engine
from .procs import read_pid, start, stop, wait_until


def proc_name(engine: Engine) -> str:
    return f"dockerd-{engine.name}"


def log_path(engine: Engine) -> Path:
    return DATA_DIR / "logs" / f"{engine.name}.log"


def tls_files(engine: Engine) -> dict[str, str]:
    base = DATA_DIR / "tls" / engine.name
    return {"ca": str(DATA_DIR / "tls" / "ca.pem"), "cert": str(base / "cert.pem"), "key": str(base / "key.pem")}


def argv(engine: Engine) -> list[str]:
    dockerd = shutil.which("dockerd") or "/usr/sbin/dockerd"
    config = engine.data_root.parent / f"{engine.name}.daemon.json"
    config.parent.mkdir(parents=True, exist_ok=True)
    # Never read the machine's /etc/docker/daemon.json; and give each engine its own trust key (the engine ID
    # derives from it): by default all would share /etc/docker/key.json and report one ID, which classic
    # Swarm refused as "ID duplicated".
    key = engine.data_root.parent / f"{engine.name}.key.json"
    config.write_text(json.dumps({"deprecated-key-path": str(key)}) + "\n")
    tls = tls_files(engine)
    daemon = [dockerd, "--config-file", str(config),
              "--data-root", str(engine.data_root), "--exec-root", str(engine.exec_root),
              "--pidfile", str(RUN_DIR / f"{engine.name}.dockerd.pid"),
              "-H", f"unix://{engine.socket}", "-H", f"tcp://{engine.addr}",
              "--tlsverify", "--tlscacert", tls["ca"], "--tlscert", tls["cert"], "--tlskey", tls["key"],
              "--cgroup-parent", f"/{CGROUP_PREFIX}{engine.name}", "--shutdown-timeout", "2",
              "--userland-proxy=false",
              # the lab's registry speaks plain HTTP (with htpasswd auth); trusting it here, per engine,
              # leaves the machine's /etc/docker alone
              f"--insecure-registry={REGISTRY_ADDR}"]
    for key, value in sorted(engine.labels.items()):
        daemon += ["--label", f"{key}={value}"]
    # nsenter --net (not `ip netns exec`, which remounts /sys and breaks dockerd's cgroup detection),
    # unshare --uts so that `docker info` reports the engine's own name.
    script = 'hostname "$1"; shift; exec "$@"'
    return ["nsenter", f"--net=/var/run/netns/{engine.netns}", "--", "unshare", "--uts", "--",
            "sh", "-c", script, "sh", engine.name] + daemon


def client(engine: Engine, timeout: int = 10):
    """A docker SDK client over the engine's local unix socket (no TLS needed for lab set-up)."""
    import docker  # installed by the Makefile

    return docker.APIClient(base_url=f"unix://{engine.socket}", version="auto", timeout=timeout)


def tls_client(engine: Engine, tls: dict[str, str], timeout: int = 10):
    import docker

    config = docker.tls.TLSConfig(client_cert=(tls["client_cert"], tls["client_key"]),
                                  ca_cert=tls["ca_path"], verify=True)
    cli = docker.APIClient(base_url=f"https://{engine.addr}", tls=config, version="1.41", timeout=timeout)
    # requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE from the environment override the session's CA
    # (requests issue 3829), which would verify the engine against the system CAs instead of ours.
    cli.trust_env = False
    return cli


def answers(engine: Engine, tls: dict[str, str]) -> bool:
    """True when the engine answers over TLS with its own name and labels."""
    cli = tls_client(engine, tls, timeout=3)
    try:
        info = cli.info()
    finally:
        cli.close()
    labels = dict(item.split("=", 1) for item in info.get("Labels") or [])
    return info.get("Name") == engine.name and all(labels.get(k) == v for k, v in engine.labels.items())


def ensure_running(engine: Engine, tls: dict[str, str]) -> str:
    if read_pid(proc_name(engine)):
        return "running"
    for path in (engine.data_root, engine.exec_root):
        path.mkdir(parents=True, exist_ok=True)
    start(proc_name(engine), argv(engine), log_path(engine))
    return "started"


def wait_ready(engine: Engine, tls: dict[str, str], timeout: float = 45.0) -> None:
    def check() -> bool:
        if read_pid(proc_name(engine)) is None:
            raise LabError(f"dockerd of {engine.name} exited")
        return answers(engine, tls)

    wait_until(f"engine {engine.name} at {engine.docker_host}", check, timeout, log_path(engine))


def stop_engine(engine: Engine) -> bool:
    return stop(proc_name(engine), timeout=20.0)


def describe(engine: Engine, tls: dict[str, str]) -> dict:
    try:
        cli = tls_client(engine, tls, timeout=3)
        try:
            info = cli.info()
        finally:
            cli.close()
    except Exception as exc:  # noqa: BLE001 - report, don't crash status
        return {"name": engine.name, "addr": engine.addr, "ok": False, "error": str(exc).splitlines()[0]}
    return {"name": engine.name, "addr": engine.addr, "ok": True, "containers": info.get("Containers"),
            "labels": info.get("Labels"), "version": info.get("ServerVersion")}
