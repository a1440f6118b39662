# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `swarm` command line: the seed's command lines verbatim, classic's flag rules, clear errors."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import cli
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import ConfigError, manage_config


def manage(argv, environ=None):
    return manage_config(cli.build_parser().parse_args(argv), environ or {})


@pytest.fixture
def certs(tmp_path):
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("x")
    return tmp_path


def test_seed_manage_command_line(certs):
    config = manage(["manage", "--tlsverify", "--tlscacert=%s/ca.pem" % certs, "--tlscert=%s/cert.pem" % certs,
                     "--tlskey=%s/key.pem" % certs, "-H", "tcp://0.0.0.0:2376", "--strategy", "random",
                     "--discovery", "consul://dockerswarm01/swarm"])
    assert config.discovery == "consul://dockerswarm01/swarm"
    assert config.tls_verify and config.tls_ca.endswith("ca.pem")
    assert [str(listener) for listener in config.listeners] == ["tcp://0.0.0.0:2376"]
    assert config.strategy == "random" and config.filters is None
    assert config.engine_options.validate_certs and config.engine_options.client_cert.endswith("cert.pem")


def test_seed_join_command_line_reaches_the_join_agent(monkeypatch):
    seen = {}
    monkeypatch.setattr(cli.join_agent, "run", lambda args, environ: seen.setdefault("args", args) and 0)
    assert cli.main(["join", "--addr=10.100.199.201:2376", "--discovery", "consul://dockerswarm01/swarm"], {}) == 0
    args = seen["args"]
    assert cli.join_agent.discovery_of(args, {}) == "consul://dockerswarm01/swarm"
    assert args.advertise == "10.100.199.201:2376"
    assert args.discovery_opt == []  # --discovery is not abbreviated into --discovery-opt
    assert (args.heartbeat, args.ttl) == ("60s", "180s")


def test_the_join_agent_reads_the_seed_command_line_itself():
    args = cli.join_agent.build_parser().parse_args(["--addr=10.100.199.201:2376", "--discovery",
                                                     "consul://dockerswarm01/swarm"])
    assert cli.join_agent.discovery_of(args, {}) == "consul://dockerswarm01/swarm"
    assert args.advertise == "10.100.199.201:2376" and args.discovery_opt == []
    with pytest.raises(SystemExit):  # no abbreviations: --discovery-o is not --discovery-opt
        cli.join_agent.build_parser().parse_args(["--discovery-o", "kv.path=x", "consul://h/p"])
    both = cli.join_agent.build_parser().parse_args(["--discovery", "consul://a/p", "consul://b/p"])
    with pytest.raises(cli.join_agent.DiscoveryError, match="Two discovery URLs"):
        cli.join_agent.discovery_of(both, {})
    assert cli.join_agent.discovery_of(cli.join_agent.build_parser().parse_args([]), {"SWARM_DISCOVERY": "zk://z/p"}) == "zk://z/p"


def test_join_registers_with_the_seed_command_line_on_a_fake_store(monkeypatch):
    """`swarm join --addr=... --discovery consul://...`: the loop runs with that address on that store."""
    seen = {}

    class Backend:
        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            return False

    def fake_open(source, params, environ):
        seen.update(source=source, params=params)
        return Backend()

    def fake_loop(backend, addr, heartbeat, ttl, delay, stop=None, deregister_on_exit=True):
        seen.update(addr=addr, heartbeat=heartbeat, ttl=ttl)
        return 1

    monkeypatch.setattr(cli.join_agent, "open_backend", fake_open)
    monkeypatch.setattr(cli.join_agent, "run_join_loop", fake_loop)
    assert cli.main(["join", "--addr=10.100.199.201:2376", "--discovery", "consul://dockerswarm01/swarm",
                     "--discovery-opt", "kv.path=team/docker/swarm/nodes"], {}) == 0
    assert seen == {"source": "consul://dockerswarm01:8500/swarm/team", "params": {}, "addr": "10.100.199.201:2376",
                    "heartbeat": 60.0, "ttl": 180.0}


def test_kv_path_folds_into_the_prefix_or_is_refused():
    config = manage(["manage", "--discovery-opt", "kv.path=docker/swarm/nodes", "consul://h:8500/swarm"])
    assert config.discovery == "consul://h:8500/swarm"
    config = manage(["manage", "--discovery-opt", "kv.path=/team-a/docker/swarm/nodes/", "etcd://h1:2379,h2:2379/swarm"])
    assert config.discovery == "etcd://h1:2379,h2:2379/swarm/team-a"
    with pytest.raises(ConfigError, match="must be docker/swarm/nodes or end with"):
        manage(["manage", "--discovery-opt", "kv.path=docker/nodes", "consul://h/swarm"])
    with pytest.raises(ConfigError, match="consul://, etcd:// and zk:// discovery only"):
        manage(["manage", "--discovery-opt", "kv.path=x/docker/swarm/nodes", "nodes://a:1"])


