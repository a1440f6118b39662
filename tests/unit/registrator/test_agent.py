# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registrator agent on a fake engine and a fake Consul: events, on-success, resync, reconnect; the CLI."""
from __future__ import annotations

import threading

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import agent as agent_module
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import cli
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.agent import (
    AgentOptions,
    RegistratorAgent,
    host_address,
    parse_system_time,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.consul_kv import ConsulKVBackend

from .fakes import FakeEngine, RegistratorConsul, event, inspect

WEB = "services/web/node-1:web:80"


@pytest.fixture()
def consul():
    return RegistratorConsul()


def make_agent(consul, monkeypatch, engine, **options):
    backend = ConsulKVBackend(consul.store(monkeypatch), "services", "node-1", 15)
    settings = dict(hostname="node-1", host_ip="10.0.0.1", retry_interval=0.01, keepalive=0.05)
    settings.update(options)
    return RegistratorAgent(AgentOptions(**settings), backend, lambda: engine, threading.Event(), "fake")


def keys(consul):
    return {key: entry["Value"].decode() for key, entry in consul.kv.items()}


def web(**kwargs):
    return inspect("web", env=["SERVICE_NAME=web"], **kwargs)


def test_start_and_die(consul, monkeypatch):
    engine = FakeEngine()
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    assert keys(consul) == {}
    cid = engine.add(web())
    agent.handle(engine, event("start", cid))
    assert keys(consul) == {WEB: "10.0.0.1:32768"}
    engine.add(web(running=False, exit_code=0))
    agent.handle(engine, event("die", cid))
    assert keys(consul) == {}


@pytest.mark.parametrize("mode, code, kept", [
    ("on-success", 1, True), ("on-success", 2, True), ("on-success", 0, False), ("on-success", 137, False),
    ("on-success", 143, False), ("always", 1, False),
])
def test_deregister_on_success(consul, monkeypatch, mode, code, kept):
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine, deregister=mode)
    agent.full_sync(engine)
    engine.add(web(running=False, exit_code=code))
    agent.handle(engine, event("die", cid))
    assert (WEB in keys(consul)) is kept
    agent.full_sync(engine)  # a resync keeps a kept container's services while it exists
    assert (WEB in keys(consul)) is kept
    if kept:
        agent.handle(engine, event("stop", cid))  # an explicit stop removes them
        assert keys(consul) == {}


def test_kept_services_go_when_the_container_is_removed(consul, monkeypatch):
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine, deregister="on-success")
    agent.full_sync(engine)
    engine.add(web(running=False, exit_code=3))
    agent.handle(engine, event("die", cid))
    del engine.state[cid]
    agent.full_sync(engine)
    assert keys(consul) == {} and agent.kept == set()


def test_pause_unpause_and_destroy(consul, monkeypatch):
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    engine.add(web(paused=True))
    agent.handle(engine, event("pause", cid))
    assert keys(consul) == {}
    agent.full_sync(engine)  # a paused container is listed as running but has no services
    assert keys(consul) == {}
    engine.add(web())
    agent.handle(engine, event("unpause", cid))
    assert WEB in keys(consul)
    agent.handle(engine, event("destroy", cid))
    assert keys(consul) == {}


def test_replayed_events_are_harmless(consul, monkeypatch):
    """A die replayed after the container was started again (windows overlap by CLOCK_MARGIN)."""
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    consul.calls.clear()
    agent.handle(engine, event("die", cid))   # it is running again: inspect says so
    agent.handle(engine, event("start", cid))
    agent.handle(engine, event("kill", cid))  # not an event the agent acts on
    assert keys(consul) == {WEB: "10.0.0.1:32768"} and consul.writes() == []


def test_resync_writes_only_changes(consul, monkeypatch):
    engine = FakeEngine()
    engine.add(web())
    engine.add(inspect("api", port=8080, host_port=32770, env=["SERVICE_NAME=api"]))
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    assert len(keys(consul)) == 2
    consul.calls.clear()
    agent.full_sync(engine)
    agent.full_sync(engine)
    assert consul.writes() == []
    engine.add(web(host_port=40000))  # recreated with another port while we missed the events
    agent.full_sync(engine)
    assert consul.writes() == ["kv.put " + WEB]


