# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Consul backend against an in-memory Consul: listing, session registration, failover, errors."""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import session_ttl

from .fakes import ConsulServer

KEY = "swarm/docker/swarm/nodes/10.0.0.5:2376"


def test_list_reads_values_of_direct_children_only(consul_server: ConsulServer) -> None:
    consul_server.kv["swarm/docker/swarm/nodes/b:1"] = {"Value": b"10.0.0.2:2376", "ModifyIndex": 1}
    consul_server.kv["swarm/docker/swarm/nodes/a:1"] = {"Value": b"10.0.0.1:2376", "ModifyIndex": 2}
    consul_server.kv["swarm/docker/swarm/nodes/c:3"] = {"Value": b"", "ModifyIndex": 3}  # empty value: the key names it
    consul_server.kv["swarm/docker/swarm/nodes/deeper/x:1"] = {"Value": b"10.9.9.9:1", "ModifyIndex": 4}
    consul_server.kv["swarm/docker/swarm/nodes/junk"] = {"Value": b"not an address", "ModifyIndex": 5}
    consul_server.kv["swarm/docker/swarm/nodes2/z:1"] = {"Value": b"10.7.7.7:1", "ModifyIndex": 6}
    assert open_backend("consul://h/swarm", environ={}).list_nodes() == ["10.0.0.1:2376", "10.0.0.2:2376", "c:3"]


def test_empty_store_lists_nothing(consul_server: ConsulServer) -> None:
    assert open_backend("consul://h/swarm", environ={}).list_nodes() == []


def test_register_acquires_with_a_delete_session(consul_server: ConsulServer) -> None:
    backend = open_backend("consul://h/swarm", environ={})
    registration = backend.register("10.0.0.5:2376", 60)
    session = consul_server.sessions[registration.session]  # type: ignore[attr-defined]
    assert session["behavior"] == "delete" and session["ttl"] == 30
    assert consul_server.kv[KEY]["Session"] == registration.session and consul_server.kv[KEY]["Value"] == b"10.0.0.5:2376"
    registration.refresh()
    assert session["renewals"] == 1
    registration.close()
    assert KEY not in consul_server.kv and not consul_server.sessions


def test_expired_session_is_recreated_and_the_key_reacquired(consul_server: ConsulServer) -> None:
    registration = open_backend("consul://h/swarm", environ={}).register("10.0.0.5:2376", 60)
    first = registration.session  # type: ignore[attr-defined]
    consul_server.expire(first)
    assert KEY not in consul_server.kv
    registration.refresh()
    assert registration.session != first and consul_server.kv[KEY]["Session"] == registration.session  # type: ignore[attr-defined]
    assert registration.sessions_created == 2  # type: ignore[attr-defined]


def test_key_deleted_by_hand_comes_back_on_refresh(consul_server: ConsulServer) -> None:
    registration = open_backend("consul://h/swarm", environ={}).register("10.0.0.5:2376", 60)
    del consul_server.kv[KEY]
    registration.refresh()
    assert consul_server.kv[KEY]["Session"] == registration.session  # type: ignore[attr-defined]


def test_a_stale_session_of_the_same_address_is_taken_over(consul_server: ConsulServer) -> None:
    backend = open_backend("consul://h/swarm", environ={})
    old = backend.register("10.0.0.5:2376", 60)
    new = backend.register("10.0.0.5:2376", 60)  # the agent restarted before the old session expired
    assert consul_server.kv[KEY]["Session"] == new.session and old.session not in consul_server.sessions  # type: ignore[attr-defined]


def test_close_without_deregister_releases_and_lets_the_ttl_act(consul_server: ConsulServer) -> None:
    registration = open_backend("consul://h/swarm", environ={}).register("10.0.0.5:2376", 60)
    registration.close(deregister=False)
    assert KEY in consul_server.kv and consul_server.kv[KEY]["Session"] is None


