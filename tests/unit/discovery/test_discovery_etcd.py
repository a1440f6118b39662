# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""etcd backend against an in-memory etcd: leases, keepalive, re-grant, failover."""

from __future__ import annotations

import importlib

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import etcd

from .fakes import EtcdServer

KEY = "/swarm/docker/swarm/nodes/10.0.0.5:2376"


@pytest.fixture()
def server(monkeypatch: pytest.MonkeyPatch) -> EtcdServer:
    fake = EtcdServer()
    module = fake.module()
    monkeypatch.setattr(etcd, "require", lambda name, pip, purpose: module if name == "etcd3gw" else importlib.import_module(name))
    return fake


def test_register_puts_the_key_with_a_lease_and_lists_it(server: EtcdServer) -> None:
    backend = open_backend("etcd://e1/swarm", environ={})
    registration = backend.register("10.0.0.5:2376", 30)
    assert server.kv[KEY]["lease"] in server.leases and server.leases[server.kv[KEY]["lease"]] == 30
    server.kv["/swarm/docker/swarm/nodes/sub/x"] = {"value": b"10.9.9.9:1", "lease": None}
    assert backend.list_nodes() == ["10.0.0.5:2376"]
    registration.close()
    assert KEY not in server.kv and not server.leases


def test_expired_lease_gets_a_new_one(server: EtcdServer) -> None:
    registration = open_backend("etcd://e1/swarm", environ={}).register("10.0.0.5:2376", 30)
    server.expire(server.kv[KEY]["lease"])
    registration.refresh()
    assert KEY in server.kv and registration.leases_granted == 2  # type: ignore[attr-defined]


def test_refresh_keeps_the_lease_and_rewrites_the_key(server: EtcdServer) -> None:
    registration = open_backend("etcd://e1/swarm", environ={}).register("10.0.0.5:2376", 30)
    del server.kv[KEY]
    registration.refresh()
    assert KEY in server.kv and registration.leases_granted == 1  # type: ignore[attr-defined]


def test_deregister_and_failover(server: EtcdServer) -> None:
    server.down.append("e1:2379")
    backend = open_backend("etcd://e1,e2/swarm", environ={})
    backend.register("10.0.0.5:2376", 30)
    assert backend.deregister("10.0.0.5:2376") is True and backend.deregister("10.0.0.5:2376") is False


def test_unreachable_etcd_is_named(server: EtcdServer) -> None:
    server.down.append("e1:2379")
    with pytest.raises(DiscoveryError, match=r"Cannot reach etcd at etcd://e1:2379/swarm to list /swarm/docker/swarm/nodes/"):
        open_backend("etcd://e1/swarm", environ={}).list_nodes()


def test_tls_session_ignores_requests_environment(server: EtcdServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "ca.pem"
    pem.write_text("x")
    open_backend("etcd://e1/swarm", {"discovery_ca_cert": str(pem)}, {}).list_nodes()
    client = server.clients[-1]
    assert client.protocol == "https" and client.session.verify == str(pem) and client.session.trust_env is False


def test_put_node_detaches_the_key_from_its_lease(server: EtcdServer) -> None:
    backend = open_backend("etcd://e1/swarm", environ={})
    backend.register("10.0.0.5:2376", 30)
    lease = server.kv[KEY]["lease"]
    assert backend.put_node("10.0.0.5:2376") == KEY and server.kv[KEY]["lease"] is None
    server.expire(lease)
    assert backend.list_nodes() == ["10.0.0.5:2376"]
