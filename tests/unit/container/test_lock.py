# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The placement lock: keyed by the engine set, exclusive across processes, times out naming the holder."""
from __future__ import annotations

import multiprocessing
import os
import tempfile
import time

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._container import lock as lock_module
from ansible_collections.dockyard.swarm.plugins.module_utils._container.lock import (
    FileLock,
    LockLost,
    LockTimeout,
    LockUnsafe,
    lock_dir,
    lock_path,
    placement_lock,
)
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


# ------------------------------------------------------------------ a lock file root cannot be tricked into writing
def env_for(folder):
    return {"SWARM_LOCK_DIR": str(folder)}


def private_dir(tmp_path, name="locks"):
    folder = tmp_path / name
    folder.mkdir(mode=0o700)
    return folder


def test_a_symlink_planted_at_the_lock_path_is_not_followed(tmp_path):
    folder = private_dir(tmp_path)
    target = tmp_path / "precious"
    target.write_text("do not touch\n")
    path = lock_path(cluster(["10.0.0.1:2376"]), env_for(folder))
    os.symlink(str(target), path)
    with pytest.raises(LockUnsafe, match=r"Refusing to use the placement lock file .*: it is a symbolic link\. Nothing was written"):
        FileLock(path, 1).acquire()
    assert target.read_text() == "do not touch\n" and os.stat(target).st_mode & 0o777 == 0o644
    os.unlink(path)
    os.symlink(str(tmp_path / "missing"), path)  # a dangling link must not create its target either
    with pytest.raises(LockUnsafe, match="symbolic link"):
        FileLock(path, 1).acquire()
    assert not (tmp_path / "missing").exists()


def test_a_hard_link_planted_at_the_lock_path_is_refused(tmp_path):
    folder = private_dir(tmp_path)
    target = tmp_path / "precious"
    target.write_text("do not touch\n")
    path = lock_path(cluster(["10.0.0.1:2376"]), env_for(folder))
    os.link(str(target), path)
    with pytest.raises(LockUnsafe, match="it has 2 hard links"):
        FileLock(path, 1).acquire()
    assert target.read_text() == "do not touch\n"


def test_the_lock_directory_must_be_private(tmp_path):
    real = private_dir(tmp_path, "real")
    os.symlink(str(real), str(tmp_path / "link"))
    with pytest.raises(LockUnsafe, match=r"lock directory .*link: it is a symbolic link.*SWARM_LOCK_DIR"):
        FileLock(str(tmp_path / "link" / "x.lock"), 1).acquire()
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    with pytest.raises(LockUnsafe, match=r"group or others can write it \(mode 1777\)"):
        FileLock(str(shared / "x.lock"), 1).acquire()
    assert not os.listdir(shared) and not os.listdir(real)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a directory to another user")
def test_a_lock_directory_of_another_user_is_refused(tmp_path):
    foreign = private_dir(tmp_path, "foreign")
    os.chown(foreign, 65534, 65534)
    with pytest.raises(LockUnsafe, match="it belongs to uid 65534, not to this user"):
        FileLock(str(foreign / "x.lock"), 1).acquire()
    assert not os.listdir(foreign)


def test_missing_directory_and_file_are_created_private(tmp_path):
    path = lock_path(cluster(["10.0.0.1:2376"]), env_for(tmp_path / "new"))
    with FileLock(path, 1) as lock:
        lock.ensure_held()
        assert os.stat(tmp_path / "new").st_mode & 0o777 == 0o700
        assert os.stat(path).st_mode & 0o777 == 0o600
        with open(path, encoding="ascii") as handle:
            assert handle.read() == "pid %d" % os.getpid()


def test_default_folders(tmp_path, monkeypatch):
    monkeypatch.setattr(lock_module, "ROOT_LOCK_DIR", str(tmp_path / "run" / "dockyard-swarm"))
    (tmp_path / "run").mkdir()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert lock_dir({}) == str(tmp_path / "run" / "dockyard-swarm")
    assert lock_dir({"SWARM_LOCK_DIR": str(tmp_path / "mine")}) == str(tmp_path / "mine")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert lock_dir({"XDG_RUNTIME_DIR": str(tmp_path)}) == str(tmp_path / "dockyard-swarm")
    assert lock_dir({}) == os.path.join(tempfile.gettempdir(), "dockyard-swarm-1000")


def test_the_default_lock_file_is_not_in_the_shared_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(lock_module, "ROOT_LOCK_DIR", str(tmp_path / "dockyard-swarm"))
    if os.geteuid() == 0:
        assert os.path.dirname(lock_path(cluster(["10.0.0.1:2376"]), {})) == str(tmp_path / "dockyard-swarm")
    else:
        assert os.path.dirname(lock_path(cluster(["10.0.0.1:2376"]), {})) != tempfile.gettempdir()


# ----------------------------------------------------------------------------------------------------- ensure_held
def test_ensure_held_on_a_file_lock(tmp_path):
    folder = private_dir(tmp_path)
    lock = FileLock(str(folder / "z.lock"), 1)
    with pytest.raises(LockLost, match=r"z.lock was lost: it is not held .*nothing was created after that"):
        lock.ensure_held()
    with lock:
        lock.ensure_held()
        os.unlink(folder / "z.lock")  # another run would now lock a new file at the same path
        with pytest.raises(LockLost, match="its file was removed or replaced while it was held") as caught:
            lock.ensure_held()
        assert caught.value.lock == str(folder / "z.lock") and caught.value.lost_at > 0
    with pytest.raises(LockLost, match="not held"):
        lock.ensure_held()


def test_lock_errors_are_user_errors():
    from ansible_collections.dockyard.swarm.plugins.module_utils._container.errors import USER_ERRORS

    assert issubclass(LockUnsafe, USER_ERRORS) and issubclass(LockTimeout, USER_ERRORS) and issubclass(LockLost, USER_ERRORS)
