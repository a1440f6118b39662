# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registrator agent as a process (`python -m ..._registrator`) against lab engines over TLS and the lab's Consul.

consulkv: the initial sync registers a running container and removes a stale key of this host;
start/stop register and deregister within seconds, keys are held by the agent's session; SIGTERM
and a restart keep every key (same session); kill -9 lets them expire. Catalog: a service with an
http check on the Consul agent, gone when the container stops. node-3's engine stopped and
started: the agent reconnects and resyncs. Unique prefixes, hostnames and container names.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

from .helpers import engine_client, stop_process, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._registrator"


def consul_get(lab: Dict[str, Any], path: str) -> Any:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("http://%s%s" % (lab["consul"], path), timeout=5) as answer:
            return json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


def consul_send(lab: Dict[str, Any], method: str, path: str, body: Optional[bytes] = None) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(urllib.request.Request("http://%s%s" % (lab["consul"], path), data=body, method=method), timeout=5):
        pass


def kv(lab: Dict[str, Any], prefix: str) -> Dict[str, Any]:
    """{key: (value, session)} under the prefix."""
    import base64

    items = consul_get(lab, "/v1/kv/%s/?recurse" % prefix) or []
    return {item["Key"]: (base64.b64decode(item["Value"] or "").decode(), item.get("Session")) for item in items}


def engine(lab: Dict[str, Any], name: str) -> Dict[str, Any]:
    return next(item for item in lab["engines"] if item["name"] == name)


class Agents:
    """Agent processes started by a test, stopped at the end."""

    def __init__(self, lab: Dict[str, Any], tmp_path: Path) -> None:
        self.lab = lab
        self.tmp_path = tmp_path
        self.procs: List[subprocess.Popen] = []

    def start(self, node: str, hostname: str, uri: str, *extra: str, log_name: str = "agent") -> "subprocess.Popen[bytes]":
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in [str(REPO / ".venv" / "collections"), env.get("PYTHONPATH", "")] if p)
        env.pop("DOCKER_HOST", None)
        item = engine(self.lab, node)
        argv = [sys.executable, "-m", MODULE, "--docker-host", item["docker_host"], "--tls-verify",
                "--cert-path", self.lab["tls"]["cert_path"], "--ip", item["addr"].rsplit(":", 1)[0], "--hostname", hostname,
                "--retry-interval", "1s", *extra, uri]
        log = self.tmp_path / ("%s.log" % log_name)
        with open(log, "ab") as handle:
            proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
        proc.log = log  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                stop_process(proc)


@pytest.fixture()
def agents(lab, tmp_path):
    made = Agents(lab, tmp_path)
    yield made
    made.close()


@pytest.fixture()
def containers(lab):
    """Run busybox httpd containers (published port 80 on a random host port); removed at the end."""
    made: List[tuple] = []

    def run(node: str, name: str, env: List[str]) -> str:
        cli = engine_client(lab, node)
        host_config = cli.create_host_config(port_bindings={80: None})
        created = cli.create_container(lab["image"]["name"], ["httpd", "-f", "-p", "80"], name=name, environment=env,
                                       ports=[80], host_config=host_config)
        made.append((node, created["Id"]))
        cli.start(created["Id"])
        return created["Id"]

    yield run
    for node, cid in made:
        try:
            engine_client(lab, node).remove_container(cid, force=True)
        except Exception:  # noqa: BLE001 - the engine may be down or the container gone
            pass


def host_port(lab: Dict[str, Any], node: str, cid: str) -> str:
    return engine_client(lab, node).inspect_container(cid)["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"]


