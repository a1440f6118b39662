# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The placement lock against the lab: a lost Consul lock is noticed, a planted lock file is not written through.

* A holder whose session Consul destroyed (what a pause longer than the TTL leads to) gets LockLost
  from ``ensure_held()``, also in a separate process that was SIGSTOPped while another run took the lock.
* swarm_container run by root with a symlink planted at its lock file fails with a clear message,
  leaves the link's target as it was and creates nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._container.lock import LockLost, lock_path
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, StoreConfig, parse_discovery_url, resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import ConnectionOptions
from tests.integration.playbooks.swarm_support import adhoc, lab_nodes, prefix_fixture, task_args, where

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
prefix = pytest.fixture()(prefix_fixture)


def consul_api(lab: dict):  # type: ignore[no-untyped-def]
    import consul

    host, port = lab["consul"].split(":")
    return consul.Consul(host=host, port=int(port))


@pytest.fixture()
def config(lab: dict) -> Iterator[StoreConfig]:
    kv_prefix = "itest-safety-%s" % uuid.uuid4().hex[:8]
    yield resolve_store(parse_discovery_url("consul://%s/%s" % (lab["consul"], kv_prefix)), {}, {})
    consul_api(lab).kv.delete(kv_prefix, recurse=True)


def test_a_destroyed_session_makes_ensure_held_raise(lab: dict, config: StoreConfig) -> None:
    lock = ConsulLock(config, "placement", ttl=10, holder="paused run")
    lock.acquire()
    try:
        lock.ensure_held()  # held: one read, no exception
        assert consul_api(lab).session.destroy(lock.session)
        with pytest.raises(LockLost, match=r"The placement lock itest-safety-\w+/docker/swarm/locks/placement at consul://"
                                           r"127.0.0.1:8500/itest-safety-\w+ was lost: the key is held by no session"):
            lock.ensure_held()
        with ConsulLock(config, "placement", timeout=5, holder="next run") as other:
            other.ensure_held()
            with pytest.raises(LockLost, match=r"held by no session"):  # lost stays lost, with the first reason
                lock.ensure_held()
        fresh = ConsulLock(config, "placement", ttl=10)
        fresh.session = lock.session  # a holder that never looked before the other run took the key
        with ConsulLock(config, "placement", timeout=5, holder="third run") as third:
            with pytest.raises(LockLost, match=r"held by another session \(%s\)" % third.session):
                fresh.ensure_held()
    finally:
        lock.release()


HOLDER = textwrap.dedent("""
    import sys
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, parse_discovery_url, resolve_store
    lock = ConsulLock(resolve_store(parse_discovery_url(sys.argv[1]), {}, {}), "placement", ttl=10, holder="paused run")
    lock.acquire()
    print("held", lock.session, flush=True)
    sys.stdin.readline()          # the test stops us here (SIGSTOP), then lets us go on
    try:
        lock.ensure_held()
        print("still held", flush=True)
    except Exception as exc:
        print("%s: %s" % (type(exc).__name__, exc), flush=True)
    lock.release()
""")


def test_a_run_paused_past_its_lock_learns_it_lost_it(lab: dict, config: StoreConfig) -> None:
    env = dict(os.environ, PYTHONPATH="%s:%s" % (REPO / ".venv" / "collections", REPO))
    url = "consul://%s/%s" % (lab["consul"], config.prefix)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline().split()  # type: ignore[union-attr]
        assert first[:1] == ["held"], proc.stderr.read() if proc.stderr else first  # type: ignore[union-attr]
        os.kill(proc.pid, signal.SIGSTOP)
        # Paused longer than the TTL: Consul invalidates the session (destroying it is the same, without the wait).
        consul_api(lab).session.destroy(first[1])
        with ConsulLock(config, "placement", timeout=10, holder="the other run"):
            os.kill(proc.pid, signal.SIGCONT)
            out, err = proc.communicate("go on\n", timeout=30)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
            proc.kill()
            proc.wait(10)
    # Whichever looks first after SIGCONT (the renewal thread or ensure_held) names the lost session.
    assert "LockLost: The placement lock" in out and first[1] in out, (out, err)
    assert "nothing was created after that" in out


def test_swarm_container_never_writes_through_a_planted_lock_symlink(
        lab: dict, ansible_env: dict, prefix: str, tmp_path: Path) -> None:
    folder = tmp_path / "locks"
    folder.mkdir(mode=0o700)
    target = tmp_path / "precious.conf"
    target.write_text("keep me\n")
    nodes = lab_nodes(lab)
    planted = lock_path(Cluster(nodes, "test", None, ConnectionOptions()), {"SWARM_LOCK_DIR": str(folder)})
    os.symlink(str(target), planted)
    env = dict(ansible_env, SWARM_LOCK_DIR=str(folder))
    name = prefix + "locked"
    result = adhoc(env, "swarm_container", task_args(lab, name=name, image="busybox:latest", command="sleep 60"))
    assert result["_rc"] != 0 and result.get("failed") is True, result
    assert "Refusing to use the placement lock file %s: it is a symbolic link. Nothing was written" % planted in result["msg"]
    assert target.read_text() == "keep me\n"
    assert where(lab, name) == []
