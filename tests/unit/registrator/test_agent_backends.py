# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent's Consul backends on a fake Consul: sessions, restarts, resync diffs, cleanup, outages."""
from __future__ import annotations

import logging

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import Service
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.consul_catalog import ConsulCatalogBackend, service_meta
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.consul_kv import ConsulKVBackend

from .fakes import RegistratorConsul

NAME = "dockyard-registrator node-1 services"


def svc(container="web", port=32768, name="web", sid=None, attrs=None, tags=None):
    return Service(sid or "node-1:%s:80" % container, name, port, "10.0.0.1", list(tags or []), dict(attrs or {}), "80", "tcp")


@pytest.fixture()
def consul():
    return RegistratorConsul()


def kv_backend(consul, monkeypatch, hostname="node-1", ttl=15):
    return ConsulKVBackend(consul.store(monkeypatch), "services", hostname, ttl)


def values(consul):
    return {key: (entry["Value"].decode(), entry["Session"]) for key, entry in consul.kv.items()}


# -------------------------------------------------------------------------------------- consulkv
def test_keys_are_held_by_one_named_session(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    changes = backend.sync([svc("web"), svc("api", 32769, "api")], full=True)
    session = backend.session
    assert consul.sessions[session]["name"] == NAME
    assert consul.sessions[session]["behavior"] == "delete" and consul.sessions[session]["ttl"] == 15
    assert consul.sessions[session]["lock_delay"] == 0
    assert values(consul) == {"services/web/node-1:web:80": ("10.0.0.1:32768", session),
                              "services/api/node-1:api:80": ("10.0.0.1:32769", session)}
    assert sorted(changes.registered) == ["services/api/node-1:api:80", "services/web/node-1:web:80"]


def test_only_changes_are_written(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web"), svc("api", 32769, "api")], full=True)
    consul.calls.clear()
    assert backend.sync([svc("web"), svc("api", 32769, "api")]).empty
    assert backend.sync([svc("web"), svc("api", 32769, "api")], full=True).empty
    assert consul.writes() == []
    backend.sync([svc("web", 32770), svc("api", 32769, "api")])
    assert consul.writes() == ["kv.put services/web/node-1:web:80"]
    consul.calls.clear()
    backend.sync([svc("web", 32770)])
    assert consul.writes() == ["kv.delete services/api/node-1:api:80"]


def test_full_sync_cleans_this_hosts_stale_keys_only(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.start()
    consul.kv["services/gone/node-1:gone:80"] = {"Value": b"10.0.0.1:1", "Session": None, "ModifyIndex": 1}
    consul.kv["services/web/node-2:web:80"] = {"Value": b"10.0.0.2:1", "Session": None, "ModifyIndex": 1}
    consul.kv["services/web/node-10:web:80"] = {"Value": b"10.0.0.9:1", "Session": None, "ModifyIndex": 1}
    consul.kv["services/custom/my-id"] = {"Value": b"10.0.0.1:5", "Session": backend.session, "ModifyIndex": 1}
    consul.kv["services2/web/node-1:web:80"] = {"Value": b"10.0.0.1:1", "Session": None, "ModifyIndex": 1}
    changes = backend.sync([svc("web")], full=True)
    assert sorted(changes.deregistered) == ["services/custom/my-id", "services/gone/node-1:gone:80"]
    assert sorted(consul.kv) == sorted(["services/web/node-1:web:80", "services/web/node-10:web:80", "services/web/node-2:web:80",
                                        "services2/web/node-1:web:80"])


def test_full_sync_reputs_what_consul_lost(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    del consul.kv["services/web/node-1:web:80"]  # someone deleted it
    assert backend.sync([svc("web")]).empty  # an event-driven sync trusts what it wrote
    assert backend.sync([svc("web")], full=True).registered == ["services/web/node-1:web:80"]
    assert values(consul)["services/web/node-1:web:80"] == ("10.0.0.1:32768", backend.session)


def test_lost_session_gets_a_new_one_and_every_key_again(consul, monkeypatch, caplog):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web"), svc("api", 32769, "api")], full=True)
    old = backend.session
    consul.expire(old)  # TTL ran out (Consul outage longer than the TTL, or Consul restarted)
    assert consul.kv == {}
    with caplog.at_level(logging.WARNING):
        backend.keepalive()
    assert backend.session != old and backend.session in consul.sessions
    assert sorted(values(consul)) == ["services/api/node-1:api:80", "services/web/node-1:web:80"]
    assert {session for unused, session in values(consul).values()} == {backend.session}
    assert "is gone" in caplog.text


def test_session_lost_in_the_middle_of_a_sync(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    consul.expire(backend.session)
    backend.sync([svc("web"), svc("api", 32769, "api")])  # the put of api fails: new session, both put
    assert sorted(values(consul)) == ["services/api/node-1:api:80", "services/web/node-1:web:80"]
    assert backend.sessions_created == 2


def test_keepalive_renews(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    backend.keepalive()
    backend.keepalive()
    assert consul.sessions[backend.session]["renewals"] >= 2


def test_restart_reuses_the_live_session_without_writing(consul, monkeypatch):
    first = kv_backend(consul, monkeypatch)
    first.sync([svc("web")], full=True)
    session = first.session
    first.stop(deregister=False)  # SIGTERM: the session stays
    assert "services/web/node-1:web:80" in consul.kv
    consul.calls.clear()
    second = kv_backend(consul, monkeypatch)
    second.sync([svc("web")], full=True)
    assert second.session == session and list(consul.sessions) == [session]
    assert second.sessions_created == 0
    assert consul.writes() == []


def test_stale_sessions_are_taken_over_without_a_gap(consul, monkeypatch):
    older = kv_backend(consul, monkeypatch)
    older.sync([svc("web")], full=True)
    newer = kv_backend(consul, monkeypatch)
    newer.session = None
    newer.start()  # reuses older's session (same name and TTL)
    assert newer.session == older.session
    # a second live session of the same name holding a key (e.g. a crash during a start)
    other = consul.module().Consul(host="127.0.0.1", port=8500, scheme="http", verify=True, cert=None, connections_timeout=1)
    extra = other.session.create(name=NAME, behavior="delete", ttl=15, lock_delay=0)
    consul.sessions[extra]["create_index"] = 1  # older than ours
    other.kv.put("services/api/node-1:api:80", "10.0.0.1:32769", acquire=extra)
    third = kv_backend(consul, monkeypatch)
    third.start()
    assert third.session == older.session and third.stale == [extra]
    deleted = []
    original = consul.expire
    monkeypatch.setattr(consul, "expire", lambda session: (deleted.extend(k for k, v in consul.kv.items() if v["Session"] == session),
                                                           original(session)))
    third.sync([svc("web"), svc("api", 32769, "api")], full=True)
    assert extra not in consul.sessions
    assert deleted == []  # the key was released and re-acquired before the stale session was destroyed
    assert values(consul)["services/api/node-1:api:80"] == ("10.0.0.1:32769", third.session)


def test_ttl_change_makes_a_new_session_and_takes_the_keys_over(consul, monkeypatch):
    first = kv_backend(consul, monkeypatch, ttl=15)
    first.sync([svc("web")], full=True)
    second = kv_backend(consul, monkeypatch, ttl=30)
    second.sync([svc("web")], full=True)
    assert second.session != first.session and first.session not in consul.sessions
    assert values(consul) == {"services/web/node-1:web:80": ("10.0.0.1:32768", second.session)}


def test_foreign_session_is_left_alone(consul, monkeypatch, caplog):
    other = consul.module().Consul(host="127.0.0.1", port=8500, scheme="http", verify=True, cert=None, connections_timeout=1)
    foreign = other.session.create(name="someone else", behavior="delete", ttl=15, lock_delay=0)
    other.kv.put("services/web/node-1:web:80", "10.9.9.9:1", acquire=foreign)
    backend = kv_backend(consul, monkeypatch)
    with caplog.at_level(logging.WARNING):
        changes = backend.sync([svc("web")], full=True)
    assert changes.registered == []
    assert values(consul)["services/web/node-1:web:80"] == ("10.9.9.9:1", foreign)
    assert "left alone" in caplog.text


def test_stop_keeps_or_deregisters(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    backend.stop(deregister=False)
    assert consul.kv and consul.sessions
    again = kv_backend(consul, monkeypatch)
    again.sync([svc("web")], full=True)
    again.stop(deregister=True)
    assert consul.kv == {} and consul.sessions == {}


def test_consul_outage_is_retried_by_keepalive(consul, monkeypatch):
    backend = kv_backend(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    consul.down.append("127.0.0.1:8500")
    with pytest.raises(DiscoveryError, match="Cannot reach Consul"):
        backend.sync([svc("web"), svc("api", 32769, "api")])
    assert backend.dirty
    with pytest.raises(DiscoveryError):
        backend.keepalive()
    consul.down.clear()
    backend.keepalive()
    assert not backend.dirty and "services/api/node-1:api:80" in consul.kv


def test_consul_down_at_start(consul, monkeypatch):
    consul.down.append("127.0.0.1:8500")
    backend = kv_backend(consul, monkeypatch)
    with pytest.raises(DiscoveryError):
        backend.sync([svc("web")], full=True)
    consul.down.clear()
    backend.keepalive()  # starts the session and writes the desired keys
    assert values(consul) == {"services/web/node-1:web:80": ("10.0.0.1:32768", backend.session)}


@pytest.mark.parametrize("ttl", [5, 9, 86401])
def test_ttl_limits(consul, monkeypatch, ttl):
    with pytest.raises(DiscoveryError, match="10 s to 86400 s"):
        kv_backend(consul, monkeypatch, ttl=ttl)


# --------------------------------------------------------------------------------------- catalog
def catalog(consul, monkeypatch):
    return ConsulCatalogBackend(consul.store(monkeypatch), "node-1")


def test_catalog_registers_with_meta_and_check(consul, monkeypatch):
    backend = catalog(consul, monkeypatch)
    web = svc("web", attrs={"check_http": "/health", "region": "eu", "bad key": "x", "consul-x": "y"}, tags=["a", "b"])
    backend.sync([web], full=True)
    assert consul.services["node-1:web:80"] == {
        "ID": "node-1:web:80", "Service": "web", "Address": "10.0.0.1", "Port": 32768, "Tags": ["a", "b"],
        "Meta": {"check_http": "/health", "region": "eu"}}
    assert consul.checks["service:node-1:web:80"]["Definition"] == {"HTTP": "http://10.0.0.1:32768/health", "Interval": "10s"}
    consul.calls.clear()
    assert backend.sync([web], full=True).empty and consul.writes() == []
    del consul.checks["service:node-1:web:80"]  # the agent lost the check: registered again
    assert backend.sync([web], full=True).registered == ["node-1:web:80"]


def test_catalog_resync_removes_this_hosts_services_only(consul, monkeypatch):
    consul.services["node-1:gone:80"] = {"ID": "node-1:gone:80", "Service": "gone"}
    consul.services["node-2:web:80"] = {"ID": "node-2:web:80", "Service": "web"}
    consul.services["consul"] = {"ID": "consul", "Service": "consul"}
    backend = catalog(consul, monkeypatch)
    changes = backend.sync([svc("web")], full=True)
    assert changes.deregistered == ["node-1:gone:80"]
    assert sorted(consul.services) == ["consul", "node-1:web:80", "node-2:web:80"]
    backend.sync([], full=False)
    assert sorted(consul.services) == ["consul", "node-2:web:80"]


def test_catalog_stop(consul, monkeypatch):
    backend = catalog(consul, monkeypatch)
    backend.sync([svc("web")], full=True)
    backend.stop(deregister=False)
    assert "node-1:web:80" in consul.services
    backend.stop(deregister=True)
    assert consul.services == {}


def test_meta_rules():
    attrs = {"ok_key-1": "v", "dotted.key": "v", "x" * 65: "v", "long": "v" * 513, "CONSUL-internal": "v"}
    assert service_meta("id", attrs) == {"ok_key-1": "v"}
    many = {"k%02d" % number: "v" for number in range(70)}
    assert len(service_meta("id", many)) == 64
