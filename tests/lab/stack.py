# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed's service-discovery and routing layers on the lab, for `make demo`.

On real hosts the `registrator` and `routing` roles run these agents as systemd services; here the same
code runs as lab processes in the root namespace: one registrator agent per engine (over TLS, publishing
the engine's address and its hostname as the service-id prefix) writing `<prefix>/<service>/<id>` into
the lab's Consul, and one routing watcher re-rendering an nginx of its own on 127.0.0.1. `down` stops
them with the rest of the lab (they have pid files like every lab process).
"""
from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from . import LabError, manager
from .config import DATA_DIR, REPO_ROOT, RUN_DIR
from .procs import agent_env, http_status, port_in_use, read_pid, start, stop, wait_until

NGINX = "/usr/sbin/nginx"
AGENTS = "ansible_collections.dockyard.swarm.plugins.module_utils"
STACK_RUN = RUN_DIR / "stack"
STACK_LOGS = DATA_DIR / "logs"


def _nginx_conf(listen: str, routes: Path) -> str:
    work = STACK_RUN / "nginx"
    lines = [
        f"pid {work}/nginx.pid;",
        f"error_log {STACK_LOGS}/stack-nginx-error.log;",
        "daemon off;",
        "worker_processes 1;",
        "events { worker_connections 256; }",
        "http {",
        f"    access_log {STACK_LOGS}/stack-nginx-access.log;",
    ]
    lines += [f"    {name}_temp_path {work}/{name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")]
    lines += [
        f"    include {routes};",
        # the router's own health endpoint, on the same port, so readiness does not depend on routes
        "    server {",
        f"        listen {listen};",
        "        server_name router.health;",
        "        location = /health { return 200 'ok\\n'; }",
        "    }",
        "}",
        "",
    ]
    return "\n".join(lines)


def up(env: dict[str, Any], listen: str = "127.0.0.1:8080", prefix: str = "services", ttl: str = "10s",
       manager_port: int | None = None, log=print) -> dict[str, Any]:
    """Start (or keep) the registrator agents, nginx, the routing watcher and the manager; idempotent."""
    consul = env.get("consul")
    if not consul:
        raise LabError("the stack needs the lab's Consul (the lab was started with --no-consul)")
    python = sys.executable
    penv = agent_env()
    cert_path = env["tls"]["cert_path"]
    agents = []
    for engine in env["engines"]:
        name = f"stack-registrator-{engine['name']}"
        if read_pid(name) is None:
            argv = [python, "-m", f"{AGENTS}._registrator", "--docker-host", engine["docker_host"],
                    "--tls-verify", "--cert-path", cert_path, "--ip", engine["addr"].rsplit(":", 1)[0],
                    "--hostname", engine["name"], "--ttl", ttl, "--resync", "30s", f"consulkv://{consul}/{prefix}"]
            _start(name, argv, penv)
        agents.append(name)
    work = STACK_RUN / "nginx"
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    routes = work / "routes.conf"
    conf = work / "nginx.conf"
    if not routes.exists():
        routes.write_text("# no routes yet\n")
    host, port = listen.rsplit(":", 1)
    if read_pid("stack-nginx") is None:
        if port_in_use(host, int(port)):
            raise LabError(f"{listen} is in use: give another address with --listen")
        conf.write_text(_nginx_conf(listen, routes))
        _start("stack-nginx", [NGINX, "-c", str(conf), "-e", str(STACK_LOGS / "stack-nginx-error.log")], penv)
        wait_until("the stack's nginx", lambda: _get(f"http://{listen}/health", "router.health") == 200, 15,
                   STACK_LOGS / "stack-nginx.log")
    if read_pid("stack-routing") is None:
        argv = [python, "-m", f"{AGENTS}._routing", "--output", str(routes), "--nginx-conf", str(conf),
                "--listen", listen, "--wait-min", "0.2s", "--wait-max", "2s", f"consul://{consul}/{prefix}"]
        _start("stack-routing", argv, penv)
    docker_endpoint = manager.up(env, port=manager_port, log=log)
    return {"router": f"http://{listen}", "prefix": prefix, "agents": agents, "routes": str(routes),
            "logs": str(STACK_LOGS), "manager": docker_endpoint}


def down() -> list[str]:
    """Stop the stack's processes and the manager (the lab keeps running)."""
    names = ["stack-routing", "stack-nginx"] + sorted(p.stem for p in (RUN_DIR / "pids").glob("stack-registrator-*.pid"))
    stopped = [name for name in names if stop(name, timeout=10.0)]
    return stopped + ([manager.PROCESS] if manager.down() else [])


def _start(name: str, argv: list[str], penv: dict[str, str]) -> None:
    """Start one process; fail with its last log lines when it dies within a second (bad arguments)."""
    log = STACK_LOGS / f"{name}.log"
    start(name, argv, log, cwd=REPO_ROOT, env=penv)
    time.sleep(1.0)
    if read_pid(name) is not None:
        return
    tail = "\n    ".join(log.read_text(errors="replace").splitlines()[-8:])
    raise LabError(f"{name} exited at once; last log lines:\n    {tail}")


def _get(url: str, host: str | None = None) -> int:
    return http_status(urllib.request.Request(url, headers={"Host": host} if host else {}))


def status() -> dict[str, Any]:
    names = ["stack-nginx", "stack-routing"] + sorted(p.stem for p in (RUN_DIR / "pids").glob("stack-registrator-*.pid"))
    return {name: read_pid(name) is not None for name in names}
