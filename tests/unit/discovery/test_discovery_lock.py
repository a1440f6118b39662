# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Consul placement lock against an in-memory Consul."""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    ConsulLock,
    DiscoveryError,
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
