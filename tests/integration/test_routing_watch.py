# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing watcher end to end: the lab's Consul, busybox httpd containers on lab engines, a real nginx / HAProxy.

Each test runs its own proxy on a free 127.0.0.1 port (config, pid, logs under tmp_path) and the
watcher as a subprocess (`python -m ..._routing`), on a KV prefix of its own; containers, keys
and processes are removed at the end.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.integration.helpers import engine_client, free_port, stop_process, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
HAPROXY = "/usr/sbin/haproxy"
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._routing"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url: str, host: "str | None" = None) -> "tuple[int, str]":
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with OPENER.open(request, timeout=3) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")
    except OSError as exc:  # not listening (yet)
        return 0, str(exc)


def bodies(url: str, count: int = 6, host: "str | None" = None) -> set:
    return {get(url, host)[1].strip() for unused in range(count)}


class Consul:
    """The test's own KV writes (plain HTTP to the lab agent), under one prefix."""

    def __init__(self, addr: str, prefix: str) -> None:
        self.addr = addr
        self.prefix = prefix

    def _request(self, method: str, key: str, data: "bytes | None" = None, query: str = "") -> None:
        url = "http://%s/v1/kv/%s%s" % (self.addr, urllib.parse.quote(key, safe="/"), query)
        OPENER.open(urllib.request.Request(url, data=data, method=method), timeout=5).close()

    def put(self, key: str, value: str) -> None:
        self._request("PUT", "%s/%s" % (self.prefix, key), value.encode())

    def delete(self, key: str = "", recurse: bool = False) -> None:
        self._request("DELETE", "%s/%s" % (self.prefix, key) if key else self.prefix, query="?recurse=true" if recurse else "")


@pytest.fixture()
def consul(lab):
    if not lab.get("consul"):
        pytest.skip("the lab runs without Consul")
    kv = Consul(lab["consul"], "itest-route-%s" % uuid.uuid4().hex[:8])
    yield kv
    kv.delete(recurse=True)


@pytest.fixture(scope="module")
def httpd(lab):
    """busybox httpd on node-2 and node-3, each serving its node's name: {node: 'addr:published port'}."""
    suffix = uuid.uuid4().hex[:8]
    made = []
    found = {}
    try:
        for node in ("node-2", "node-3"):
            client = engine_client(lab, node)
            name = "itest-route-%s-%s" % (node, suffix)
            script = "mkdir -p /www && echo hello-%s > /www/index.html && exec httpd -f -p 80 -h /www" % node
            created = client.create_container(lab["image"]["name"], ["sh", "-c", script], name=name, ports=[80],
                                              host_config=client.create_host_config(port_bindings={80: None}))
            made.append((client, created["Id"]))
            client.start(created["Id"])
            port = client.inspect_container(created["Id"])["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"]
            address = [e["addr"] for e in lab["engines"] if e["name"] == node][0].rsplit(":", 1)[0]
            found[node] = "%s:%s" % (address, port)
            wait_for("%s answers" % name, lambda url="http://%s/" % found[node]: get(url)[0] == 200)
        yield found
    finally:
        for client, container in made:
            with contextlib.suppress(Exception):
                client.remove_container(container, force=True)
            client.close()


def python_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / ".venv" / "collections")
    env.pop("REQUESTS_CA_BUNDLE", None)
    return env


@contextlib.contextmanager
def process(argv, log: Path):
    with open(log, "ab") as stream:
        proc = subprocess.Popen(argv, stdout=stream, stderr=subprocess.STDOUT, env=python_env())
    try:
        yield proc
    finally:
        stop_process(proc)


