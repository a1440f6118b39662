# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HAProxy renderer (pure) and its validation path in apply_config (stand-in haproxy; the real one runs when installed)."""
from __future__ import annotations

import os
import re
import stat

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import RoutingError, apply_config, render_haproxy, run_reload

HAPROXY = "/usr/sbin/haproxy"


def backends_and_uses(text):
    backends = set(re.findall(r"^backend (\S+)$", text, re.M))
    uses = set(re.findall(r"^    use_backend (\S+) if", text, re.M))
    return backends, uses


def test_location_mode_routes_by_prefix_and_strips_it():
    text = render_haproxy({"web": ["10.0.0.2:80", "10.0.0.1:80"], "my.app": ["[fd00::1]:8080"]}, listen=8080).text
    assert "    bind :8080\n" in text
    assert "    acl dockyard_web path_beg /web/\n" in text
    assert "    use_backend dockyard_web if dockyard_web\n" in text
    assert "    http-request replace-path '^/web/(.*)$' '/\\1'\n" in text
    assert "    http-request replace-path '^/my[.]app/(.*)$' '/\\1'\n" in text
    assert "    server s1 10.0.0.1:80\n    server s2 10.0.0.2:80\n" in text  # sorted, named s1, s2
    assert "    server s1 [fd00::1]:8080\n" in text
    assert "default_backend no_route" in text and "backend no_route\n    http-request deny deny_status 404" in text
    assert "mode http" in text and "timeout connect" in text


def test_every_use_backend_has_its_backend():
    for mode, domain in (("location", None), ("server_name", "apps.test")):
        text = render_haproxy({"a": [], "b": ["10.0.0.1:1"], "Bad": ["10.0.0.1:2"], "c;d": []}, mode=mode, domain=domain).text
        backends, uses = backends_and_uses(text)
        assert uses == {"dockyard_a", "dockyard_b"}
        assert uses <= backends and backends == uses | {"no_route"}


def test_zero_backends_give_a_backend_without_servers():
    text = render_haproxy({"api": []}).text
    block = text.split("backend dockyard_api\n", 1)[1]
    assert "server" not in block.split("# no backends")[1]
    assert "503" in block


def test_server_name_mode_matches_the_host_without_port():
    text = render_haproxy({"web": ["10.0.0.1:80"]}, mode="server_name", domain="Apps.Test", listen="127.0.0.1:81").text
    assert "    bind 127.0.0.1:81\n" in text
    assert "    acl dockyard_web hdr(host),field(1,:) -i web.apps.test\n" in text
    assert "replace-path" not in text


def test_location_mode_server_name_restricts_the_host():
    text = render_haproxy({"web": []}, server_name="router.test").text
    assert "    acl host_ok hdr(host),field(1,:) -i router.test\n" in text
    assert "    use_backend dockyard_web if host_ok dockyard_web\n" in text


def test_injection_attempts_are_dropped():
    web = ["1.2.3.4:80\n    server evil 6.6.6.6:1", "1.2.3.4:80 backup", "$host:80"]
    rendered = render_haproxy({"x\n}\nlisten evil": ["1.2.3.4:80"], "web": web})
    assert len(rendered.rejected) == 4
    assert "evil" not in rendered.text and "backup" not in rendered.text and "$host" not in rendered.text
    assert rendered.services == {"web": []}


def test_global_options_and_bad_values():
    text = render_haproxy({}, pidfile="/run/haproxy.pid", stats_socket="/run/haproxy/admin.sock").text
    assert "    pidfile /run/haproxy.pid\n" in text and "    stats socket /run/haproxy/admin.sock mode 600 level admin\n" in text
    assert "pidfile" not in render_haproxy({}).text
    for kwargs in ({"pidfile": "/run/x pid"}, {"stats_socket": "relative.sock"}, {"pidfile": "/run/../etc/x"},
                   {"mode": "path"}, {"mode": "server_name"}, {"listen": "0"}, {"server_name": "a b"}):
        with pytest.raises(RoutingError):
            render_haproxy({}, **kwargs)


def fake_haproxy(tmp_path, code, message):
    script = tmp_path / "haproxy"
    script.write_text("#!/bin/sh\necho \"$@\" > %s/args\necho '[NOTICE]   (1) : haproxy version is x' >&2\necho '%s' >&2\nexit %d\n"
                      % (tmp_path, message, code))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_apply_config_validates_with_haproxy_c(tmp_path):
    live = tmp_path / "haproxy.cfg"
    live.write_text("old\n")
    result = apply_config("new\n", str(live), validator="haproxy", haproxy=fake_haproxy(tmp_path, 1, "[ALERT] broken"))
    assert not result.changed and result.error == "[ALERT] broken" and live.read_text() == "old\n"
    args = (tmp_path / "args").read_text().split()
    assert args[:2] == ["-c", "-f"] and "/.dockyard-routes-" in args[2] and args[2].endswith("/haproxy.cfg")
    result = apply_config("new\n", str(live), validator="haproxy", haproxy=fake_haproxy(tmp_path, 0, "Configuration file is valid"))
    assert result.reload_needed and live.read_text() == "new\n"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".dockyard-routes-")]


def test_apply_config_with_a_callable_validator(tmp_path):
    seen = []
    result = apply_config("x\n", str(tmp_path / "f"), validator=lambda staged, staging: seen.append(staged) or (3, ""))
    assert result.error == "validation failed (exit 3)" and seen and not (tmp_path / "f").exists()
    with pytest.raises(ValueError):
        apply_config("x\n", str(tmp_path / "f"), validator="apache")


def test_run_reload(tmp_path):
    assert run_reload("true") is None
    assert run_reload(["sh", "-c", "echo nope >&2; exit 3"]) == "nope"
    assert "failed (exit 1)" in run_reload("false")
    assert run_reload("   ") == "empty reload command"


@pytest.mark.skipif(not os.access(HAPROXY, os.X_OK), reason="haproxy is not installed")
def test_real_haproxy_accepts_every_render(tmp_path):
    services = {"web": ["127.0.0.1:8080", "[::1]:8081", "localhost:8082"], "api": [], "my.app_1": ["10.231.1.2:80"]}
    for number, (mode, domain) in enumerate((("location", None), ("server_name", "apps.test"))):
        for server_name in ("_", "router.test"):
            text = render_haproxy(services, mode=mode, domain=domain, listen="127.0.0.1:18080", server_name=server_name,
                                  pidfile=str(tmp_path / "pid"), stats_socket=str(tmp_path / "sock")).text
            live = tmp_path / ("haproxy-%d-%s.cfg" % (number, server_name))
            result = apply_config(text, str(live), validator="haproxy", haproxy=HAPROXY)
            assert result.error is None and result.reload_needed
    broken = render_haproxy({"web": ["nosuchhost.invalid:80"]}).text
    result = apply_config(broken, str(tmp_path / "broken.cfg"), validator="haproxy", haproxy=HAPROXY)
    assert "could not resolve address 'nosuchhost.invalid'" in result.error and "[NOTICE]" not in result.error
    assert str(tmp_path / "broken.cfg") in result.error