def test_deregister(consul_server: ConsulServer) -> None:
    backend = open_backend("consul://h/swarm", environ={})
    backend.register("10.0.0.5:2376", 60)
    assert backend.deregister("10.0.0.5:2376") is True
    assert KEY not in consul_server.kv and not consul_server.sessions
    assert backend.deregister("10.0.0.5:2376") is False


def test_session_ttl_is_half_the_ttl_within_consul_limits() -> None:
    assert [session_ttl(ttl) for ttl in (5, 20, 180, 10 ** 6)] == [10, 10, 90, 86400]


def test_failover_to_the_next_agent_and_stay_there(consul_server: ConsulServer) -> None:
    consul_server.down.append("h1:8500")
    backend = open_backend("consul://h1,h2/swarm", environ={})
    assert backend.list_nodes() == [] and backend.list_nodes() == []
    assert [call.split()[0] for call in consul_server.calls] == ["h2:8500", "h2:8500"]


def test_all_agents_down_names_them(consul_server: ConsulServer) -> None:
    consul_server.down.extend(["h1:8500", "h2:8500"])
    with pytest.raises(DiscoveryError, match=r"Cannot reach Consul at consul://h1:8500,h2:8500/swarm to list .*"
                                             r"h1:8500: Connection refused; h2:8500: Connection refused"):
        open_backend("consul://h1,h2/swarm", environ={}).list_nodes()


def test_acl_denial_says_which_token_to_set(consul_server: ConsulServer) -> None:
    consul_server.deny = True
    with pytest.raises(DiscoveryError, match="permission denied by ACL.*discovery_token or CONSUL_HTTP_TOKEN"):
        open_backend("consul://h/swarm", environ={}).list_nodes()


def test_tls_and_token_reach_the_client(consul_server: ConsulServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pem = tmp_path / "ca.pem"
    pem.write_text("x")
    backend = open_backend("consul://h/swarm", {"discovery_ca_cert": str(pem), "discovery_client_cert": str(pem),
                                                "discovery_client_key": str(pem)}, {"CONSUL_HTTP_TOKEN": "t0k"})
    client = backend.store.failover.clients[0]  # type: ignore[attr-defined]
    assert (client.scheme, client.verify, client.cert, client.token) == ("https", str(pem), (str(pem), str(pem)), "t0k")


def test_put_node_is_lasting_even_over_a_session_registration(consul_server: ConsulServer) -> None:
    backend = open_backend("consul://h/swarm", environ={})
    backend.register("10.0.0.5:2376", 60)
    assert backend.put_node("10.0.0.5:2376") == KEY
    assert consul_server.kv[KEY]["Session"] is None and not consul_server.sessions
    assert backend.list_nodes() == ["10.0.0.5:2376"]


@pytest.mark.parametrize("raised, expected", [
    ("Missing index header: {'Server': 'nginx', 'Content-Type': 'text/html'}", "its answer had no X-Consul-Index header"),
    ("Failed to decode JSON: <b>hello</b> Expecting value", "its answer was not Consul's JSON"),
    ("405 <html>\r\n<head><title>405 Not Allowed</title></head>", "it answered with an HTML page: 405 <html> <head><title>405 Not"),
])
def test_something_else_on_the_consul_port_is_named(consul_server: ConsulServer, raised: str, expected: str) -> None:
    consul_server.answer_error = raised
    with pytest.raises(DiscoveryError) as caught:
        open_backend("consul://h/swarm", environ={}).list_nodes()
    message = str(caught.value)
    assert message.startswith("Consul at consul://h:8500/swarm failed to list swarm/docker/swarm/nodes/: the address does not "
                              "look like a Consul HTTP API (%s" % expected), message
    assert "port 8500 by default" in message and "Missing index header" not in message


def test_consul_own_errors_are_passed_on(consul_server: ConsulServer) -> None:
    consul_server.answer_error = "500 rpc error making call: No cluster leader"
    with pytest.raises(DiscoveryError, match=r"failed to list swarm/docker/swarm/nodes/: 500 rpc error making call: No cluster leader$"):
        open_backend("consul://h/swarm", environ={}).list_nodes()
