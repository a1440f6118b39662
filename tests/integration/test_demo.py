# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` end to end on the lab: the stack (with the manager) starts; act 1 places the seed's containers with
Ansible and they answer through the router; act 2 types the seed's `docker run` lines into the docker CLI against
the manager, replacing a previous run's container, and the placements, `docker ps`, `docker info` and curl show."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .helpers import engine_client, free_port

REPO = Path(__file__).resolve().parents[2]
DEMO_CONTAINERS = ("edge_webserver", "app_1", "cli_edge_webserver", "cli_app_1")
CLI_PORT = 8081  # scripts/demo.sh's default for act 2


def _remove_demo_containers(lab) -> None:
    for engine in lab["engines"]:
        client = engine_client(lab, engine["name"])
        try:
            for name in DEMO_CONTAINERS:
                try:
                    client.remove_container(name, force=True)
                except Exception:  # noqa: BLE001 - absent is fine
                    pass
        finally:
            client.close()


def _previous_cli_run(lab) -> str:
    """A container left by an earlier demo run (name and port of act 2's web server, on node-2); its id."""
    client = engine_client(lab, "node-2")
    try:
        config = client.create_host_config(port_bindings={80: CLI_PORT})
        created = client.create_container("busybox:latest", command=["httpd", "-f", "-p", "80", "-h", "/www"],
                                          name="cli_edge_webserver", ports=[80], host_config=config)
        client.start(created["Id"])
        return created["Id"]
    finally:
        client.close()


def _consul_delete(lab, key: str) -> None:
    request = urllib.request.Request(f"http://{lab['consul']}/v1/kv/{key}?recurse=true", method="DELETE")
    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=5).close()


@pytest.fixture()
def demo_env(lab, ansible_env):
    """A clean start: no demo containers, no stack; everything removed again afterwards."""
    _remove_demo_containers(lab)
    subprocess.run([sys.executable, "-m", "tests.lab", "stack-down"], cwd=REPO, check=False, timeout=60, capture_output=True)
    env = dict(ansible_env)
    env["DOCKYARD_DEMO_ROUTER"] = f"127.0.0.1:{free_port()}"
    yield env
    subprocess.run([sys.executable, "-m", "tests.lab", "stack-down"], cwd=REPO, check=False, timeout=60, capture_output=True)
    _remove_demo_containers(lab)
    _consul_delete(lab, "services/edge_webserver")
    _consul_delete(lab, "services/app")
    _consul_delete(lab, "demo")


def test_make_demo_places_the_seed_and_routes_by_service_name(lab, demo_env):
    previous = _previous_cli_run(lab)
    proc = subprocess.run(["bash", "scripts/demo.sh"], cwd=REPO, env=demo_env, capture_output=True, text=True,
                          timeout=300, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "edge_webserver -> node-2 (10.231.2.2:2376)" in out, out[-4000:]
    assert "app_1          -> node-2 (10.231.2.2:2376)" in out, out[-4000:]
    router = f"http://{demo_env['DOCKYARD_DEMO_ROUTER']}"
    assert f"{router}/edge_webserver/ answers:" in out
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{router}/edge_webserver/", timeout=5) as resp:
        assert resp.status == 200
    with opener.open(f"http://{lab['consul']}/v1/kv/services/?recurse=true", timeout=5) as resp:
        keys = {item["Key"]: item for item in json.load(resp)}
    assert "services/edge_webserver/node-2:edge_webserver:80" in keys
    assert keys["services/edge_webserver/node-2:edge_webserver:80"].get("Session"), "the key is held by the agent's session"

    _check_cli_act(lab, out, previous)


def _check_cli_act(lab, out: str, previous: str) -> None:
    """Act 2: the seed's lines echoed and run through the manager; placements by constraint and affinity."""
    act = out[out.index("== Act 2"):]
    assert "$ docker run -d --name cli_edge_webserver -e constraint:zone==external -e constraint:disk==ssd " \
           f"-p {CLI_PORT}:80 busybox httpd -f -p 80 -h /www\n" in act, act[-4000:]
    assert "$ docker run -d --name cli_app_1 -e affinity:container==cli_edge_webserver busybox" in act
    node2 = engine_client(lab, "node-2")
    try:
        edge = node2.inspect_container("cli_edge_webserver")
        app = node2.inspect_container("cli_app_1")
    finally:
        node2.close()
    assert edge["Id"] != previous, "the previous run's container was replaced"
    # the 20.10 CLI sends -e entries in no fixed order, so the stored order varies
    assert sorted(json.loads(edge["Config"]["Labels"]["com.docker.swarm.constraints"])) == ["disk==ssd", "zone==external"]
    assert json.loads(app["Config"]["Labels"]["com.docker.swarm.affinities"]) == ["container==cli_edge_webserver"]
    for name in ("node-1", "node-3"):
        client = engine_client(lab, name)
        try:
            assert not client.containers(all=True, filters={"name": "^/cli_"}), f"a CLI act container on {name}"
        finally:
            client.close()
    ps = act[act.index("$ docker ps\n"):act.index("$ docker info\n")]
    assert re.search(rf"10\.231\.2\.2:{CLI_PORT}->80/tcp +node-2/cli_edge_webserver\n", ps), ps
    assert re.search(r" node-2/cli_app_1\n", ps), ps
    info = act[act.index("$ docker info\n"):]
    assert "Nodes: 3" in info and info.count("└ Status: Healthy") == 3, info[:3000]
    assert f"$ curl -sS --noproxy 10.231.2.2 --retry 10 --retry-connrefused --retry-delay 1 --max-time 5 " \
           f"http://10.231.2.2:{CLI_PORT}/\n<html><body>dockyard lab</body></html>" in act, act[-2000:]
