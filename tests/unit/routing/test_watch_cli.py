# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing watcher's command line: the contract the `routing` role relies on (no Consul needed)."""
from __future__ import annotations

import threading

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import cli


def watcher(argv, environ=None):
    args = cli.build_parser().parse_args(argv)
    return cli.build_watcher(args, environ or {}, threading.Event())


@pytest.mark.parametrize("argv, message", [
    (["--bogus", "consul://"], "unrecognized arguments: --bogus"),
    ([], "the following arguments are required: uri"),
    (["--proxy", "apache", "consul://"], "invalid choice: 'apache'"),
    (["--mode", "server_name", "--output", "{tmp}/r.conf", "consul://"], "mode server_name needs a domain"),
    (["--output", "{tmp}/r.conf", "etcd://10.0.0.1/services"], "must be consul://HOST:PORT/PREFIX"),
    (["--output", "{tmp}/missing/r.conf", "consul://"], "--output"),
    (["--listen", "0", "--output", "{tmp}/r.conf", "consul://"], "listen must be"),
    (["--wait-min", "soon", "--output", "{tmp}/r.conf", "consul://"], "--wait-min"),
    (["--block", "20m", "--output", "{tmp}/r.conf", "consul://"], "--block"),
    (["--reload-command", " ", "--output", "{tmp}/r.conf", "consul://"], "--reload-command is empty"),
    (["--output", "{tmp}/r.conf", "consul://h:99999/services"], "port"),
    (["--proxy", "haproxy", "--haproxy-pidfile", "x y", "--output", "{tmp}/h.cfg", "consul://"], "pidfile"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message):
    argv = [item.replace("{tmp}", str(tmp_path)) for item in argv]
    assert cli.main(argv, environ={}) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("dockyard-routing: error: ") and message in err, err


def test_uri_forms(tmp_path):
    out = ["--output", str(tmp_path / "r.conf")]
    assert watcher(out + ["consul://10.0.0.5:8501/routes/"]).store.config.endpoints == ("10.0.0.5:8501",)
    assert watcher(out + ["consul://10.0.0.5:8501/routes/"]).prefix == "routes"
    assert watcher(out + ["consul://10.0.0.5:8501"]).prefix == "services"
    default = watcher(out + ["consul://"])
    assert default.prefix == "services" and default.store.config.endpoints == ("127.0.0.1:8500",)
    env = watcher(out + ["consul:///svc"], {"CONSUL_HTTP_ADDR": "https://10.0.0.9:8501", "CONSUL_HTTP_TOKEN": "secret"})
    assert env.store.config.endpoints == ("10.0.0.9:8501",) and env.store.config.use_tls
    assert env.store.config.token == "secret" and env.prefix == "svc"
    assert watcher(out + ["consul://"], {"SWARM_DISCOVERY_TOKEN": "mine", "CONSUL_HTTP_TOKEN": "x"}).store.config.token == "mine"


def test_defaults_and_durations(tmp_path):
    w = watcher(["--output", str(tmp_path / "r.conf"), "--wait-min", "200ms", "--wait-max", "2s", "--block", "1m", "consul://"])
    assert (w.coalescer.wait_min, w.coalescer.wait_max, w.block) == (0.2, 2.0, 60.0)
    assert w.hooks.proxy == "nginx"
    out = ["--output", str(tmp_path / "r.conf")]
    assert watcher(out + ["--nginx-conf", str(tmp_path / "none.conf"), "consul://"]).hooks.check_live is None  # not required
    (tmp_path / "nginx.conf").write_text("events {}\n")
    assert watcher(out + ["--nginx-conf", str(tmp_path / "nginx.conf"), "consul://"]).hooks.check_live is not None
    assert watcher(out + ["--proxy", "haproxy", "--nginx-conf", str(tmp_path / "nginx.conf"), "consul://"]).hooks.check_live is None
    args = cli.build_parser().parse_args(["consul://"])
    assert args.output is None and args.listen == "80" and args.mode == "location" and args.nginx_conf == "/etc/nginx/nginx.conf"
    assert cli.OUTPUTS == {"nginx": "/etc/nginx/conf.d/dockyard-routes.conf", "haproxy": "/etc/haproxy/haproxy.cfg"}


def test_once_against_a_closed_port_exits_2(tmp_path):
    argv = ["--once", "--output", str(tmp_path / "r.conf"), "--reload-command", "true", "consul://127.0.0.1:1/services"]
    assert cli.main(argv, environ={"SWARM_DISCOVERY_TIMEOUT": "2"}) == 2
    assert not (tmp_path / "r.conf").exists()


def test_once_with_a_fake_store(tmp_path, monkeypatch):
    """--once: 0 when applied (and again when unchanged), 1 when the proxy refuses the file."""
    class Store:
        def __init__(self, items):
            self.items = items

        def call(self, action, what):
            class Client:
                kv = self
            return action(Client)

        def get(self, key, **kwargs):
            return "7", self.items

    items = [{"Key": "services/web/a", "Value": b"10.0.0.1:80"}]
    monkeypatch.setattr(cli, "_store", lambda uri, environ: (Store(items), "services"))
    fake_nginx = tmp_path / "nginx"
    fake_nginx.write_text("#!/bin/sh\ngrep -q nosuchhost \"$4\" $(sed -n 's/ *include \\(.*\\);/\\1/p' \"$4\") && exit 1\nexit 0\n")
    fake_nginx.chmod(0o755)
    reload_log = tmp_path / "reloads"
    argv = ["--once", "--output", str(tmp_path / "r.conf"), "--nginx", str(fake_nginx), "--nginx-conf", str(tmp_path / "none"),
            "--reload-command", "sh -c 'echo reload >> %s'" % reload_log, "consul://"]
    assert cli.main(argv, environ={}) == 0
    assert "server 10.0.0.1:80;" in (tmp_path / "r.conf").read_text()
    assert cli.main(argv, environ={}) == 0
    assert reload_log.read_text() == "reload\n"
    items[0]["Value"] = b"nosuchhost.invalid:80"
    assert cli.main(argv, environ={}) == 1
    assert "server 10.0.0.1:80;" in (tmp_path / "r.conf").read_text()
