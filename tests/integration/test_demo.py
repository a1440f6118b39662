# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make demo` end to end on the lab: the stack starts, the seed's containers are placed and answer through the router."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from .helpers import engine_client, free_port

REPO = Path(__file__).resolve().parents[2]
DEMO_CONTAINERS = ("edge_webserver", "app_1")


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
