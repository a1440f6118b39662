# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing watcher against a simulated Consul on a simulated clock (no sockets, no sleeping)."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing import Applied, RoutingError, render_nginx
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.watch import (
    INVALID, RELOAD_FAILED, RELOADED, UNCHANGED, Coalescer, ProxyHooks, RoutingWatcher, TokenBucket, WatchSettings, backoff, next_index, with_vanished,
)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += max(0.0, seconds)
        return False


class FakeConsul:
    """A KV store with a timeline of writes: a blocking get returns at the next write or when its wait ends."""

    def __init__(self, clock, events=(), index=10):
        self.clock = clock
        self.events = sorted(events, key=lambda event: event[0])  # (time, key, value or None to delete)
        self.data = {}
        self.index = index
        self.calls = []
        self.down_until = None
        self.forced_index = None

    def _apply_until(self, when):
        while self.events and self.events[0][0] <= when:
            unused_time, key, value = self.events.pop(0)
            self.index += 1
            if value is None:
                self.data.pop(key, None)
            else:
                self.data[key] = value

    def get(self, key, index=None, wait=None, recurse=False):
        assert recurse and key.endswith("/") and not key.startswith("/")
        self.calls.append((self.clock.now, index, wait))
        assert index is None or int(index) >= 1
        self._apply_until(self.clock.now)
        if index is not None and int(index) >= self.index and self.forced_index is None:
            limit = self.clock.now + float(wait[:-2]) / 1000
            if self.events and self.events[0][0] <= limit:
                self.clock.now = self.events[0][0]
            else:
                self.clock.now = limit
            self._apply_until(self.clock.now)
        items = [{"Key": k, "Value": v.encode()} for k, v in sorted(self.data.items()) if k.startswith(key)]
        returned = self.forced_index if self.forced_index is not None else self.index
        return str(returned), items or None


class FakeStore:
    def __init__(self, consul):
        self.consul = consul
        self.kv = consul

    def call(self, action, what):
        if self.consul.down_until is not None and self.consul.clock.now < self.consul.down_until:
            self.consul.clock.now += 0.01
            raise DiscoveryError("Cannot reach Consul at consul://x to %s: Connection refused." % what)
        return action(self)


class Proxy:
    """Stand-in for apply_config + reload: records texts, refuses a backend containing 'bad'."""

    def __init__(self):
        self.live = None
        self.applied = []
        self.reloads = 0
        self.reload_error = None

    def apply(self, text):
        self.applied.append(text)
        if "bad" in text:
            return Applied(False, False, "host not found in upstream \"bad.invalid:80\"", "/live")
        if text == self.live:
            return Applied(False, False, None, "/live")
        self.live = text
        return Applied(True, True, None, "/live")

    def reload(self):
        if self.reload_error:
            return self.reload_error
        self.reloads += 1
        return None


def make(events=(), **kwargs):
    clock = Clock()
    consul = FakeConsul(clock, events)
    proxy = Proxy()
    hook_names = ("check_live", "snapshot", "restore", "proxy")
    hooks = ProxyHooks(render_nginx, proxy.apply, proxy.reload, **{k: v for k, v in kwargs.items() if k in hook_names})
    settings = WatchSettings(**{k: v for k, v in kwargs.items() if k not in hook_names})
    watcher = RoutingWatcher(FakeStore(consul), "services", hooks, settings, clock=clock, sleep=clock.sleep)
    return clock, consul, proxy, watcher


def run_until(watcher, clock, when, max_steps=2000):
    steps = 0
    while clock.now < when and steps < max_steps:
        watcher.step()
        steps += 1
    assert steps < max_steps, "the loop spun"
    return steps


def test_coalescer_waits_for_quiet_but_not_past_max():
    coalescer = Coalescer(0.5, 5.0)
    assert coalescer.due() is None and not coalescer.ready(0)
    coalescer.change(10.0)
    assert coalescer.due() == 10.5
    coalescer.change(10.4)
    assert coalescer.due() == pytest.approx(10.9) and not coalescer.ready(10.8) and coalescer.ready(10.9)
    for step in range(20):  # a change every 0.3 s never gives 0.5 s of quiet: wait_max wins
        coalescer.change(10.4 + step * 0.3)
    assert coalescer.due() == 15.0
    coalescer.reset()
    assert not coalescer.pending
    with pytest.raises(RoutingError):
        Coalescer(2, 1)


def test_index_rules():
    assert next_index(0, "42") == 42
    assert next_index(42, "42") == 42
    assert next_index(42, "40") == 0  # went backwards: reset, the next read does not block
    assert next_index(0, "0") == 1  # never 0 (a busy loop)
    assert next_index(5, None) == 0 and next_index(0, None) == 1
    assert next_index(0, "junk") == 1


def test_token_bucket_allows_a_burst_of_two_then_paces():
    bucket = TokenBucket(burst=2, refill=0.5, now=0.0)
    assert bucket.wait_time(0.0) == 0 and bucket.wait_time(0.0) == 0
    assert bucket.wait_time(0.0) == pytest.approx(0.5)
    assert bucket.wait_time(0.5) == 0
    assert backoff(1) == 1 and backoff(3) == 4 and backoff(50) == 30 and backoff(6, ceiling=10) == 10


def test_renders_at_start_then_a_burst_coalesces_into_one_render():
    events = [(1001.0 + n * 0.1, "services/web/id%d" % n, "10.0.0.%d:80" % (n + 1)) for n in range(20)]
    clock, consul, proxy, watcher = make([(999.0, "services/web/first", "10.0.1.1:80")] + events)
    watcher.step()
    assert proxy.reloads == 1 and "10.0.1.1:80" in proxy.live  # the first read renders at once
    run_until(watcher, clock, 1010.0)
    assert proxy.reloads == 2 and watcher.renders == 2
    assert all("10.0.0.%d:80" % (n + 1) in proxy.live for n in range(20))
    blocking = [call for call in consul.calls if call[1] is not None]
    assert blocking and all(int(index) >= 1 for unused_time, index, unused_wait in blocking)


