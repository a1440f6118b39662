# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ZooKeeper backend against an in-memory ZooKeeper: ephemeral znodes tied to sessions."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import zk

from .fakes import ZkServer

KEY = "/swarm/docker/swarm/nodes/10.0.0.5:2376"


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> ZkServer:
    fake = ZkServer()
    modules = fake.modules()
    monkeypatch.setattr(zk, "require", lambda name, pip, purpose: modules[name])
    return fake


def test_register_creates_an_ephemeral_znode_with_its_own_session(server: ZkServer) -> None:
    backend = open_backend("zk://z1,z2/swarm", environ={})
    assert backend.list_nodes() == []
    registration = backend.register("10.0.0.5:2376", 20)
    assert backend.list_nodes() == ["10.0.0.5:2376"]
    owner = server.nodes[KEY]["owner"]
    registering_client = [c for c in server.clients if c.client_id[0] == owner][0]
    assert registering_client.timeout == 20 and registering_client.hosts == "z1:2181,z2:2181"
    registration.close()
    assert backend.list_nodes() == []


def test_session_end_removes_the_znode_and_refresh_restores_it(server: ZkServer) -> None:
    registration = open_backend("zk://z/swarm", environ={}).register("10.0.0.5:2376", 20)
    server.expire(server.nodes[KEY]["owner"])
    assert KEY not in server.nodes
    registration.refresh()
    assert KEY in server.nodes and registration.creations == 2  # type: ignore[attr-defined]


def test_a_stale_znode_of_another_session_is_replaced(server: ZkServer) -> None:
    backend = open_backend("zk://z/swarm", environ={})
    backend.register("10.0.0.5:2376", 20)
    stale_owner = server.nodes[KEY]["owner"]
    backend.register("10.0.0.5:2376", 20)
    assert server.nodes[KEY]["owner"] != stale_owner


def test_deregister(server: ZkServer) -> None:
    backend = open_backend("zk://z/swarm", environ={})
    backend.register("10.0.0.5:2376", 20)
    assert backend.deregister("10.0.0.5:2376") is True and backend.deregister("10.0.0.5:2376") is False


def test_unreachable_zookeeper(server: ZkServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.reachable = False
    monkeypatch.setattr(zk, "refused_everywhere", lambda endpoints, timeout: None)  # a slow host: kazoo's timeout decides
    with pytest.raises(DiscoveryError, match=r"Cannot reach ZooKeeper at zk://z:2181/swarm within 10.0s: Connection time-out"):
        open_backend("zk://z/swarm", environ={}).list_nodes()
    assert server.clients[-1].waited[0] == 1.0 and 9.0 < server.clients[-1].waited[1] <= 10.0  # the rest of the timeout


def test_every_host_refusing_fails_fast(server: ZkServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.reachable = False
    probed = []

    def refuse(endpoints, timeout):  # type: ignore[no-untyped-def]
        probed.append((tuple(endpoints), timeout))
        return "z1:2181: Connection refused; z2:2181: Connection refused"

    monkeypatch.setattr(zk, "refused_everywhere", refuse)
    with pytest.raises(DiscoveryError, match=r"Cannot reach ZooKeeper at zk://z1:2181,z2:2181/swarm: z1:2181: Connection "
                                             r"refused; z2:2181: Connection refused \(every host refused the connection\)\."):
        open_backend("zk://z1,z2/swarm", environ={}).list_nodes()
    assert probed == [(("z1:2181", "z2:2181"), 1.0)] and server.clients[-1].waited == [1.0]


def test_a_reachable_server_is_never_probed(server: ZkServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zk, "refused_everywhere", lambda endpoints, timeout: pytest.fail("probed"))
    assert open_backend("zk://z/swarm", environ={}).list_nodes() == []


def test_refused_everywhere_on_loopback() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    closed_port = closed.getsockname()[1]
    try:
        refused = zk.refused_everywhere(["127.0.0.1:%d" % closed_port], 1.0)
        assert refused == "127.0.0.1:%d: Connection refused" % closed_port
        assert zk.refused_everywhere(["127.0.0.1:%d" % closed_port, "127.0.0.1:%d" % listener.getsockname()[1]], 1.0) is None
    finally:
        listener.close()
        closed.close()


def test_tls_and_digest_auth_options(server: ZkServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "ca.pem"
    pem.write_text("x")
    open_backend("zk://z/swarm", {"discovery_ca_cert": str(pem), "discovery_username": "u",
                                  "discovery_password": "p"}, {}).list_nodes()
    options = server.clients[-1].options
    assert options["use_ssl"] and options["ca"] == str(pem) and options["auth_data"] == [("digest", "u:p")]


def test_put_node_replaces_an_ephemeral_znode_with_a_lasting_one(server: ZkServer) -> None:
    backend = open_backend("zk://z/swarm", environ={})
    backend.register("10.0.0.5:2376", 20)
    assert backend.put_node("10.0.0.5:2376") == KEY and server.nodes[KEY]["owner"] == 0
    assert backend.put_node("10.0.0.5:2376") == KEY  # idempotent
    backend.close()
    assert backend.list_nodes() == ["10.0.0.5:2376"]
