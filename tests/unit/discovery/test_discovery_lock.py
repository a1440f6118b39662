# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Consul placement lock against an in-memory Consul."""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    ConsulLock,
    DiscoveryError,
    LockLost,
    parse_discovery_url,
    resolve_store,
)

from .fakes import ConsulServer

LOCK = "swarm/docker/swarm/locks/placement"


def config(url: str = "consul://h/swarm"):  # type: ignore[no-untyped-def]
    return resolve_store(parse_discovery_url(url), {}, {})


def test_acquire_and_release(consul_server: ConsulServer) -> None:
    with ConsulLock(config(), "placement", ttl=15, holder="me") as lock:
        assert consul_server.kv[LOCK]["Session"] == lock.session and consul_server.kv[LOCK]["Value"] == b"me"
        assert consul_server.sessions[lock.session]["behavior"] == "release"  # type: ignore[index]
    assert consul_server.kv[LOCK]["Session"] is None and not consul_server.sessions


def test_a_held_lock_times_out_naming_the_holder(consul_server: ConsulServer) -> None:
    first = ConsulLock(config(), "placement", holder="job 17 on awx-1")
    first.acquire()
    with pytest.raises(DiscoveryError, match=r"Timed out after 0s waiting for the Consul lock .*placement .*held by job 17 on awx-1"):
        ConsulLock(config(), "placement", timeout=0.2).acquire()
    assert len(consul_server.sessions) == 1  # the waiter's session was cleaned up
    first.release()
    first.release()  # twice is harmless


def test_a_lock_whose_holder_died_can_be_taken(consul_server: ConsulServer) -> None:
    dead = ConsulLock(config(), "placement")
    dead.acquire()
    consul_server.expire(dead.session)  # type: ignore[arg-type]
    with ConsulLock(config(), "placement", timeout=1) as lock:
        assert consul_server.kv[LOCK]["Session"] == lock.session


def test_lock_needs_consul() -> None:
    with pytest.raises(DiscoveryError, match="needs consul:// discovery"):
        ConsulLock(config("etcd://e/swarm"), "placement")


def test_ttl_is_kept_within_consul_limits(consul_server: ConsulServer) -> None:
    assert ConsulLock(config(), "x", ttl=1).ttl == 10


# ------------------------------------------------------------------------------------------------ ensure_held
def test_ensure_held_passes_while_our_session_holds_the_key(consul_server: ConsulServer) -> None:
    with ConsulLock(config(), "placement") as lock:
        before = lock.confirmed_at
        lock.ensure_held()
        lock.ensure_held()
        assert lock.confirmed_at is not None and before is not None and lock.confirmed_at >= before
    assert sum(1 for call in consul_server.calls if call.endswith("kv.get %s" % LOCK)) >= 2


def test_ensure_held_raises_once_the_session_is_gone(consul_server: ConsulServer) -> None:
    lock = ConsulLock(config(), "placement")
    lock.acquire()
    try:
        consul_server.expire(lock.session)  # type: ignore[arg-type]  # TTL lapsed while the run was paused
        with pytest.raises(LockLost, match=r"The placement lock swarm/docker/swarm/locks/placement at consul://h:8500/swarm "
                                           r"was lost: the key is held by no session, not by our session s1 .*noticed at "
                                           r"\d{4}-\d\d-\d\dT.*last confirmed held at .*nothing was created after that"):
            lock.ensure_held()
        assert lock.lost and lock.lost_at is not None
    finally:
        lock.release()


def test_ensure_held_raises_when_another_run_took_the_lock(consul_server: ConsulServer) -> None:
    first = ConsulLock(config(), "placement")
    first.acquire()
    consul_server.expire(first.session)  # type: ignore[arg-type]
    with ConsulLock(config(), "placement", timeout=1, holder="the other run") as second:
        with pytest.raises(LockLost, match=r"held by another session \(%s\)" % second.session):
            first.ensure_held()
        second.ensure_held()
    first.release()


def test_a_renewal_that_finds_no_session_marks_the_lock_lost(consul_server: ConsulServer) -> None:
    with ConsulLock(config(), "placement") as lock:
        consul_server.sessions.pop(lock.session)  # type: ignore[arg-type]  # invalidated, key not yet released
        lock.store.call(lock._renew, "renew")  # what the renewal thread does
        assert lock.lost
        with pytest.raises(LockLost, match="Consul no longer knows its session"):
            lock.ensure_held()


def test_ensure_held_raises_when_consul_cannot_confirm(consul_server: ConsulServer) -> None:
    with ConsulLock(config(), "placement") as lock:
        consul_server.down.append("h:8500")
        with pytest.raises(LockLost, match="Consul could not confirm it: Cannot reach Consul"):
            lock.ensure_held()
        consul_server.down.clear()


def test_ensure_held_before_acquire_and_after_release(consul_server: ConsulServer) -> None:
    lock = ConsulLock(config(), "placement")
    with pytest.raises(LockLost, match="not held"):
        lock.ensure_held()
    lock.acquire()
    lock.release()
    with pytest.raises(LockLost, match="not held"):
        lock.ensure_held()
