# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's guards: one command at a time, ports in use and missing packages are explained."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from tests.lab import LabError, config, core, procs, stores


def test_lock_serialises_two_commands(tmp_path, monkeypatch):
    monkeypatch.setattr(core, "LOCK_FILE", tmp_path / "lab.lock")
    events: list[str] = []

    def worker(name: str) -> None:
        with core.locked(timeout=10):
            events.append(f"{name}-in")
            time.sleep(0.3)
            events.append(f"{name}-out")

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=5)
    assert events in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])


def test_lock_timeout_is_explained(tmp_path, monkeypatch):
    monkeypatch.setattr(core, "LOCK_FILE", tmp_path / "lab.lock")
    with core.locked():
        result: list[Exception] = []

        def second() -> None:
            try:
                with core.locked(timeout=0.3):
                    pass
            except LabError as exc:
                result.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(timeout=5)
    assert result and "another lab command holds" in str(result[0])


def test_port_in_use_by_someone_else_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(procs, "RUN_DIR", tmp_path)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        store = stores.Store("etcd", port, lambda p: ["true"], lambda p: True)
        with pytest.raises(LabError) as err:
            stores.ensure_running(store)
    message = str(err.value)
    assert f"127.0.0.1:{port} is already in use" in message and "--no-etcd" in message


def test_missing_consul_names_the_fix(monkeypatch):
    monkeypatch.setattr(config, "CONSUL_BIN_CANDIDATES", (Path("/nonexistent/consul"),))
    with pytest.raises(LabError, match="consul is not installed: run `make deps`"):
        config.consul_binary()


def test_missing_program_is_reported_by_name(tmp_path, monkeypatch):
    monkeypatch.setattr(procs, "RUN_DIR", tmp_path)
    with pytest.raises(LabError, match="cannot start ghost: /nonexistent/ghostd not found"):
        procs.start("ghost", ["/nonexistent/ghostd"], tmp_path / "ghost.log")
