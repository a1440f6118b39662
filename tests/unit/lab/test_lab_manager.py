# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's manager: reading node states from `docker info`, options, the env entry, and what `up` does
when a port is taken or the manager never gets healthy (processes and the store are faked here; the real
ones are in tests/integration/test_lab_manager.py)."""
from __future__ import annotations

import contextlib
import json

import pytest

from tests.lab import LabError, manager
from tests.lab.__main__ import _exports

ENV = {
    "engines": [{"name": f"node-{i}", "addr": f"10.231.{i}.2:2376", "docker_host": f"tcp://10.231.{i}.2:2376"}
                for i in (1, 2, 3)],
    "consul": "127.0.0.1:8500",
    "tls": {"ca_path": "/t/ca.pem", "client_cert": "/t/client/cert.pem", "client_key": "/t/client/key.pem",
            "cert_path": "/t/client"},
}

SYSTEM_STATUS = [
    ["Role", "primary"], ["Strategy", "spread"], ["Filters", "health, port"], ["Nodes", "3"],
    ["node-1", "10.231.1.2:2376"], [" └ ID", "AAAA"], [" └ Status", "Healthy"], [" └ Labels", "zone=internal"],
    ["node-2", "10.231.2.2:2376"], [" └ ID", "BBBB"], [" └ Status", "Unhealthy"], [" └ Error", "connection refused"],
    ["(unknown)", "10.231.3.2:2376"], [" └ ID", ""], [" └ Status", "Pending"],
]


def test_node_states_are_read_per_address_including_pending_nodes_without_a_name():
    assert manager.node_states(SYSTEM_STATUS) == {
        "10.231.1.2:2376": "Healthy", "10.231.2.2:2376": "Unhealthy", "10.231.3.2:2376": "Pending"}
    assert manager.node_states(None) == {}
    assert manager.node_states([["Nodes", "0"], ["odd"]]) == {}


def test_unhealthy_names_each_engine_not_healthy_in_the_order_asked():
    states = manager.node_states(SYSTEM_STATUS)
    assert manager.unhealthy(["10.231.3.2:2376", "10.231.1.2:2376", "10.231.9.2:2376", "10.231.2.2:2376"], states) == [
        "10.231.3.2:2376 (Pending)", "10.231.9.2:2376 (not listed)", "10.231.2.2:2376 (Unhealthy)"]
    assert manager.unhealthy(["10.231.1.2:2376"], states) == []


def test_discovery_is_the_labs_consul_prefix_or_the_static_engine_list():
    assert manager.discovery_url(ENV) == "consul://127.0.0.1:8500/lab"
    assert manager.discovery_url(dict(ENV, consul=None)) == "nodes://10.231.1.2:2376,10.231.2.2:2376,10.231.3.2:2376"


def test_argv_is_the_classic_tlsverify_command_line():
    tls = {"ca_path": "/t/ca.pem", "client_cert": "/t/manager/cert.pem", "client_key": "/t/manager/key.pem"}
    line = manager.argv("/py", tls, 23999, "binpack", "consul://127.0.0.1:8500/lab")
    assert line[:4] == ["/py", "-m", manager.MODULE, "manage"]
    assert line[4:] == ["--tlsverify", "--tlscacert=/t/ca.pem", "--tlscert=/t/manager/cert.pem",
                        "--tlskey=/t/manager/key.pem", "-H", "tcp://127.0.0.1:23999", "--strategy", "binpack",
                        "--heartbeat", manager.HEARTBEAT, "consul://127.0.0.1:8500/lab"]


def test_options_not_given_keep_the_running_managers_and_bad_ones_are_named():
    assert manager.wanted_settings(None, None, None) == (manager.DEFAULT_PORT, "spread")
    running = {"port": 24000, "strategy": "random"}
    assert manager.wanted_settings(running, None, None) == (24000, "random")
    assert manager.wanted_settings(running, 24001, "spread") == (24001, "spread")
    with pytest.raises(LabError, match="--strategy must be one of spread"):
        manager.wanted_settings(None, None, "packed")
    with pytest.raises(LabError, match="--port must be a TCP port"):
        manager.wanted_settings(None, 70000, None)


@pytest.fixture()
def fake_manager(tmp_path, monkeypatch):
    """A manager whose process, store and waits are faked: records what `up` starts and stops."""
    calls: dict = {"started": [], "stopped": 0, "pid": None, "busy_ports": set(), "ready": True}
    monkeypatch.setattr(manager, "STATE", tmp_path / "manager.json")
    monkeypatch.setattr(manager, "LOG", tmp_path / "manager.log")
    monkeypatch.setattr(manager, "DATA_DIR", tmp_path)
    monkeypatch.setattr(manager, "_require_collection", lambda: None)
    monkeypatch.setattr(manager, "locked", contextlib.nullcontext)
    monkeypatch.setattr(manager, "register_engines", lambda env, url: [e["addr"] for e in env["engines"]])
    monkeypatch.setattr(manager, "read_pid", lambda name: calls["pid"])
    monkeypatch.setattr(manager, "port_in_use", lambda host, port: port in calls["busy_ports"])

    def start(name, argv, log, cwd=None, env=None):
        calls["started"].append(argv)
        calls["pid"] = 4242
        return 4242

    def stop(name, timeout=0.0):
        calls["stopped"] += 1
        was = calls["pid"] is not None
        calls["pid"] = None
        return was

    def wait_ready(env, port):
        if not calls["ready"]:
            raise LabError("the manager at 127.0.0.1:%d did not list all 3 engines as Healthy" % port)
        return {e["addr"]: "Healthy" for e in env["engines"]}

    monkeypatch.setattr(manager, "start", start)
    monkeypatch.setattr(manager, "stop", stop)
    monkeypatch.setattr(manager, "wait_ready", wait_ready)
    return calls


def test_up_starts_once_then_keeps_the_running_manager(fake_manager):
    first = manager.up(ENV, log=lambda line: None)
    assert first["docker_host"] == f"tcp://127.0.0.1:{manager.DEFAULT_PORT}" and first["tls"] is True
    assert first["cert_path"] == "/t/client"
    again = manager.up(ENV, log=lambda line: None)
    assert again == first and len(fake_manager["started"]) == 1 and fake_manager["stopped"] == 0
    assert "--tlscert=" + str(manager.DATA_DIR / "tls" / "manager" / "cert.pem") in fake_manager["started"][0]


def test_up_with_another_strategy_restarts_it(fake_manager):
    manager.up(ENV, log=lambda line: None)
    entry = manager.up(ENV, strategy="binpack", log=lambda line: None)
    assert entry["strategy"] == "binpack" and fake_manager["stopped"] == 1 and len(fake_manager["started"]) == 2


def test_a_taken_port_is_refused_before_the_running_manager_is_stopped(fake_manager):
    manager.up(ENV, log=lambda line: None)
    fake_manager["busy_ports"].add(8500)
    with pytest.raises(LabError, match="127.0.0.1:8500 is in use by another program: choose another port with --port"):
        manager.up(ENV, port=8500, log=lambda line: None)
    assert fake_manager["stopped"] == 0 and manager.entry(ENV)["docker_host"].endswith(f":{manager.DEFAULT_PORT}")


def test_a_manager_that_never_gets_healthy_is_stopped_and_forgotten(fake_manager):
    fake_manager["ready"] = False
    with pytest.raises(LabError, match="did not list all 3 engines as Healthy"):
        manager.up(ENV, log=lambda line: None)
    assert fake_manager["stopped"] == 1 and fake_manager["pid"] is None
    assert not manager.STATE.exists() and manager.entry(ENV) is None


def test_entry_is_null_without_a_live_process(fake_manager):
    manager.STATE.write_text(json.dumps({"port": 24000, "strategy": "spread", "discovery": "nodes://x:1"}))
    assert manager.entry(ENV) is None
    fake_manager["pid"] = 1
    assert manager.entry(ENV)["docker_host"] == "tcp://127.0.0.1:24000"


def test_env_manager_exports_point_the_docker_cli_at_the_manager():
    env = dict(ENV, manager={"docker_host": "tcp://127.0.0.1:24000", "tls": True, "cert_path": "/t/client"})
    lines = _exports(env, manager=True).splitlines()
    assert "export DOCKER_HOST=tcp://127.0.0.1:24000" in lines
    assert "export DOCKER_TLS_VERIFY=1" in lines and "export DOCKER_CERT_PATH=/t/client" in lines
    assert "export DOCKER_HOST=tcp://10.231.1.2:2376" in _exports(env).splitlines()
    with pytest.raises(LabError, match="the manager is not running: start it with `python -m tests.lab manager-up`"):
        _exports(dict(ENV, manager=None), manager=True)