def test_wait_max_bounds_a_never_ending_burst():
    events = [(1001.0 + n * 0.3, "services/web/id%d" % n, "10.0.0.%d:80" % (n + 1)) for n in range(40)]
    clock, unused_consul, proxy, watcher = make(events, wait_min=0.5, wait_max=2.0)
    run_until(watcher, clock, 1001.0)
    reloads_at = []
    while clock.now < 1015.0:
        before = proxy.reloads
        watcher.step()
        if proxy.reloads != before:
            reloads_at.append(clock.now)
    assert reloads_at[0] < 1001.0 + 2.0 + 0.6  # not held back until the burst ends (about 1013)
    assert 4 <= len(reloads_at) <= 8
    assert "10.0.0.40:80" in proxy.live


def test_unchanged_render_does_not_reload():
    events = [(1001.0, "services/web/a", "10.0.0.1:80"), (1002.0, "services/other/deep/key", "x:1"),
              (1003.0, "services/web/a", "10.0.0.1:80")]  # a deeper key and an idempotent write
    clock, unused_consul, proxy, watcher = make(events)
    run_until(watcher, clock, 1010.0)
    assert proxy.reloads == 2  # start (empty) + the first backend only


def test_failed_validation_keeps_the_old_config_and_retries_on_the_next_change(caplog):
    events = [(1001.0, "services/web/a", "10.0.0.1:80"), (1003.0, "services/web/b", "bad.invalid:80"),
              (1006.0, "services/web/b", None)]
    clock, unused_consul, proxy, watcher = make(events)
    run_until(watcher, clock, 1004.0)
    assert proxy.reloads == 2 and "bad.invalid" not in proxy.live
    assert any(record.levelname == "ERROR" and "host not found in upstream" in record.getMessage() for record in caplog.records)
    good = proxy.live
    run_until(watcher, clock, 1010.0)
    assert proxy.live == good and proxy.reloads == 2  # back to the served config: nothing to reload
    assert watcher.sync({"web": ["bad.invalid:80"]}) == INVALID


def test_index_going_backwards_rereads_without_blocking():
    clock, consul, unused_proxy, watcher = make([(999.0, "services/web/a", "10.0.0.1:80")])
    watcher.step()
    assert watcher.index == 11
    consul.forced_index = 3  # e.g. a snapshot restore
    watcher.step()
    assert watcher.index == 0
    consul.forced_index = None
    clock.now += 1
    watcher.step()
    assert consul.calls[-1][1] is None and watcher.index == 11  # that read did not block


def test_unreachable_consul_keeps_the_config_and_backs_off(caplog):
    clock, consul, proxy, watcher = make([(999.0, "services/web/a", "10.0.0.1:80")], max_backoff=8.0)
    consul.down_until = 1040.0
    run_until(watcher, clock, 1039.0)
    assert proxy.reloads == 0 and proxy.live is None
    assert 5 <= watcher.failures <= 9  # 1, 2, 4, 8, 8 ... seconds: bounded, not a busy loop
    run_until(watcher, clock, 1060.0)
    assert proxy.reloads == 1 and "10.0.0.1:80" in proxy.live and watcher.failures == 0
    assert any("cannot read Consul" in record.getMessage() for record in caplog.records)


def test_failed_reload_is_retried():
    clock, unused_consul, proxy, watcher = make([(999.0, "services/web/a", "10.0.0.1:80")])
    proxy.reload_error = "nginx: [error] invalid PID number"
    assert watcher.once() == RELOAD_FAILED
    proxy.reload_error = None
    run_until(watcher, clock, 1010.0)
    assert proxy.reloads == 1 and not watcher.reload_pending


def test_once_outcomes():
    unused_clock, unused_consul, proxy, watcher = make([(999.0, "services/web/a", "10.0.0.1:80")])
    assert watcher.once() == RELOADED
    assert watcher.once() == UNCHANGED
    assert proxy.reloads == 1
    unused_clock, consul, unused_proxy, watcher = make()
    consul.down_until = 2000.0
    with pytest.raises(DiscoveryError):
        watcher.once()


def test_live_check_failure_restores_the_previous_file():
    restored = []
    clock, unused_consul, proxy, watcher = make([(999.0, "services/web/a", "10.0.0.1:80")],
                                                check_live=lambda: "nginx: [emerg] a duplicate default server",
                                                snapshot=lambda: "previous text", restore=restored.append)
    watcher.step()
    assert restored == ["previous text"] and proxy.reloads == 0
    assert clock.now >= 1000.0


def test_vanished_services_stay_without_backends():
    assert with_vanished({"b": ["10.0.0.1:80"]}, {"a", "b"}) == {"a": [], "b": ["10.0.0.1:80"]}
    events = [(1001.0, "services/web/a", "10.0.0.1:80"), (1002.0, "services/x;y/a", "10.0.0.1:80"),
              (1004.0, "services/web/a", None), (1004.0, "services/x;y/a", None)]
    clock, unused_consul, proxy, watcher = make(events)
    run_until(watcher, clock, 1010.0)
    assert "upstream dockyard_web {\n    server 127.0.0.1:65535 down;" in proxy.live  # 502, not 404
    assert watcher.known == {"web"}
    clock, unused_consul, proxy, watcher = make(events, keep_vanished=False)
    run_until(watcher, clock, 1010.0)
    assert "dockyard_web" not in proxy.live
