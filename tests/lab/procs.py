# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Background processes with pid files, port checks and bounded waits."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from . import LabError
from .config import REPO_ROOT, RUN_DIR


def agent_env() -> dict[str, str]:
    """The environment of the collection's agents run as lab processes: the checkout on PYTHONPATH, and no
    CA bundle or swarm setting from the caller's shell (they would override the lab's CA and flags)."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT / ".venv" / "collections"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = ":".join(p for p in paths if p)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SWARM_HOST", "SWARM_DISCOVERY"):
        env.pop(name, None)
    return env


def pidfile(name: str) -> Path:
    return RUN_DIR / "pids" / f"{name}.pid"


def read_pid(name: str) -> int | None:
    try:
        pid = int(pidfile(name).read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not alive
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def start(name: str, argv: list[str], log: Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> int:
    """Start argv detached (own session) with output to `log`; remember its pid under `name`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pidfile(name).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        try:
            proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    cwd=str(cwd) if cwd else None, env=env, start_new_session=True)
        except FileNotFoundError as exc:
            raise LabError(f"cannot start {name}: {argv[0]} not found ({exc})") from exc
    pidfile(name).write_text(str(proc.pid))
    return proc.pid


def stop(name: str, timeout: float = 15.0) -> bool:
    """SIGTERM the process group, then SIGKILL after `timeout`; True if something was stopped."""
    path = pidfile(name)
    pid = read_pid(name)
    if pid is None:
        path.unlink(missing_ok=True)
        return False
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        for target in (lambda: os.killpg(pid, sig), lambda: os.kill(pid, sig)):
            try:
                target()
                break
            except (ProcessLookupError, PermissionError):
                continue
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not alive(pid):
                path.unlink(missing_ok=True)
                return True
            time.sleep(0.1)
    path.unlink(missing_ok=True)
    return True


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _log_tail(log: Path | None) -> str:
    if not log or not log.exists():
        return ""
    return "\n  last log lines:\n    " + "\n    ".join(log.read_text(errors="replace").splitlines()[-8:])


def wait_until(what: str, check: Callable[[], bool], timeout: float, log: Path | None = None,
               failure: str = "did not answer") -> None:
    """Poll `check` until it is true; a LabError from it (the process exited) ends the wait at once.

    The message on timeout is `<what> <failure> within Ns`."""
    deadline = time.monotonic() + timeout
    last_exc: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except LabError as exc:
            raise LabError(f"{what}: {exc}{_log_tail(log)}") from exc
        except Exception as exc:  # noqa: BLE001 - any other failure means "not yet"
            last_exc = exc
        time.sleep(0.2)
    reason = f" (last error: {last_exc})" if last_exc else ""
    raise LabError(f"{what}{' ' + failure if failure else ''} within {timeout:.0f}s{reason}{_log_tail(log)}")


def http_status(request: urllib.request.Request, timeout: float = 2.0) -> int:
    """The HTTP status of a request to a lab service, never through a proxy (its addresses are local)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def run(argv: list[str], check: bool = True, quiet: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise LabError(f"command failed: {' '.join(argv)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc
