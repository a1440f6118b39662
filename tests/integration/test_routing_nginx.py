# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The renderer's output validated and served by the real nginx (/usr/sbin/nginx).

Everything lives under tmp_path (pid, logs, temp paths); nginx and the backend listen on free
127.0.0.1 ports only and are stopped in ``finally``.
"""
from __future__ import annotations

import contextlib
import http.server
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import apply_config, reload_nginx, render_nginx
from tests.integration.helpers import free_port, stop_process

pytestmark = pytest.mark.integration

NGINX = "/usr/sbin/nginx"


def main_conf(workdir) -> str:
    """A full nginx.conf for the throwaway nginx: every path inside ``workdir``, routes at @ROUTES@."""
    temps = "".join("    %s_temp_path %s/%s;\n" % (name, workdir, name)
                    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return ("daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\n"
            "events { worker_connections 64; }\nhttp {\n    access_log off;\n%s    include @ROUTES@;\n}\n"
            % (workdir, workdir, temps))


class Backend(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = ("backend %s" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet
        pass


def get(url: str, host: "str | None" = None) -> "tuple[int, str]":
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=3) as answer:  # noqa: S310 (loopback)
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def wait_for(url: str, status: int, seconds: float = 15, host: "str | None" = None) -> str:
    """Poll ``url`` (bounded) until it answers ``status``; the body."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            code, body = get(url, host)
            if code == status:
                return body
            last = (code, body[:200])
        except OSError as exc:  # not listening yet
            last = exc
        time.sleep(0.2)
    raise AssertionError("%s did not answer %d within %ss; last: %r" % (url, status, seconds, last))


@contextlib.contextmanager
def backend_server():
    """A tiny HTTP backend on a free loopback port; its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def nginx_running(nginx_bin: str, work):
    """nginx in the foreground on ``work``/nginx.conf; stopped (then killed) at the end."""
    proc = subprocess.Popen([nginx_bin, "-c", str(work / "nginx.conf"), "-e", str(work / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        stop_process(proc)


def nginx_tree(tmp_path):
    """(work dir, main configuration text with @ROUTES@, live routes path); nginx.conf written."""
    work = tmp_path / "nginx"
    work.mkdir()
    routes = work / "routes.conf"
    text = main_conf(work)
    (work / "nginx.conf").write_text(text.replace("@ROUTES@", str(routes)))
    return work, text, routes


@pytest.fixture()
def nginx_bin():
    if not os.access(NGINX, os.X_OK):
        pytest.skip("nginx is not installed at %s" % NGINX)
    return NGINX


def test_rendered_configs_pass_nginx_t(tmp_path, nginx_bin):
    """Both modes, zero backends, IPv6 and host name backends: nginx -t accepts every render."""
    services = {"web": ["127.0.0.1:8080", "[::1]:8081", "localhost:8082"], "api": [], "my.app_1": ["10.231.1.2:80"],
                "x; } server { listen 81; }": ["127.0.0.1:1"]}
    for number, (mode, domain) in enumerate((("location", None), ("server_name", "apps.test"))):
        rendered = render_nginx(services, mode=mode, domain=domain, listen="127.0.0.1:%d" % free_port())
        result = apply_config(rendered.text, str(tmp_path / ("routes-%d.conf" % number)), nginx=nginx_bin)
        assert result.error is None and result.reload_needed, result.error
        assert (tmp_path / ("routes-%d.conf" % number)).read_text() == rendered.text


def test_broken_config_keeps_the_old_file(tmp_path, nginx_bin):
    live = tmp_path / "routes.conf"
    good = render_nginx({"web": ["127.0.0.1:8080"]}).text
    assert apply_config(good, str(live), nginx=nginx_bin).error is None
    result = apply_config(good + "upstream dockyard_web { server 127.0.0.1:1; }\n", str(live), nginx=nginx_bin)
    assert not result.changed and not result.reload_needed
    assert "duplicate upstream" in result.error and str(live) in result.error
    assert live.read_text() == good
    assert [path.name for path in tmp_path.iterdir()] == ["routes.conf"]


def test_served_by_real_nginx(tmp_path, nginx_bin):
    """Route by name to a real backend, keep serving through an injection attempt, 502 with zero backends."""
    work, main_text, routes = nginx_tree(tmp_path)
    main = work / "nginx.conf"
    listen_port, injected_port = free_port(), free_port()
    listen = "127.0.0.1:%d" % listen_port
    with backend_server() as backend_port:
        services = {"web": ["127.0.0.1:%d" % backend_port]}
        first = apply_config(render_nginx(services, listen=listen).text, str(routes), main_conf=main_text, nginx=nginx_bin)
        assert first.error is None and first.reload_needed
        with nginx_running(nginx_bin, work):
            body = wait_for("http://%s/web/hello" % listen, 200)
            assert body == "backend /hello"
            assert get("http://%s/nothing/" % listen)[0] == 404

            served = routes.read_text()
            attack = dict(services)
            attack["x; } server { listen %d; }" % injected_port] = ["127.0.0.1:%d" % backend_port]
            attack["web\nserver { listen %d; }" % injected_port] = []
            attack["web"] = services["web"] + ["127.0.0.1:%d; } server { listen %d; }" % (backend_port, injected_port),
                                               "$host:80", "127.0.0.1:1\n}"]
            rendered = render_nginx(attack, listen=listen)
            assert len(rendered.rejected) == 5
            second = apply_config(rendered.text, str(routes), main_conf=main_text, nginx=nginx_bin)
            assert not second.changed and not second.reload_needed and second.error is None
            assert routes.read_text() == served
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", injected_port), timeout=1).close()

            empty = apply_config(render_nginx({"web": []}, listen=listen).text, str(routes), main_conf=main_text,
                                 nginx=nginx_bin)
            assert empty.error is None and empty.reload_needed
            assert reload_nginx(str(main), nginx=nginx_bin) is None
            wait_for("http://%s/web/hello" % listen, 502)

            back = apply_config(render_nginx(services, listen=listen).text, str(routes), main_conf=main_text,
                                nginx=nginx_bin)
            assert back.reload_needed and reload_nginx(str(main), nginx=nginx_bin) is None
            assert wait_for("http://%s/web/again" % listen, 200) == "backend /again"


def test_served_by_server_name(tmp_path, nginx_bin):
    """server_name mode: the Host header picks the service; an unknown host gets the catch-all 404, not a service."""
    work, main_text, routes = nginx_tree(tmp_path)
    listen = "127.0.0.1:%d" % free_port()
    with backend_server() as backend_port:
        services = {"aaa": [], "web": ["127.0.0.1:%d" % backend_port]}
        rendered = render_nginx(services, mode="server_name", domain="apps.test", listen=listen)
        assert apply_config(rendered.text, str(routes), main_conf=main_text, nginx=nginx_bin).error is None
        with nginx_running(nginx_bin, work):
            assert wait_for("http://%s/x" % listen, 200, host="web.apps.test") == "backend /x"
            assert get("http://%s/x" % listen, "aaa.apps.test")[0] == 502
            assert get("http://%s/x" % listen, "other.apps.test")[0] == 404