@contextlib.contextmanager
def nginx_with_watcher(tmp_path: Path, consul: Consul, *options: str, reload_command: bool = True):
    """(listen address, routes path, watcher log) of a fresh nginx and the watcher following ``consul.prefix``.

    Without ``reload_command`` the watcher's default (``<nginx> -c <nginx-conf> -s reload``) reloads it.
    """
    work = tmp_path / "nginx"
    work.mkdir()
    routes, conf = work / "routes.conf", work / "nginx.conf"
    routes.write_text("# no routes yet\n")
    listen = "127.0.0.1:%d" % free_port()
    temps = "".join("    %s_temp_path %s/%s;\n" % (name, work, name) for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text("daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\nevents { worker_connections 64; }\n"
                    "http {\n    access_log off;\n%s    include %s;\n}\n" % (work, work, temps, routes))
    log = tmp_path / "watcher.log"
    with process([NGINX, "-c", str(conf), "-e", str(work / "error.log")], tmp_path / "nginx.log"):
        wait_for("nginx writes its pid", (work / "nginx.pid").exists)
        argv = [sys.executable, "-m", MODULE, "--output", str(routes), "--nginx", NGINX, "--nginx-conf", str(conf), "--listen", listen,
                "--wait-min", "0.2s", "--wait-max", "1s", "--block", "10s", *options, "consul://%s/%s" % (consul.addr, consul.prefix)]
        if reload_command:
            argv[-1:-1] = ["--reload-command", "%s -c %s -s reload" % (NGINX, conf)]
        with process(argv, log):
            wait_for("the first render", lambda: "reloaded nginx" in log.read_text())
            yield listen, routes, log


def reloads(log: Path) -> int:
    return log.read_text().count("reloaded ")


def test_nginx_follows_consul(tmp_path, consul, httpd):
    """Add, add, remove backends; injection attempts; a file nginx refuses; delete all -> 502; a burst -> few reloads."""
    node2, node3 = httpd["node-2"], httpd["node-3"]
    with nginx_with_watcher(tmp_path, consul) as (listen, routes, log):
        url = "http://%s/web/" % listen
        assert get(url)[0] == 404  # no routes yet
        consul.put("web/node-2:web:80", node2)
        wait_for("web routed to node-2", lambda: get(url) == (200, "hello-node-2\n"), 8)
        consul.put("web/node-3:web:80", node3)
        wait_for("both backends", lambda: bodies(url) == {"hello-node-2", "hello-node-3"}, 8)
        consul.delete("web/node-2:web:80")
        wait_for("only node-3", lambda: bodies(url) == {"hello-node-3"}, 8)

        evil_port = free_port()
        served = routes.read_text()
        consul.put("x;}server{listen %d;/id" % evil_port, node2)
        consul.put("web/evil", "1.2.3.4:80;include /etc/passwd")
        wait_for("the rejection is logged", lambda: "/etc/passwd" in log.read_text() and "listen %d" % evil_port in log.read_text())
        assert routes.read_text() == served and "passwd" not in served and str(evil_port) not in served
        assert bodies(url) == {"hello-node-3"}
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", evil_port), timeout=1).close()

        consul.put("web/bad", "nosuchhost.invalid:80")
        wait_for("nginx's refusal is logged", lambda: re.search(r"ERROR .*host not found in upstream", log.read_text()), 10)
        assert routes.read_text() == served and bodies(url) == {"hello-node-3"}
        assert not [p for p in routes.parent.iterdir() if p.name.startswith(".dockyard-")]
        consul.delete("web/bad")
        consul.put("web/node-2:web:80", node2)  # the next change applies again
        wait_for("both backends again", lambda: bodies(url) == {"hello-node-2", "hello-node-3"}, 8)

        consul.delete("web/", recurse=True)
        wait_for("zero backends answer 502", lambda: get(url)[0] == 502, 8)
        assert "server 127.0.0.1:65535 down;" in routes.read_text()

        before = reloads(log)
        for number in range(20):
            consul.put("burst/id-%02d" % number, "192.0.2.1:%d" % (10000 + number))
        wait_for("the burst is rendered", lambda: "192.0.2.1:10019" in routes.read_text(), 10)
        time.sleep(1.5)
        assert 1 <= reloads(log) - before <= 3, log.read_text()[-3000:]
        assert routes.read_text().count("server 192.0.2.1:") == 20
        assert "Traceback" not in log.read_text()


def test_nginx_server_name_mode(tmp_path, consul, httpd):
    options = ("--mode", "server_name", "--domain", "apps.test")
    with nginx_with_watcher(tmp_path, consul, *options, reload_command=False) as (listen, unused_routes, unused_log):
        url = "http://%s/" % listen
        consul.put("web/node-2:web:80", httpd["node-2"])
        consul.put("api/none", "")  # a key without a value: ignored
        wait_for("web.apps.test routed", lambda: get(url, "web.apps.test") == (200, "hello-node-2\n"), 8)
        assert get(url, "other.apps.test")[0] == 404
        assert get(url, "web.other.test")[0] == 404


def test_haproxy_follows_consul(tmp_path, consul, httpd):
    """HAProxy mode: master-worker haproxy with a pidfile, reloaded by USR2 through sh -c; 503 for zero backends."""
    cfg, pid = tmp_path / "haproxy.cfg", tmp_path / "haproxy.pid"
    listen = "127.0.0.1:%d" % free_port()
    base = [sys.executable, "-m", MODULE, "--proxy", "haproxy", "--output", str(cfg), "--haproxy", HAPROXY, "--listen", listen,
            "--reload-command", "sh -c 'kill -USR2 $(cat %s)'" % pid, "--wait-min", "0.2s", "--wait-max", "1s", "--block", "10s",
            "consul://%s/%s" % (consul.addr, consul.prefix)]
    first = subprocess.run(base[:-1] + ["--reload-command", "true", "--once", base[-1]], env=python_env(), capture_output=True,
                           text=True, timeout=30, check=False)
    assert first.returncode == 0, first.stderr
    log = tmp_path / "watcher.log"
    with process([HAPROXY, "-W", "-p", str(pid), "-f", str(cfg)], tmp_path / "haproxy.log"):
        url = "http://%s/web/" % listen
        wait_for("haproxy answers", lambda: get(url)[0] == 404)
        with process(base, log):
            consul.put("web/node-2:web:80", httpd["node-2"])
            wait_for("web routed by haproxy", lambda: get(url) == (200, "hello-node-2\n"), 10)
            consul.put("web/node-3:web:80", httpd["node-3"])
            wait_for("both backends", lambda: bodies(url) == {"hello-node-2", "hello-node-3"}, 10)
            consul.put("web/bad", "nosuchhost.invalid:80")
            wait_for("haproxy's refusal is logged", lambda: "could not resolve address" in log.read_text(), 10)
            assert "nosuchhost" not in cfg.read_text()
            consul.delete("web/", recurse=True)
            wait_for("zero backends answer 503", lambda: get(url)[0] == 503, 10)
            assert get("http://%s/nothing/" % listen)[0] == 404
            assert log.read_text().count("reloaded haproxy") >= 3