def test_consulkv_agent_lifecycle(lab, agents, containers):
    tag = uuid.uuid4().hex[:8]
    prefix, hostname = "itest-reg-%s/services" % tag, "itest-reg-%s" % tag
    uri = "consulkv://%s/%s" % (lab["consul"], prefix)
    early = containers("node-1", "itest-reg-early-%s" % tag, ["SERVICE_NAME=early-%s" % tag])
    stale = "%s/gone/%s:gone:80" % (prefix, hostname)
    other = "%s/web/itest-other-%s:web:80" % (prefix, tag)
    consul_send(lab, "PUT", "/v1/kv/" + stale, b"10.231.1.2:1")
    consul_send(lab, "PUT", "/v1/kv/" + other, b"10.231.2.2:1")
    early_key = "%s/early-%s/%s:itest-reg-early-%s:80" % (prefix, tag, hostname, tag)
    try:
        agent = agents.start("node-1", hostname, uri, "--ttl", "10s")

        # the initial sync: the running container is registered, this host's stale key removed, another host's kept
        def synced() -> Optional[Dict[str, Any]]:
            found = kv(lab, prefix)
            return found if early_key in found and stale not in found else None

        entries = wait_for("the initial sync", synced, 15, agent.log)
        assert entries[early_key][0] == "10.231.1.2:%s" % host_port(lab, "node-1", early)
        session = entries[early_key][1]
        assert session and consul_get(lab, "/v1/session/info/" + session)[0]["Name"] == "dockyard-registrator %s %s" % (hostname, prefix)
        assert other in entries
        # start -> key within seconds, held by the session; stop -> gone within seconds
        started = time.monotonic()
        web = containers("node-1", "itest-reg-web-%s" % tag, ["SERVICE_NAME=web-%s" % tag])
        web_key = "%s/web-%s/%s:itest-reg-web-%s:80" % (prefix, tag, hostname, tag)
        wait_for("the started container's key", lambda: web_key in kv(lab, prefix), 5, agent.log)
        assert kv(lab, prefix)[web_key] == ("10.231.1.2:%s" % host_port(lab, "node-1", web), session)
        engine_client(lab, "node-1").stop(web, timeout=1)
        wait_for("the stopped container's key to go", lambda: web_key not in kv(lab, prefix), 8, agent.log)
        assert time.monotonic() - started < 15
        # SIGTERM and restart: the keys never disappear and the session is the same
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=10) == 0
        restarted = agents.start("node-1", hostname, uri, "--ttl", "10s")
        deadline = time.monotonic() + 6
        while time.monotonic() < deadline:
            assert kv(lab, prefix).get(early_key, (None, None))[1] == session, "the key went away during the restart"
            time.sleep(0.1)
        assert "reusing live session %s" % session in restarted.log.read_text()
        # kill -9: Consul deletes the keys when the session expires (TTL 10s, reaped within 2x)
        restarted.kill()
        restarted.wait(timeout=5)
        killed = time.monotonic()
        wait_for("the keys to expire", lambda: early_key not in kv(lab, prefix), 35)
        assert time.monotonic() - killed > 5
        assert other in kv(lab, prefix)
    finally:
        consul_send(lab, "DELETE", "/v1/kv/itest-reg-%s?recurse" % tag)


def test_catalog_agent_with_http_check(lab, agents, containers):
    tag = uuid.uuid4().hex[:8]
    hostname = "itest-regcat-%s" % tag
    agent = agents.start("node-1", hostname, "consul://%s" % lab["consul"], "--deregister-on-exit", log_name="catalog")
    try:
        env = ["SERVICE_NAME=cat-%s" % tag, "SERVICE_CHECK_HTTP=/", "SERVICE_CHECK_INTERVAL=2s", "SERVICE_REGION=eu"]
        cid = containers("node-1", "itest-regcat-%s" % tag, env)
        sid = "%s:itest-regcat-%s:80" % (hostname, tag)
        service = wait_for("the catalog service", lambda: (consul_get(lab, "/v1/agent/services") or {}).get(sid), 8, agent.log)
        port = int(host_port(lab, "node-1", cid))
        assert (service["Service"], service["Address"], service["Port"]) == ("cat-%s" % tag, "10.231.1.2", port)
        assert service["Meta"] == {"check_http": "/", "check_interval": "2s", "region": "eu"}
        check = (consul_get(lab, "/v1/agent/checks") or {})["service:" + sid]
        assert check["Type"] == "http" and check["ServiceID"] == sid
        engine_client(lab, "node-1").stop(cid, timeout=1)
        wait_for("the catalog service to go", lambda: sid not in (consul_get(lab, "/v1/agent/services") or {}), 8, agent.log)
    finally:
        stop_process(agent)
        for sid in consul_get(lab, "/v1/agent/services") or {}:
            if sid.startswith(hostname + ":"):
                consul_send(lab, "PUT", "/v1/agent/service/deregister/" + sid)


def test_agent_reconnects_after_engine_restart(lab, lab_control, agents, containers):
    tag = uuid.uuid4().hex[:8]
    prefix, hostname = "itest-regeng-%s/services" % tag, "itest-regeng-%s" % tag
    agent = agents.start("node-3", hostname, "consulkv://%s/%s" % (lab["consul"], prefix), "--ttl", "10s", log_name="engine")
    try:
        containers("node-3", "itest-regeng-a-%s" % tag, ["SERVICE_NAME=a-%s" % tag])
        key_a = "%s/a-%s/%s:itest-regeng-a-%s:80" % (prefix, tag, hostname, tag)
        wait_for("the first container's key", lambda: key_a in kv(lab, prefix), 8, agent.log)
        lab_control("stop-engine", "node-3")
        try:
            time.sleep(1.0)
        finally:
            lab_control("start-engine", "node-3")
        # the engine stopped its containers (no restart policy): their die events or the resync remove the key
        wait_for("the key of the stopped container to go", lambda: key_a not in kv(lab, prefix), 25, agent.log)
        containers("node-3", "itest-regeng-b-%s" % tag, ["SERVICE_NAME=b-%s" % tag])
        key_b = "%s/b-%s/%s:itest-regeng-b-%s:80" % (prefix, tag, hostname, tag)
        wait_for("a new container's key after the reconnect", lambda: key_b in kv(lab, prefix), 10, agent.log)
        wait_for("the reconnect in the log", lambda: "connected to 10.231.3.2:2376 again" in agent.log.read_text(), 10, agent.log)
        assert agent.poll() is None
    finally:
        stop_process(agent)
        consul_send(lab, "DELETE", "/v1/kv/itest-regeng-%s?recurse" % tag)
