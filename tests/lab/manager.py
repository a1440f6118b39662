# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's classic `swarm manage` endpoint as a lab process, over TLS, in front of the lab's engines.

Its certificate comes from the lab's CA (127.0.0.1, server and client auth: it is a server to the docker
CLI and a client of the engines). Discovery is the lab's Consul under `lab/`, where the engines are
written with the discovery layer's own `put_node` (what `swarm_node` does), so the manager's Consul
discovery is exercised; `nodes://` when the lab runs without Consul. Clients use the lab's client
certificate folder as DOCKER_CERT_PATH. `manager-up` is idempotent: a running manager with the asked
port and strategy is kept; other options restart it.
"""
from __future__ import annotations

import http.client
import json
import ssl
import sys
import time
from typing import Any, Callable

from . import LabError, certs
from .config import DATA_DIR, REPO_ROOT, RUN_DIR
from .core import locked
from .procs import agent_env, port_in_use, read_pid, start, stop, wait_until

PROCESS = "manager"
HOST = "127.0.0.1"
DEFAULT_PORT = 23770
DEFAULT_STRATEGY = "spread"
STRATEGIES = ("spread", "binpack", "binpacking", "random")
CONSUL_PREFIX = "lab"
HEARTBEAT = "5s"
STATE = RUN_DIR / "manager.json"
LOG = DATA_DIR / "logs" / "manager.log"
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._manager"
COLLECTIONS = REPO_ROOT / ".venv" / "collections"
PING_TIMEOUT = 15.0
HEALTHY_TIMEOUT = 30.0


def discovery_url(env: dict[str, Any]) -> str:
    """The lab's Consul under `lab/` when it runs, else the static engine list."""
    if env.get("consul"):
        return f"consul://{env['consul']}/{CONSUL_PREFIX}"
    return "nodes://" + ",".join(engine["addr"] for engine in env["engines"])


def argv(python: str, tls: dict[str, str], port: int, strategy: str, discovery: str) -> list[str]:
    """The seed's `swarm manage --tlsverify ...` command line, run through the collection's module."""
    return [python, "-m", MODULE, "manage", "--tlsverify", f"--tlscacert={tls['ca_path']}",
            f"--tlscert={tls['client_cert']}", f"--tlskey={tls['client_key']}", "-H", f"tcp://{HOST}:{port}",
            "--strategy", strategy, "--heartbeat", HEARTBEAT, discovery]


def node_states(system_status: list[list[str]] | None) -> dict[str, str]:
    """Engine address -> status ('Healthy', 'Pending', ...) from classic `docker info`'s SystemStatus."""
    states: dict[str, str] = {}
    addr = None
    for entry in system_status or []:
        if len(entry) != 2:
            continue
        key, value = entry
        if not key.startswith(" "):
            addr = value if key not in ("Role", "Strategy", "Filters", "Nodes") else None
            if addr:
                states[addr] = ""
        elif key.strip(" └") == "Status" and addr:
            states[addr] = value
    return states


def unhealthy(wanted: list[str], states: dict[str, str]) -> list[str]:
    """`addr (state)` for each wanted engine the manager does not list as Healthy, in the order wanted."""
    return [f"{addr} ({states.get(addr) or 'not listed'})" for addr in wanted if states.get(addr) != "Healthy"]


def wanted_settings(running: dict[str, Any] | None, port: int | None, strategy: str | None) -> tuple[int, str]:
    """Options not given keep the running manager's (or the defaults), so a bare `manager-up` never restarts it."""
    if strategy is not None and strategy not in STRATEGIES:
        raise LabError(f"--strategy must be one of {', '.join(STRATEGIES)}, not {strategy!r}")
    if port is not None and not 0 < port < 65536:
        raise LabError(f"--port must be a TCP port (1-65535), not {port}")
    running = running or {}
    return (port if port is not None else running.get("port", DEFAULT_PORT),
            strategy if strategy is not None else running.get("strategy", DEFAULT_STRATEGY))


def _require_collection() -> None:
    """The manager and the discovery layer run from the checkout that `make venv` links into the venv."""
    if not (COLLECTIONS / "ansible_collections" / "dockyard" / "swarm").exists():
        raise LabError(f"{COLLECTIONS}/ansible_collections/dockyard/swarm is missing: run `make venv`")


def _plugins() -> Any:
    """The collection's discovery layer (the code `swarm_node` and the join agent use)."""
    _require_collection()
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))
    from ansible_collections.dockyard.swarm.plugins.module_utils import _discovery

    return _discovery


def register_engines(env: dict[str, Any], url: str) -> list[str]:
    """Write every lab engine under the manager's Consul prefix (lasting keys) and drop strangers; the listing."""
    if not url.startswith("consul://"):
        return [engine["addr"] for engine in env["engines"]]
    discovery = _plugins()
    wanted = [engine["addr"] for engine in env["engines"]]
    try:
        with discovery.open_backend(url) as backend:
            listed = backend.list_nodes()
            for addr in wanted:
                if addr not in listed:
                    backend.put_node(addr)
            for addr in listed:
                if addr not in wanted:
                    backend.deregister(addr)
            return backend.list_nodes()
    except discovery.DiscoveryError as exc:
        raise LabError(f"could not register the engines in {url}: {exc}") from exc


def _tls_context(tls: dict[str, str]) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=tls["ca_path"])
    context.load_cert_chain(tls["client_cert"], tls["client_key"])
    return context