def test_explicit_internal_tags_and_ip(consul, monkeypatch):
    engine = FakeEngine()
    engine.add(inspect("anon", image="nginx:1"))
    engine.add(web())
    agent = make_agent(consul, monkeypatch, engine, explicit=True, ip="192.0.2.7", tags="edge,eu")
    agent.full_sync(engine)
    assert keys(consul) == {WEB: "192.0.2.7:32768"}
    assert agent.services()[0].tags == ["edge", "eu"]
    internal = make_agent(consul, monkeypatch, engine, internal=True)
    internal.full_sync(engine)
    assert internal.services()[0].ip == "172.17.0.2" and internal.services()[0].port == 80


def test_bad_container_data_is_skipped(consul, monkeypatch, caplog):
    engine = FakeEngine()
    broken = web()
    broken["Config"]["ExposedPorts"] = ["not a mapping"]
    engine.add(broken)
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    assert keys(consul) == {} and "skipped" in caplog.text


def test_session_lost_while_running(consul, monkeypatch):
    engine = FakeEngine()
    engine.add(web())
    agent = make_agent(consul, monkeypatch, engine)
    agent.full_sync(engine)
    consul.expire(agent.backend.session)
    assert keys(consul) == {}
    agent.backend.keepalive()
    assert keys(consul) == {WEB: "10.0.0.1:32768"}


def test_run_listens_before_the_sync_and_stops(consul, monkeypatch):
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine, resync=3600)
    api = engine.add(inspect("api", port=8080, host_port=32770, env=["SERVICE_NAME=api"]))
    engine.script = [[event("start", api)]]
    engine.on_empty = agent.request_stop
    assert agent.run() == 0
    first = engine.requests[0]
    assert float(first["since"]) == pytest.approx(parse_system_time("2026-03-01T12:00:00.25Z") - 1.0)
    assert first["filters"]["type"] == "container" and "die" in first["filters"]["event"]
    assert sorted(keys(consul)) == ["services/api/node-1:api:8080", WEB]
    assert cid in agent.containers
    assert consul.sessions  # a normal stop keeps the session: a restart loses nothing


def test_run_reconnects_with_backoff_and_resyncs(consul, monkeypatch, caplog):
    engine = FakeEngine()
    engine.add(web())
    attempts = []

    def connect():
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("Connection refused")
        return engine

    agent = make_agent(consul, monkeypatch, engine)
    agent.connect_engine = connect
    waits = []
    real_wait = agent.stop.wait
    monkeypatch.setattr(agent.stop, "wait", lambda delay=None: (waits.append(delay), real_wait(0))[1])
    engine.on_empty = agent.request_stop
    assert agent.run() == 0
    assert len(attempts) == 3 and [w for w in waits if w != 0.05][:2] == [0.01, 0.02]
    assert keys(consul) == {WEB: "10.0.0.1:32768"}
    assert "reconnecting" in caplog.text


def test_broken_stream_means_reconnect_and_resync(consul, monkeypatch):
    engine = FakeEngine()
    cid = engine.add(web())
    agent = make_agent(consul, monkeypatch, engine)
    engine.script = [[], []]  # each ends at once: the engine closed the stream
    calls = []
    original = agent.full_sync
    monkeypatch.setattr(agent, "full_sync", lambda client: (calls.append(1), original(client))[1])
    engine.on_empty = agent.request_stop
    agent.run()
    assert len(calls) >= 3
    assert cid in agent.containers


def test_once(consul, monkeypatch):
    engine = FakeEngine()
    engine.add(web())
    agent = make_agent(consul, monkeypatch, engine)
    assert agent.run(once=True) == 0
    assert engine.requests == [] and keys(consul) == {WEB: "10.0.0.1:32768"} and consul.sessions
    consul.down.append("127.0.0.1:8500")
    assert make_agent(consul, monkeypatch, engine).run(once=True) == 1


