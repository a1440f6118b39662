# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing layer's only I/O: stage a rendered file, validate it, swap it in atomically, reload.

1. the new content goes to a staging directory next to the live file (same file system);
2. the proxy checks it: for nginx, ``nginx -t -c <staged main configuration>``, a full nginx.conf
   whose ``http`` block includes the *staged* file (the caller's own main configuration with the
   marker ``@ROUTES@``, or ``validation_conf``'s minimal one, whose pid, logs and temp paths stay
   inside the staging directory); for HAProxy, whose file is complete, ``haproxy -c -f <staged>``;
3. only on success ``os.replace`` puts it in place and the result says a reload is needed;
   on failure the live file is untouched and the result carries the proxy's error text.
"""
from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from typing import Callable, NamedTuple, Optional, Sequence, Tuple, Union

ROUTES_MARKER = "@ROUTES@"
NGINX = "/usr/sbin/nginx"
HAPROXY = "/usr/sbin/haproxy"
HAPROXY_RELOAD = ("systemctl", "reload", "haproxy")
VALIDATORS = ("nginx", "haproxy")
# validator(staged file, staging directory) -> (exit code, output)
Validator = Callable[[str, str], Tuple[int, str]]


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


def _run(command: Sequence[str], timeout: float) -> Tuple[int, str]:
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return 1, "%s: %s" % (command[0], exc)
    return proc.returncode, (proc.stderr + proc.stdout).strip()


def _nginx_check(staged: str, staging: str, main_conf: Optional[str], nginx: str, timeout: float) -> Tuple[int, str]:
    main = os.path.join(staging, "nginx.conf")
    text = validation_conf(staged, staging) if main_conf is None else main_conf.replace(ROUTES_MARKER, staged)
    with open(main, "w", encoding="utf-8") as handle:
        handle.write(text)
    return _run([nginx, "-t", "-q", "-c", main, "-e", os.path.join(staging, "error.log")], timeout)


def _haproxy_check(staged: str, haproxy: str, timeout: float) -> Tuple[int, str]:
    """``haproxy -c -f``; its NOTICE lines (version, executable) are not part of the error."""
    code, output = _run([haproxy, "-c", "-f", staged], timeout)
    return code, "\n".join(line for line in output.splitlines() if "[NOTICE]" not in line).strip()


def apply_config(content: str, live_path: str, main_conf: Optional[str] = None, nginx: str = NGINX,
                 timeout: float = 30, validator: Union[str, Validator] = "nginx", haproxy: str = HAPROXY) -> Applied:
    """Stage, validate and swap ``content`` into ``live_path`` (see the module docstring).

    ``validator``: ``"nginx"`` (``main_conf``: the text of a full nginx.conf with ``@ROUTES@``
    where the routes file is included, an ``include @ROUTES@;`` line; None uses
    ``validation_conf``), ``"haproxy"`` (``haproxy -c -f``; ``content`` is a whole haproxy.cfg),
    or a callable ``(staged path, staging dir) -> (exit code, output)``. An unchanged file is
    left alone (no reload needed).
    """
    if not callable(validator) and validator not in VALIDATORS:
        raise ValueError("validator must be one of %s or a callable, got %r" % (", ".join(VALIDATORS), validator))
    live_path = os.path.abspath(live_path)
    if read_config(live_path) == content:
        return Applied(False, False, None, live_path)
    directory = os.path.dirname(live_path)
    staging = tempfile.mkdtemp(prefix=".dockyard-routes-", dir=directory)
    try:
        staged = os.path.join(staging, os.path.basename(live_path))
        with open(staged, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if callable(validator):
            code, output = validator(staged, staging)
        elif validator == "haproxy":
            code, output = _haproxy_check(staged, haproxy, timeout)
        else:
            code, output = _nginx_check(staged, staging, main_conf, nginx, timeout)
        if code != 0:
            what = {"nginx": "nginx -t", "haproxy": "haproxy -c"}.get(validator, "validation") if isinstance(validator, str) else "validation"
            return Applied(False, False, output.replace(staged, live_path) or "%s failed (exit %d)" % (what, code), live_path)
        os.chmod(staged, 0o644)
        os.replace(staged, live_path)
        return Applied(True, True, None, live_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def reload_nginx(main_conf_path: str, nginx: str = NGINX, timeout: float = 30) -> Optional[str]:
    """``nginx -s reload -c <main>``; None on success, else the error text."""
    return run_reload([nginx, "-c", main_conf_path, "-s", "reload"], timeout)


def run_reload(command: Union[str, Sequence[str]], timeout: float = 30) -> Optional[str]:
    """Run a reload command (a string is split like a shell would, without a shell); None on success, else the error text."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if not argv:
        return "empty reload command"
    code, output = _run(argv, timeout)
    return None if code == 0 else (output or "%s failed (exit %d)" % (" ".join(argv)[:200], code))


def reload_haproxy(command: Union[str, Sequence[str]] = HAPROXY_RELOAD, timeout: float = 30) -> Optional[str]:
    """Reload HAProxy with ``command`` (default ``systemctl reload haproxy``); None on success, else the error text."""
    return run_reload(command, timeout)


def check_nginx(main_conf_path: str, nginx: str = NGINX, timeout: float = 30) -> Optional[str]:
    """``nginx -t -q -c <main>``: the whole live configuration; None when nginx accepts it, else its text."""
    code, output = _run([nginx, "-t", "-q", "-c", main_conf_path], timeout)
    return None if code == 0 else (output or "nginx -t failed (exit %d)" % code)


def read_config(live_path: str) -> Optional[str]:
    """The live file's text, None when it does not exist (what ``restore_config`` puts back)."""
    try:
        with open(live_path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def restore_config(previous: Optional[str], live_path: str) -> None:
    """Put ``previous`` back into ``live_path`` atomically (None: remove the file it replaced)."""
    if previous is None:
        try:
            os.remove(live_path)
        except FileNotFoundError:
            pass
        return
    handle, temp = tempfile.mkstemp(prefix=".dockyard-restore-", dir=os.path.dirname(os.path.abspath(live_path)))
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(previous)
        os.chmod(temp, 0o644)
        os.replace(temp, live_path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)
