# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager with the lab's Consul: `swarm join` (the seed's command line) registers node-3, `swarm list`
shows it, `swarm manage` picks it up and drops it when the join agent stops; a store that is down at
start is logged and retried without stopping the manager. The manager listens on a unix socket here
(plain) and talks TLS to the engines."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .helpers import free_port, stop_process, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._manager"
DOCKER = "/usr/local/bin/docker" if os.path.exists("/usr/local/bin/docker") else "docker"


def environment() -> Dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = "%s:%s" % (REPO / ".venv" / "collections", REPO)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SWARM_DISCOVERY", "SWARM_HOST", "DOCKER_HOST"):
        env.pop(name, None)
    return env


def swarm(args: List[str], log: Path) -> "subprocess.Popen[bytes]":
    with open(log, "w") as handle:
        return subprocess.Popen([sys.executable, "-m", MODULE] + args, stdout=handle, stderr=subprocess.STDOUT,
                                env=environment(), cwd=REPO)


def tls_flags(lab: Dict[str, Any]) -> List[str]:
    cert = lab["tls"]["cert_path"]
    return ["--tlsverify", "--tlscacert=%s/ca.pem" % cert, "--tlscert=%s/cert.pem" % cert, "--tlskey=%s/key.pem" % cert]


def docker_info(socket_path: Path) -> str:
    env = {key: value for key, value in environment().items() if not key.startswith("DOCKER_")}
    env["DOCKER_HOST"] = "unix://%s" % socket_path
    proc = subprocess.run([DOCKER, "info"], env=env, capture_output=True, text=True, timeout=30, check=False)
    return proc.stdout


def test_join_list_manage_follow_consul(lab, tmp_path):
    prefix = "dymgr%s" % uuid.uuid4().hex[:8]
    url = "consul://%s/%s" % (lab["consul"], prefix)
    join = swarm(["join", "--addr=10.231.3.2:2376", "--heartbeat", "1s", "--ttl", "5s", "--discovery", url],
                 tmp_path / "join.log")
    sock = tmp_path / "manager.sock"
    manager = None
    try:
        wait_for("swarm list to show node-3", lambda: subprocess.run(
            [sys.executable, "-m", MODULE, "list", url], env=environment(), capture_output=True, text=True, check=False,
            timeout=30).stdout.split() == ["10.231.3.2:2376"], timeout=20, log=tmp_path / "join.log")
        manager = swarm(["manage"] + tls_flags(lab) + ["-H", "unix://%s" % sock, "--heartbeat", "1s", url],
                        tmp_path / "manager.log")
        wait_for("the manager to validate node-3", lambda: "node-3: 10.231.3.2:2376" in docker_info(sock)
                 and "Nodes: 1" in docker_info(sock), timeout=30, log=tmp_path / "manager.log")
        join.send_signal(signal.SIGTERM)  # deregisters the key
        join.wait(timeout=15)
        wait_for("the manager to drop node-3", lambda: "Nodes: 0" in docker_info(sock), timeout=20,
                 log=tmp_path / "manager.log")
        assert "removed: no longer in discovery" in (tmp_path / "manager.log").read_text()
    finally:
        stop_process(join)
        if manager is not None:
            stop_process(manager)


def test_a_store_down_at_start_is_retried_not_fatal(lab, tmp_path):
    url = "consul://127.0.0.1:%d/nowhere" % free_port()
    sock = tmp_path / "manager.sock"
    log = tmp_path / "manager.log"
    manager = swarm(["manage"] + tls_flags(lab) + ["-H", "unix://%s" % sock, "--heartbeat", "1s", url], log)
    try:
        wait_for("two logged attempts", lambda: log.exists() and log.read_text().count("Cannot reach Consul") >= 2,
                 timeout=30, log=log)
        assert manager.poll() is None
        assert "Nodes: 0" in docker_info(sock)
        assert "Traceback" not in log.read_text()
    finally:
        stop_process(manager)
