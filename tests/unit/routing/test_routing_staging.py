# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stage, validate, swap with a stand-in nginx (the real one runs in tests/integration/test_routing_nginx.py)."""
from __future__ import annotations

import os
import stat

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import apply_config, reload_nginx, validation_conf


def fake_nginx(tmp_path, code, message=""):
    """A script that records its arguments and the staged main file, then exits with ``code``."""
    script = tmp_path / "nginx"
    script.write_text("#!/bin/sh\necho \"$@\" > %s/args\ncp \"$4\" %s/seen.conf 2>/dev/null\necho '%s' >&2\nexit %d\n"
                      % (tmp_path, tmp_path, message, code))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_success_swaps_and_asks_for_reload(tmp_path):
    live = tmp_path / "routes.conf"
    result = apply_config("upstream a { server 10.0.0.1:80; }\n", str(live), nginx=fake_nginx(tmp_path, 0))
    assert result.changed and result.reload_needed and result.error is None
    assert live.read_text() == "upstream a { server 10.0.0.1:80; }\n"
    args = (tmp_path / "args").read_text().split()
    assert args[:3] == ["-t", "-q", "-c"] and args[4] == "-e"
    seen = (tmp_path / "seen.conf").read_text()
    assert "include %s/" % tmp_path in seen and "/.dockyard-routes-" in seen
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".dockyard-routes-")]  # staging removed


def test_failure_keeps_the_old_file(tmp_path):
    live = tmp_path / "routes.conf"
    live.write_text("old\n")
    result = apply_config("new\n", str(live), nginx=fake_nginx(tmp_path, 1, "nginx: [emerg] broken"))
    assert not result.changed and not result.reload_needed
    assert "[emerg] broken" in result.error
    assert live.read_text() == "old\n"
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".dockyard-routes-")]


def test_unchanged_content_is_left_alone(tmp_path):
    live = tmp_path / "routes.conf"
    live.write_text("same\n")
    result = apply_config("same\n", str(live), nginx=str(tmp_path / "missing-nginx"))
    assert not result.changed and not result.reload_needed and result.error is None


def test_missing_nginx_is_an_error_not_an_exception(tmp_path):
    result = apply_config("x\n", str(tmp_path / "routes.conf"), nginx=str(tmp_path / "missing-nginx"))
    assert result.error and "missing-nginx" in result.error and not (tmp_path / "routes.conf").exists()


def test_caller_main_conf_marker(tmp_path):
    main = "events {}\nhttp {\n    include @ROUTES@;\n}\n"
    apply_config("x\n", str(tmp_path / "routes.conf"), main_conf=main, nginx=fake_nginx(tmp_path, 0))
    seen = (tmp_path / "seen.conf").read_text()
    assert "@ROUTES@" not in seen and "/routes.conf;" in seen


def test_validation_conf_stays_in_workdir():
    text = validation_conf("/w/routes.conf", "/w")
    paths = [line.split()[-1].rstrip(";") for line in text.splitlines() if "/" in line]
    assert paths and all(path.startswith("/w/") for path in paths)


def test_reload_error_text(tmp_path):
    assert reload_nginx("/x.conf", nginx=fake_nginx(tmp_path, 0)) is None
    assert "no pid" in reload_nginx("/x.conf", nginx=fake_nginx(tmp_path, 1, "no pid"))