def _get(port: int, path: str, context: ssl.SSLContext, timeout: float = 3.0) -> bytes:
    """GET over TLS with the lab's client certificate (never through a proxy, never another CA bundle)."""
    conn = http.client.HTTPSConnection(HOST, port, context=context, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
    finally:
        conn.close()
    if resp.status != 200:
        raise RuntimeError(f"GET {path} answered {resp.status}: {body[:200]!r}")
    return body


def _alive_check(check: Callable[[], bool]) -> Callable[[], bool]:
    def checked() -> bool:
        if read_pid(PROCESS) is None:
            raise LabError("the manager exited")
        return check()

    return checked


def wait_ready(env: dict[str, Any], port: int, ping_timeout: float = PING_TIMEOUT,
               healthy_timeout: float = HEALTHY_TIMEOUT) -> dict[str, str]:
    """Bounded waits: `/_ping` answers OK, then `/info` lists every lab engine as Healthy; the node states."""
    context = _tls_context(env["tls"])
    wanted = [engine["addr"] for engine in env["engines"]]
    where = f"the manager at {HOST}:{port}"
    wait_until(where, _alive_check(lambda: _get(port, "/_ping", context) == b"OK"), ping_timeout, LOG)
    states: dict[str, str] = {}

    def all_healthy() -> bool:
        states.update(node_states(json.loads(_get(port, "/info", context)).get("SystemStatus")))
        missing = unhealthy(wanted, states)
        if missing:
            raise RuntimeError("not Healthy yet: " + ", ".join(missing))
        return True

    wait_until(f"{where} did not list all {len(wanted)} engines as Healthy in /info", _alive_check(all_healthy),
               healthy_timeout, LOG, failure="")
    return states


def _read_state() -> dict[str, Any] | None:
    try:
        return json.loads(STATE.read_text())
    except (OSError, ValueError):
        return None


def entry(env: dict[str, Any]) -> dict[str, Any] | None:
    """The `manager` entry of `env --json` (null when it does not run); cheap: no request to the manager."""
    state = _read_state()
    pid = read_pid(PROCESS)
    if state is None or pid is None:
        return None
    return {"docker_host": f"tcp://{HOST}:{state['port']}", "tls": True, "cert_path": env["tls"]["cert_path"],
            "strategy": state["strategy"], "discovery": state["discovery"], "log": str(LOG), "pid": pid}


def up(env: dict[str, Any], port: int | None = None, strategy: str | None = None, log=print) -> dict[str, Any]:
    """Start (or keep) the manager and wait until it serves every engine; its `env --json` entry."""
    _require_collection()
    with locked():  # two `manager-up`s at once would both see no manager and race for the port
        running = _read_state() if read_pid(PROCESS) is not None else None
        port, strategy = wanted_settings(running, port, strategy)
        url = discovery_url(env)
        listed = register_engines(env, url)
        if (running is None or running["port"] != port) and port_in_use(HOST, port):
            raise LabError(f"manager: {HOST}:{port} is in use by another program: choose another port with --port")
        if running and (running["port"], running["strategy"], running["discovery"]) != (port, strategy, url):
            stop(PROCESS, timeout=10.0)
            log(f"manager: stopped the one on port {running['port']} ({running['strategy']}, {running['discovery']})")
            running = None
        if running is None:
            _start(port, strategy, url)
        try:
            states = wait_ready(env, port)
        except LabError:
            if running is None:  # nothing half-started stays behind
                stop(PROCESS, timeout=10.0)
                STATE.unlink(missing_ok=True)
            raise
    result = entry(env) or {}
    log(f"manager: {'running' if running else 'started'} at {result.get('docker_host')} ({strategy}, {url}: "
        f"{len(listed)} listed, {sum(1 for s in states.values() if s == 'Healthy')} Healthy); log {LOG}")
    return result


def _start(port: int, strategy: str, url: str) -> None:
    own = certs.issue(DATA_DIR / "tls", "manager", "dockyard-manager", ips=[HOST], dns=["localhost"],
                      client=True, server=True)
    STATE.parent.mkdir(parents=True, exist_ok=True)
    STATE.write_text(json.dumps({"port": port, "strategy": strategy, "discovery": url}))
    LOG.parent.mkdir(parents=True, exist_ok=True)
    with open(LOG, "a") as handle:  # the tail shown on failure starts at this run
        handle.write(f"--- lab: {time.strftime('%Y-%m-%d %H:%M:%S')} manager-up on {HOST}:{port}, {strategy}, {url}\n")
    start(PROCESS, argv(sys.executable, own, port, strategy, url), LOG, cwd=REPO_ROOT, env=agent_env())


def down() -> bool:
    """Stop the manager; True if it was running. The engines' keys stay in Consul for the next start."""
    with locked():
        stopped = stop(PROCESS, timeout=10.0)
        STATE.unlink(missing_ok=True)
    return stopped


def describe(env: dict[str, Any]) -> dict[str, Any] | None:
    """For `status`: where it listens and what it reports of the engines (None when it does not run)."""
    current = entry(env)
    if current is None:
        return None
    port = int(current["docker_host"].rsplit(":", 1)[1])
    try:
        info = json.loads(_get(port, "/info", _tls_context(env["tls"])))
    except Exception as exc:  # noqa: BLE001 - shown, not raised
        return dict(current, ok=False, error=f"{type(exc).__name__}: {exc}")
    states = node_states(info.get("SystemStatus"))
    missing = unhealthy([engine["addr"] for engine in env["engines"]], states)
    return dict(current, ok=not missing, nodes=states, error=("not Healthy: " + ", ".join(missing)) if missing else None)
