# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Consul placement lock against the lab's Consul: mutual exclusion, timeout, release."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Iterator, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    ConsulLock,
    DiscoveryError,
    StoreConfig,
    parse_discovery_url,
    resolve_store,
)

pytestmark = pytest.mark.integration


@pytest.fixture()
def config(lab: dict) -> Iterator[StoreConfig]:
    prefix = "itest-lock-%s" % uuid.uuid4().hex[:8]
    yield resolve_store(parse_discovery_url("consul://%s/%s" % (lab["consul"], prefix)), {}, {})
    import consul

    host, port = lab["consul"].split(":")
    consul.Consul(host=host, port=int(port)).kv.delete(prefix, recurse=True)


def test_parallel_holders_never_overlap(config: StoreConfig) -> None:
    inside: List[int] = []
    overlaps: List[int] = []
    order: List[int] = []
    errors: List[BaseException] = []

    def worker(number: int) -> None:
        try:
            with ConsulLock(config, "placement", timeout=60, holder="worker %d" % number):
                inside.append(number)
                if len(inside) > 1:
                    overlaps.append(number)
                order.append(number)
                time.sleep(0.2)
                inside.remove(number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(6)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not errors and not overlaps and sorted(order) == list(range(6))
    assert time.monotonic() - started >= 6 * 0.2


def test_a_held_lock_times_out_with_the_holder_named_then_is_free(config: StoreConfig) -> None:
    holder = ConsulLock(config, "placement", holder="awx job 42")
    holder.acquire()
    try:
        started = time.monotonic()
        with pytest.raises(DiscoveryError, match=r"Timed out after 2s waiting for the Consul lock itest-lock-.*held by awx job 42"):
            ConsulLock(config, "placement", timeout=2).acquire()
        assert 1.9 <= time.monotonic() - started < 6
    finally:
        holder.release()
    with ConsulLock(config, "placement", timeout=5) as lock:
        assert lock.session and not lock.lost
