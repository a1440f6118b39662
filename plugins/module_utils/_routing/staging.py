# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing layer's only I/O: stage a rendered file, validate it with nginx, swap it in atomically.

1. the new content goes to a staging directory next to the live file (same file system);
2. ``nginx -t -c <staged main configuration>`` checks it: a full nginx.conf whose ``http``
   block includes the *staged* file (the caller's own main configuration with the marker
   ``@ROUTES@``, or ``validation_conf``'s minimal one, whose pid, logs and temp paths stay
   inside the staging directory);
3. only on success ``os.replace`` puts it in place and the result says a reload is needed;
   on failure the live file is untouched and the result carries nginx's error text.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import List, NamedTuple, Optional

ROUTES_MARKER = "@ROUTES@"
NGINX = "/usr/sbin/nginx"


class Applied(NamedTuple):
    """``changed``: the live file was replaced; ``reload_needed``: tell nginx; ``error``: why not (or None)."""

    changed: bool
    reload_needed: bool
    error: Optional[str]
    path: str


def validation_conf(routes_path: str, workdir: str) -> str:
    """A minimal full nginx.conf that includes ``routes_path`` and writes only under ``workdir``."""
    lines = [
        "pid %s/nginx.pid;" % workdir,
        "error_log %s/error.log;" % workdir,
        "events { worker_connections 64; }",
        "http {",
        "    access_log off;",
    ]
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        lines.append("    %s_temp_path %s/%s;" % (name, workdir, name))
    lines += ["    include %s;" % routes_path, "}", ""]
    return "\n".join(lines)


def _run(command: List[str], timeout: float) -> "tuple[int, str]":
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, "%s: %s" % (command[0], exc)
    return proc.returncode, (proc.stderr + proc.stdout).strip()


def apply_config(content: str, live_path: str, main_conf: Optional[str] = None, nginx: str = NGINX,
                 timeout: float = 30) -> Applied:
    """Stage, validate and swap ``content`` into ``live_path`` (see the module docstring).

    ``main_conf``: the text of a full nginx.conf with ``@ROUTES@`` where the routes file is
    included (an ``include @ROUTES@;`` line); None uses ``validation_conf``. An unchanged
    file is left alone (no reload needed).
    """
    live_path = os.path.abspath(live_path)
    try:
        with open(live_path, encoding="utf-8") as handle:
            if handle.read() == content:
                return Applied(False, False, None, live_path)
    except FileNotFoundError:
        pass
    directory = os.path.dirname(live_path)
    staging = tempfile.mkdtemp(prefix=".dockyard-routes-", dir=directory)
    try:
        staged = os.path.join(staging, os.path.basename(live_path))
        with open(staged, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        main = os.path.join(staging, "nginx.conf")
        text = validation_conf(staged, staging) if main_conf is None else main_conf.replace(ROUTES_MARKER, staged)
        with open(main, "w", encoding="utf-8") as handle:
            handle.write(text)
        code, output = _run([nginx, "-t", "-q", "-c", main, "-e", os.path.join(staging, "error.log")], timeout)
        if code != 0:
            return Applied(False, False, output.replace(staged, live_path) or "nginx -t failed (exit %d)" % code,
                           live_path)
        os.chmod(staged, 0o644)
        os.replace(staged, live_path)
        return Applied(True, True, None, live_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def reload_nginx(main_conf_path: str, nginx: str = NGINX, timeout: float = 30) -> Optional[str]:
    """``nginx -s reload -c <main>``; None on success, else the error text."""
    code, output = _run([nginx, "-c", main_conf_path, "-s", "reload"], timeout)
    return None if code == 0 else (output or "nginx -s reload failed (exit %d)" % code)
