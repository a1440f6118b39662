# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The placement lock: keyed by the engine set, exclusive across processes, times out naming the holder."""
from __future__ import annotations

import multiprocessing
import time

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._container.lock import FileLock, LockTimeout, lock_path, placement_lock
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, parse_discovery_url
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import ConnectionOptions


def cluster(targets, url=None):
    return Cluster(list(targets), "test", parse_discovery_url(url) if url else None, ConnectionOptions())


def test_key_is_the_engine_set(tmp_path):
    env = {"SWARM_LOCK_DIR": str(tmp_path)}
    one = lock_path(cluster(["10.0.0.1:2376", "tcp://10.0.0.2:2376"]), env)
    assert one == lock_path(cluster(["10.0.0.2:2376", "10.0.0.1:2376"]), env)
    assert one != lock_path(cluster(["10.0.0.1:2376"]), env)
    assert one.startswith(str(tmp_path))


def test_consul_discovery_uses_a_consul_lock(tmp_path):
    lock = placement_lock(cluster(["10.0.0.1:2376"], "consul://127.0.0.1:8500/swarm"), {}, 5, {})
    assert isinstance(lock, ConsulLock) and lock.key == "swarm/docker/swarm/locks/placement"
    assert isinstance(placement_lock(cluster(["10.0.0.1:2376"], "nodes://10.0.0.1:2376"), {}, 5,
                                     {"SWARM_LOCK_DIR": str(tmp_path)}), FileLock)


def _hold(path, seconds, ready):
    with FileLock(path, 5):
        ready.set()
        time.sleep(seconds)


def test_file_lock_excludes_another_process_and_times_out(tmp_path):
    path = str(tmp_path / "x.lock")
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(path, 1.5, ready))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        with pytest.raises(LockTimeout, match="held by pid %d" % holder.pid):
            FileLock(path, 0.3).acquire()
        assert time.monotonic() - started < 1.2
        with FileLock(path, 10):
            assert time.monotonic() - started >= 1.0  # waited for the holder
    finally:
        holder.join(10)


def test_release_twice_is_harmless(tmp_path):
    lock = FileLock(str(tmp_path / "y.lock"), 1)
    lock.acquire()
    lock.release()
    lock.release()
    with FileLock(str(tmp_path / "y.lock"), 1):
        pass
