# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The join heartbeat loop with a recording backend: timing rules, retries, jittered delay, exit."""

from __future__ import annotations

import threading
from typing import List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, check_timing, run_join_loop
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import _discovery_opts, main, parse_duration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.nodes import NodesBackend


class RecordingRegistration(Registration):
    def __init__(self, log: List[str], failures: List[bool]) -> None:
        self.key = "k"
        self.log = log
        self.failures = failures

    def refresh(self) -> None:
        if self.failures and self.failures.pop(0):
            self.log.append("refresh-failed")
            raise DiscoveryError("store down")
        self.log.append("refresh")

    def close(self, deregister: bool = True) -> None:
        self.log.append("close deregister=%s" % deregister)


class RecordingBackend(Backend):
    can_register = True

    def __init__(self, failures: List[bool] = None, register_failures: int = 0) -> None:  # type: ignore[assignment]
        self.log: List[str] = []
        self.failures = failures or []
        self.register_failures = register_failures

    def register(self, addr: str, ttl: int) -> Registration:
        if self.register_failures:
            self.register_failures -= 1
            self.log.append("register-failed")
            raise DiscoveryError("store down")
        self.log.append("register %s ttl=%d" % (addr, ttl))
        return RecordingRegistration(self.log, self.failures)


class FastStop(threading.Event):
    """An event whose waits return at once, recording how long they were asked to be."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: List[float] = []

    def wait(self, timeout: float = None) -> bool:  # type: ignore[override,assignment]
        self.waits.append(timeout)  # type: ignore[arg-type]
        return self.is_set()


def test_register_then_refresh_each_heartbeat_then_deregister() -> None:
    backend, stop = RecordingBackend(), FastStop()
    beats = run_join_loop(backend, "tcp://10.0.0.5:2376", heartbeat=20, ttl=60, stop=stop, max_beats=3)
    assert beats == 3
    assert backend.log == ["register 10.0.0.5:2376 ttl=60", "refresh", "refresh", "close deregister=True"]
    assert stop.waits == [20, 20]


def test_failures_are_retried_sooner_and_never_fatal() -> None:
    backend, stop = RecordingBackend(failures=[True, False], register_failures=1), FastStop()
    run_join_loop(backend, "10.0.0.5:2376", heartbeat=20, ttl=60, stop=stop, max_beats=4, deregister_on_exit=False)
    assert backend.log == ["register-failed", "register 10.0.0.5:2376 ttl=60", "refresh-failed", "refresh",
                           "close deregister=False"]
    assert stop.waits == [5.0, 20, 5.0]


def test_first_registration_waits_a_random_part_of_delay() -> None:
    backend, stop = RecordingBackend(), FastStop()
    run_join_loop(backend, "10.0.0.5:2376", heartbeat=2, ttl=6, delay=30, stop=stop, max_beats=1,
                  jitter=lambda low, high: high / 3)
    assert stop.waits[0] == 10


def test_stop_during_delay_registers_nothing() -> None:
    backend, stop = RecordingBackend(), FastStop()
    stop.set()
    assert run_join_loop(backend, "10.0.0.5:2376", heartbeat=2, ttl=6, delay=5, stop=stop) == 0
    assert backend.log == []


def test_a_real_stop_event_ends_the_loop() -> None:
    backend, stop = RecordingBackend(), threading.Event()
    worker = threading.Thread(target=run_join_loop, args=(backend, "10.0.0.5:2376", 1, 3), kwargs={"stop": stop})
    worker.start()
    stop.set()
    worker.join(timeout=5)
    assert not worker.is_alive() and backend.log[-1] == "close deregister=True"


@pytest.mark.parametrize("heartbeat, ttl, delay, message", [
    (0.5, 10, 0, "heartbeat must be at least 1 second"),
    (60, 60, 0, r"ttl \(60s\) must be greater than heartbeat \(60s\)"),
    (10, 30, -1, "delay must not be negative"),
])
def test_timing_rules(heartbeat: float, ttl: float, delay: float, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        check_timing(heartbeat, ttl, delay)


def test_static_backends_fail_at_once() -> None:
    with pytest.raises(DiscoveryError, match="cannot register engines"):
        run_join_loop(NodesBackend(["h:1"]), "h:1", 10, 30, stop=FastStop())


def test_bad_advertise_address() -> None:
    with pytest.raises(DiscoveryError, match="Invalid advertise address 'nohost'"):
        run_join_loop(RecordingBackend(), "nohost", 10, 30, stop=FastStop())


@pytest.mark.parametrize("text, seconds", [("60", 60), ("20s", 20), ("500ms", 0.5), ("3m", 180), ("1h", 3600), ("1.5s", 1.5)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text, "--ttl") == seconds


def test_bad_duration() -> None:
    with pytest.raises(DiscoveryError, match="Invalid --ttl 'soon'"):
        parse_duration("soon", "--ttl")


def test_classic_discovery_opts() -> None:
    assert _discovery_opts(["kv.cacertfile=/ca", "kv.certfile=/c", "kv.keyfile=/k"]) == {
        "discovery_ca_cert": "/ca", "discovery_client_cert": "/c", "discovery_client_key": "/k"}
    with pytest.raises(DiscoveryError, match="Invalid --discovery-opt 'kv.path=x'"):
        _discovery_opts(["kv.path=x"])


def test_main_reports_bad_input_with_exit_status_2(caplog: pytest.LogCaptureFixture) -> None:
    assert main(["--advertise", "10.0.0.5:2376"], environ={}) == 2
    assert main(["--advertise", "10.0.0.5:2376", "--heartbeat", "60s", "--ttl", "30s", "consul://h/p"], environ={}) == 2
    assert main(["--advertise", "10.0.0.5:2376", "nodes://h:1"], environ={}) == 2
    assert "ttl (30.0s) must be greater" in caplog.text and "cannot register engines" in caplog.text