def test_system_time():
    assert parse_system_time("1970-01-01T00:00:10.5Z") == 10.5
    assert parse_system_time("1970-01-01T01:00:10.000000001+01:00") == pytest.approx(10.0)
    assert parse_system_time("1970-01-01T00:00:10-00:30") == 1810.0


def test_host_address():
    def resolve(name):
        return {"engine.example": "192.0.2.10", "myhost": "192.0.2.20", "loop": "127.0.1.1"}[name]

    assert host_address("tcp://10.231.1.2:2376", resolve) == "10.231.1.2"
    assert host_address("10.231.1.2:2376", resolve) == "10.231.1.2"
    assert host_address("tcp://[fd00::2]:2376", resolve) == "fd00::2"
    assert host_address("tcp://engine.example:2376", resolve) == "192.0.2.10"
    assert host_address("unix:///var/run/docker.sock", resolve, lambda: "myhost") == "192.0.2.20"
    assert host_address("tcp://127.0.0.1:2375", resolve, lambda: "myhost") == "192.0.2.20"
    assert host_address("unix:///var/run/docker.sock", resolve, lambda: "loop", lambda: "192.0.2.30") == "192.0.2.30"
    assert host_address("ssh://me@engine.example", resolve) == "192.0.2.10"


# -------------------------------------------------------------------------------------------- CLI
@pytest.mark.parametrize("argv, message", [
    (["foo://x"], "unsupported URI"),
    (["consulkv://127.0.0.1:8500"], "needs a KV prefix"),
    (["consul://127.0.0.1:8500/services"], "takes no prefix"),
    (["--ttl", "9s", "consulkv:///services"], "--ttl must be 10s"),
    (["--ttl", "soon", "consulkv:///services"], "Invalid --ttl"),
    (["--ip", "not-an-ip", "consulkv:///services"], "not an IP address"),
    (["--retry-interval", "0", "consulkv:///services"], "must be positive"),
    (["--cert-path", "/nonexistent", "consulkv:///services"], "is not a folder"),
    (["--deregister", "never", "consulkv:///services"], "invalid choice"),
    ([], "required"),
])
def test_cli_bad_input_exits_2_with_one_line(argv, message, capsys):
    assert cli.main(argv, {}) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and err.startswith("registrator: error: ")


def test_cli_builds_the_agent(monkeypatch, consul):
    consul.store(monkeypatch)  # py-consul replaced by the fake
    args = cli.build_parser().parse_args(["--ttl", "12s", "--hostname", "h1", "--docker-host", "tcp://10.231.1.2:2376",
                                          "--tags", "a,b", "consulkv:///services/"])
    agent = cli.build_agent(args, {"CONSUL_HTTP_ADDR": "10.0.0.9:8501", "CONSUL_HTTP_TOKEN": "secret"}, threading.Event())
    assert agent.options.keepalive == pytest.approx(4.0)
    assert agent.options.host_ip == "10.231.1.2" and agent.options.hostname == "h1" and agent.options.resync == 60.0
    assert agent.backend.prefix == "services" and agent.backend.ttl == 12
    assert agent.backend.session_name == "dockyard-registrator h1 services"
    assert agent.backend.store.config.endpoints == ("10.0.0.9:8501",) and agent.backend.store.config.token == "secret"
    args = cli.build_parser().parse_args(["--ip", "192.0.2.1", "consul://"])
    catalog = cli.build_agent(args, {}, threading.Event())
    assert catalog.backend.kind == "consul" and catalog.options.host_ip == "192.0.2.1"
    assert catalog.backend.store.config.endpoints == ("127.0.0.1:8500",)


def test_cli_runs_once(monkeypatch, consul):
    consul.store(monkeypatch)
    engine = FakeEngine()
    engine.add(web())
    monkeypatch.setattr(cli, "connect", lambda target, options: engine)
    status = cli.main(["--once", "--hostname", "node-1", "--ip", "10.0.0.1", "consulkv://127.0.0.1:8500/services"], {})
    assert status == 0 and keys(consul) == {WEB: "10.0.0.1:32768"}
    assert agent_module.CLOCK_MARGIN == 1.0
