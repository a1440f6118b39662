# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_node's converge_node against the in-memory Consul, etcd and ZooKeeper of the discovery tests."""
from __future__ import annotations

import importlib

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.node_registration import converge_node
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, consul_store, etcd, zk

from tests.unit.discovery.fakes import ConsulServer, EtcdServer, ZkServer

ADDR = "10.0.0.5:2376"


@pytest.fixture()
def consul(monkeypatch):
    fake = ConsulServer()
    module = fake.module()
    monkeypatch.setattr(consul_store, "require", lambda name, pip, purpose: module if name == "consul" else importlib.import_module(name))
    return fake


def params(**kwargs):
    base = {"addr": ADDR, "state": "present", "ttl": 0, "discovery": "consul://127.0.0.1:8500/swarm", "nodes": None}
    base.update(kwargs)
    return base


def test_consul_register_is_permanent_and_idempotent(consul):
    result = converge_node(params(), check_mode=False)
    assert result["changed"] is True and result["nodes"] == [ADDR]
    key = "swarm/docker/swarm/nodes/" + ADDR
    assert consul.kv[key]["Value"] in (ADDR, ADDR.encode()) and not consul.kv[key].get("Session")
    assert converge_node(params(), check_mode=False)["changed"] is False


def test_consul_register_with_ttl_uses_a_delete_session(consul):
    result = converge_node(params(ttl=60), check_mode=False)
    assert result["changed"] is True
    key = "swarm/docker/swarm/nodes/" + ADDR
    session = consul.kv[key]["Session"]
    assert consul.sessions[session]["behavior"] == "delete"
    assert converge_node(params(ttl=60), check_mode=False)["changed"] is False  # renewed, not a change
    consul.expire(consul.kv[key]["Session"])
    assert key not in consul.kv


def test_check_mode_changes_nothing(consul):
    result = converge_node(params(), check_mode=True)
    assert result["changed"] is True and result["nodes"] == [ADDR]
    assert consul.kv == {}


def test_deregister(consul):
    converge_node(params(), check_mode=False)
    assert converge_node(params(state="absent"), check_mode=True)["nodes"] == []
    result = converge_node(params(state="absent"), check_mode=False)
    assert result["changed"] is True and result["nodes"] == [] and result["registered"] is False
    assert converge_node(params(state="absent"), check_mode=False)["changed"] is False


def test_etcd_permanent(monkeypatch):
    fake = EtcdServer()
    module = fake.module()
    monkeypatch.setattr(etcd, "require", lambda name, pip, purpose: module if name == "etcd3gw" else importlib.import_module(name))
    result = converge_node(params(discovery="etcd://127.0.0.1:2379/swarm"), check_mode=False)
    assert result["changed"] is True and result["nodes"] == [ADDR]


def test_zk_permanent_and_ttl_refused(monkeypatch):
    fake = ZkServer()
    modules = fake.modules()
    monkeypatch.setattr(zk, "require", lambda name, pip, purpose: modules[name])
    result = converge_node(params(discovery="zk://127.0.0.1:2181/swarm"), check_mode=False)
    assert result["changed"] is True and result["nodes"] == [ADDR]
    with pytest.raises(DiscoveryError, match="ephemeral"):
        converge_node(params(discovery="zk://127.0.0.1:2181/swarm", ttl=30, addr="10.0.0.6:2376"), check_mode=False)


@pytest.mark.parametrize("source", [{"discovery": "nodes://10.0.0.1:2376"}, {"discovery": None, "nodes": ["10.0.0.1:2376"]}])
def test_static_sources_explain(source, consul):
    with pytest.raises(DiscoveryError, match="static list"):
        converge_node(params(**source), check_mode=False)


def test_bad_address(consul):
    with pytest.raises(DiscoveryError, match="port"):
        converge_node(params(addr="10.0.0.5"), check_mode=False)
