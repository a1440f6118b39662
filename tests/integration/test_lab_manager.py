# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's manager (`python -m tests.lab manager-up`): started once and kept, its engines listed from the
lab's Consul, its `env --json` entry enough for both docker CLIs over TLS, a taken port refused without
harm, and `stack-down` stopping it. A manager that ran before the test is started again at the end."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
CLIS = {"20.10": "/usr/bin/docker", "28": "/usr/local/bin/docker"}


def lab_command(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "tests.lab", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False)
    if check and proc.returncode != 0:
        pytest.fail(f"tests.lab {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def manager_entry() -> dict | None:
    return json.loads(lab_command("env", "--json").stdout)["manager"]


@pytest.fixture(scope="module")
def running_before():
    """Whether a manager ran before this module (a user's `make demo`); if so it runs again afterwards."""
    before = manager_entry()
    yield before
    if before is not None and manager_entry() is None:
        lab_command("manager-up", "--port", before["docker_host"].rsplit(":", 1)[1], "--strategy", before["strategy"])


def test_manager_up_twice_keeps_one_manager_listing_the_engines_from_consul(lab, running_before):
    first = lab_command("manager-up")
    entry = manager_entry()
    assert entry is not None, first.stdout + first.stderr
    second = lab_command("manager-up")
    assert second.stdout.startswith(f"manager: running at {entry['docker_host']}"), second.stdout
    assert manager_entry()["pid"] == entry["pid"]
    assert entry["tls"] is True and entry["docker_host"].startswith("tcp://127.0.0.1:")
    assert entry["discovery"] == f"consul://{lab['consul']}/lab"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{lab['consul']}/v1/kv/lab/docker/swarm/nodes/?keys=true", timeout=5) as resp:
        keys = set(json.load(resp))
    assert keys == {f"lab/docker/swarm/nodes/{engine['addr']}" for engine in lab["engines"]}
    status = json.loads(lab_command("status", "--json", check=False).stdout)["manager"]
    assert status["ok"] and set(status["nodes"].values()) == {"Healthy"}


@pytest.mark.parametrize("cli", [version for version, path in CLIS.items() if os.path.exists(path)])
def test_env_json_manager_entry_serves_the_docker_cli_over_tls(lab, running_before, cli, tmp_path):
    entry = manager_entry() or json.loads(lab_command("manager-up", "--json").stdout)
    env = {key: value for key, value in os.environ.items() if key not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    env.update(DOCKER_HOST=entry["docker_host"], DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH=entry["cert_path"],
               DOCKER_CONFIG=str(tmp_path))
    assert set(os.listdir(entry["cert_path"])) >= {"ca.pem", "cert.pem", "key.pem"}
    info = subprocess.run([CLIS[cli], "info"], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert info.returncode == 0, info.stdout + info.stderr
    nodes = len(lab["engines"])
    assert f"Nodes: {nodes}" in info.stdout and info.stdout.count("└ Status: Healthy") == nodes, info.stdout
    for engine in lab["engines"]:
        assert f"{engine['name']}: {engine['addr']}" in info.stdout
    shell = lab_command("env", "--manager").stdout.splitlines()
    assert f"export DOCKER_HOST={entry['docker_host']}" in shell and "export DOCKER_TLS_VERIFY=1" in shell


def test_a_taken_port_is_refused_and_the_running_manager_stays(lab, running_before):
    entry = manager_entry() or json.loads(lab_command("manager-up", "--json").stdout)
    taken = lab["consul"].rsplit(":", 1)[1]
    refused = lab_command("manager-up", "--port", taken, check=False)
    assert refused.returncode == 2
    assert f"lab: manager: 127.0.0.1:{taken} is in use by another program" in refused.stderr
    assert manager_entry()["pid"] == entry["pid"]


def test_stack_down_stops_the_manager(lab, running_before):
    entry = manager_entry() or json.loads(lab_command("manager-up", "--json").stdout)
    stopped = lab_command("stack-down")
    assert "manager" in stopped.stdout
    assert manager_entry() is None
    port = int(entry["docker_host"].rsplit(":", 1)[1])
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    refused = lab_command("env", "--manager", check=False)
    assert refused.returncode == 2 and "lab: the manager is not running" in refused.stderr
