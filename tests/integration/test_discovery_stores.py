# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery against the lab's real Consul, etcd and ZooKeeper (and file/nodes lists of its engines).

Each test works under its own prefix. The heartbeat tests run the real join agent as a separate
process, kill it with SIGKILL, and wait (bounded) for the store to drop the key.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import list_nodes, open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connection_options, snapshot

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
STORES = ("consul", "etcd", "zk")
LAB_KEYS = {"consul": "consul", "etcd": "etcd", "zk": "zookeeper"}
# Seconds the store may take to drop a dead agent's key with ttl=10s: Consul reaps a session within
# twice its TTL (10 s is Consul's minimum), etcd at lease expiry, ZooKeeper at session timeout.
EXPIRY_BOUND = {"consul": 30.0, "etcd": 16.0, "zk": 16.0}
ADVERTISE = "10.231.9.9:2376"  # registered only, never contacted


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.25) -> float:
    """Seconds until ``check()`` held; fails the test after ``timeout``."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail("condition not met within %ss" % timeout)
        time.sleep(step)
    return time.monotonic() - started


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, lab: dict) -> Iterator[str]:
    """A discovery URL on one of the lab's stores, under a fresh prefix that is emptied afterwards."""
    scheme = request.param
    prefix = "itest-%s" % uuid.uuid4().hex[:10]
    url = "%s://%s/%s" % (scheme, lab[LAB_KEYS[scheme]], prefix)
    yield url
    with open_backend(url, environ={}) as backend:
        for addr in backend.list_nodes():
            backend.deregister(addr)
    if scheme == "consul":
        import consul

        host, port = lab["consul"].split(":")
        consul.Consul(host=host, port=int(port)).kv.delete(prefix, recurse=True)
    if scheme == "zk":  # registrations leave their parent znodes
        from kazoo.client import KazooClient

        client = KazooClient(hosts=lab["zookeeper"])
        client.start(timeout=10)
        try:
            client.delete("/" + prefix, recursive=True)
        finally:
            client.stop()
            client.close()


def join_agent(url: str, heartbeat: str = "2s", ttl: str = "10s") -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(REPO / ".venv" / "collections"))
    return subprocess.Popen(
        [sys.executable, "-m", "ansible_collections.dockyard.swarm.plugins.module_utils._discovery",
         "--advertise", ADVERTISE, "--heartbeat", heartbeat, "--ttl", ttl, url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )


def lab_options(lab: dict):  # type: ignore[no-untyped-def]
    tls = lab["tls"]
    return connection_options({"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"],
                               "client_key": tls["client_key"], "timeout": 15}, {})


def test_registered_lab_engines_are_listed_and_snapshotted(store_url: str, lab: dict) -> None:
    addrs: List[str] = [engine["addr"] for engine in lab["engines"]]
    with open_backend(store_url, environ={}) as backend:
        registrations = [backend.register(addr, 60) for addr in addrs]
        try:
            listed = list_nodes(store_url, environ={})
            assert listed == sorted(addrs)
            nodes = snapshot(listed, lab_options(lab))
            assert sorted(node["name"] for node in nodes) == ["node-1", "node-2", "node-3"]
            assert all(node["status"] == "Healthy" for node in nodes), [node["error"] for node in nodes]
            assert backend.deregister(addrs[0]) is True
            assert list_nodes(store_url, environ={}) == sorted(addrs[1:])
        finally:
            for registration in registrations:
                registration.close()
    assert list_nodes(store_url, environ={}) == []


def test_heartbeat_keeps_the_key_and_a_dead_agent_loses_it(store_url: str) -> None:
    scheme = store_url.split("://")[0]
    agent = join_agent(store_url)
    try:
        wait_until(lambda: ADVERTISE in list_nodes(store_url, environ={}), timeout=15)
        time.sleep(12)  # longer than the 10 s TTL: only the heartbeats keep the key alive
        assert ADVERTISE in list_nodes(store_url, environ={}), "the heartbeat did not keep the registration"
    finally:
        agent.send_signal(signal.SIGKILL)
        agent.wait(timeout=10)
    took = wait_until(lambda: ADVERTISE not in list_nodes(store_url, environ={}), timeout=EXPIRY_BOUND[scheme], step=0.5)
    print("%s: key gone %.1fs after the agent was killed" % (scheme, took))


def test_a_stopped_agent_deregisters_at_once(store_url: str) -> None:
    agent = join_agent(store_url, heartbeat="5s", ttl="60s")
    try:
        wait_until(lambda: ADVERTISE in list_nodes(store_url, environ={}), timeout=15)
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=10) == 0
        assert ADVERTISE not in list_nodes(store_url, environ={})
    finally:
        if agent.poll() is None:
            agent.kill()
            agent.wait(timeout=10)
    assert "deregistered %s" % ADVERTISE in agent.stderr.read()  # type: ignore[union-attr]


def test_an_unreachable_store_is_named_within_its_timeout() -> None:
    started = time.monotonic()
    for url, expected in (("consul://127.0.0.1:1/x", "Cannot reach Consul at consul://127.0.0.1:1/x"),
                          ("etcd://127.0.0.1:1/x", "Cannot reach etcd at etcd://127.0.0.1:1/x"),
                          ("zk://127.0.0.1:1/x", "Cannot reach ZooKeeper at zk://127.0.0.1:1/x")):
        with pytest.raises(Exception, match=expected):
            list_nodes(url, {"discovery_timeout": 3}, environ={})
    assert time.monotonic() - started < 15


def test_file_and_nodes_discovery_of_the_lab(tmp_path: Path, lab: dict) -> None:
    addrs = [engine["addr"] for engine in lab["engines"]]
    cluster = tmp_path / "cluster.conf"
    cluster.write_text("# lab engines\n%s  # node-1\n\n%s\n%s\n" % tuple(addrs))
    assert list_nodes("file://%s" % cluster) == addrs
    assert list_nodes("nodes://" + ",".join(addrs)) == addrs
    assert list_nodes("10.231.[1:3].2:2376") == addrs
    nodes = snapshot(list_nodes("file://%s" % cluster), lab_options(lab))
    assert [node["name"] for node in nodes] == ["node-1", "node-2", "node-3"]


def test_put_node_outlives_the_registration_it_replaces(store_url: str) -> None:
    with open_backend(store_url, environ={}) as backend:
        registration = backend.register(ADVERTISE, 20)
        key = backend.put_node(ADVERTISE)
        assert key.endswith("docker/swarm/nodes/" + ADVERTISE)
        registration.close(deregister=False)  # its session (ZooKeeper: its ephemeral owner) ends here
        time.sleep(1)
        assert list_nodes(store_url, environ={}) == [ADVERTISE]
        assert backend.deregister(ADVERTISE) is True
    assert list_nodes(store_url, environ={}) == []