def test_no_abbreviations_anywhere():
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["manage", "--strat", "spread", "nodes://a:1"])
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["join", "--advert", "a:1", "consul://h/p"])


def test_defaults_and_positional_or_environment_discovery():
    config = manage(["manage", "nodes://10.0.0.1:2376"])
    assert [str(listener) for listener in config.listeners] == ["tcp://127.0.0.1:2375"]
    assert (config.refresh_min, config.refresh_max, config.failure_retry, config.heartbeat) == (30, 60, 3, 60)
    assert (config.overcommit, config.create_retry) == (0.05, 0)
    config = manage(["manage"], {"SWARM_DISCOVERY": "nodes://10.0.0.1:2376", "SWARM_HOST": "unix:///run/s.sock"})
    assert config.discovery == "nodes://10.0.0.1:2376" and str(config.listeners[0]) == "unix:///run/s.sock"
    with pytest.raises(ConfigError, match="No discovery given"):
        manage(["manage"])


def test_filters_replace_the_defaults_in_order_and_are_checked():
    config = manage(["manage", "-f", "constraint", "--filter", "health", "nodes://a:1"])
    assert config.filters == ["constraint", "health"]
    with pytest.raises(ConfigError, match="--filter"):
        manage(["manage", "-f", "nosuch", "nodes://a:1"])
    assert manage(["manage", "--strategy", "binpacking", "nodes://a:1"]).strategy == "binpack"
    with pytest.raises(ConfigError, match="--strategy"):
        manage(["manage", "--strategy", "fastest", "nodes://a:1"])


@pytest.mark.parametrize("flags, message", [
    (["--tls"], "need --tlscert and --tlskey"),
    (["--tlsverify", "--tlscert=C", "--tlskey=K"], "--tlsverify needs --tlscacert"),
    (["--tlscacert=C"], "without --tls or --tlsverify"),
])
def test_classic_tls_flag_rules(flags, message, certs):
    flags = [flag.replace("=C", "=%s/cert.pem" % certs).replace("=K", "=%s/key.pem" % certs) for flag in flags]
    with pytest.raises(ConfigError, match=message):
        manage(["manage"] + flags + ["nodes://a:1"])


@pytest.mark.parametrize("flags, message", [
    (["--replication"], "high availability"),
    (["--advertise", "10.0.0.1:4000"], "high availability"),
    (["--cluster-driver", "mesos-experimental"], "Mesos"),
    (["--cluster-opt", "mesos.user=x"], "Mesos"),
    (["--cluster-opt", "swarm.overcommit=-1"], "greater than -1"),
    (["--cluster-opt", "swarm.createretry=x"], "whole number"),
    (["--engine-refresh-min-interval", "30s", "--engine-refresh-max-interval", "10s"], "must not be less"),
    (["--engine-failure-retry", "0"], "at least 1"),
    (["--discovery-opt", "kv.path=other/path"], "kv.path"),
    (["--discovery-opt", "kv.cacertfile=/x"], "given together"),
    (["-H", "udp://0.0.0.0:1"], "only tcp"),
])
def test_unsupported_or_bad_flags_say_so(flags, message):
    with pytest.raises(ConfigError, match=message):
        manage(["manage"] + flags + ["nodes://a:1"])


def test_cluster_opts_and_durations():
    config = manage(["manage", "--cluster-opt", "swarm.overcommit=0.5", "--cluster-opt", "swarm.createretry=2",
                     "--engine-refresh-min-interval", "500ms", "--engine-refresh-max-interval", "2s", "--heartbeat", "5s",
                     "nodes://a:1"])
    assert (config.overcommit, config.create_retry, config.refresh_min, config.refresh_max, config.heartbeat) == \
        (0.5, 2, 0.5, 2.0, 5.0)


def test_create_explains_the_token_service_is_gone(capsys):
    assert cli.main(["create"], {}) == 1
    assert "2019" in capsys.readouterr().err


def test_list_prints_the_discovered_engines(capsys):
    assert cli.main(["list", "nodes://10.0.0.[1:2]:2376"], {}) == 0
    assert capsys.readouterr().out.split() == ["10.0.0.1:2376", "10.0.0.2:2376"]


def test_manage_with_a_bad_discovery_url_fails_before_starting(capsys):
    assert cli.main(["manage", "token://abc"], {}) == 1
    assert "2019" in capsys.readouterr().err
