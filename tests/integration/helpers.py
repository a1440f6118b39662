# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small helpers for integration tests' own assertions (never used by the code under test)."""
from __future__ import annotations


def engine_client(lab: dict, name: str, timeout: int = 10):
    """A docker SDK client to one lab engine over TLS (for assertions, not for the code under test)."""
    import docker

    engine = next(e for e in lab["engines"] if e["name"] == name)
    tls = docker.tls.TLSConfig(client_cert=(lab["tls"]["client_cert"], lab["tls"]["client_key"]),
                               ca_cert=lab["tls"]["ca_path"], verify=True)
    cli = docker.APIClient(base_url="https://" + engine["addr"], tls=tls, version="1.41", timeout=timeout)
    cli.trust_env = False  # see tests/lab/README.md: REQUESTS_CA_BUNDLE trap
    return cli


def stop_process(proc, timeout: float = 15.0) -> None:
    """Terminate a process the test started; kill it if it does not exit within ``timeout``."""
    import subprocess

    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)


def wait_for(what: str, check, timeout: float = 10.0, log=None, interval: float = 0.1):
    """Poll ``check`` until it returns something true (returned); fail after ``timeout`` s with ``log``'s tail."""
    import time

    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    tail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    pytest.fail("timed out after %ss waiting for %s\n%s" % (timeout, what, tail))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for nginx, HAProxy and stores the tests start)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
