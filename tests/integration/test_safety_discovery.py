# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery failing fast and clearly, with real sockets and real runs.

* ZooKeeper on a closed port of 127.0.0.1 fails within about a second, not the whole discovery_timeout;
  the lab's ZooKeeper still answers.
* A plain HTTP server (not Consul) on the Consul URL's port is named as such, for listing and for the lock.
* A node range that would expand to 65,536 engines fails at once through `ansible`, naming the URL and the limit.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time
from typing import Iterator

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, DiscoveryError, open_backend, parse_discovery_url, resolve_store
from tests.integration.playbooks.swarm_support import adhoc

pytestmark = pytest.mark.integration


def closed_port() -> int:
    """A port of 127.0.0.1 that refuses connections (bound by us, never listening)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    closed_port.holders.append(holder)  # type: ignore[attr-defined]
    return port


closed_port.holders = []  # type: ignore[attr-defined]


def test_zookeeper_refusing_everywhere_fails_fast(lab: dict) -> None:
    first, second = closed_port(), closed_port()
    started = time.monotonic()
    with pytest.raises(DiscoveryError) as caught:
        open_backend("zk://127.0.0.1:%d,127.0.0.1:%d/swarm" % (first, second), {"discovery_timeout": 10}, environ={}).list_nodes()
    elapsed = time.monotonic() - started
    assert elapsed < 3.5, elapsed  # one short wait for kazoo, then one probe per host; was the full 10 s
    assert str(caught.value) == ("Cannot reach ZooKeeper at zk://127.0.0.1:%d,127.0.0.1:%d/swarm: 127.0.0.1:%d: "
                                 "Connection refused; 127.0.0.1:%d: Connection refused (every host refused the connection)."
                                 % (first, second, first, second))
    with open_backend("zk://%s/dysafety-empty" % lab["zookeeper"], {"discovery_timeout": 10}, environ={}) as backend:
        assert backend.list_nodes() == []  # a live server is used as before


def test_zookeeper_with_one_live_host_is_used(lab: dict) -> None:
    with open_backend("zk://127.0.0.1:%d,%s/dysafety-empty" % (closed_port(), lab["zookeeper"]), {"discovery_timeout": 10},
                      environ={}) as backend:
        assert backend.list_nodes() == []


@pytest.fixture()
def plain_http_server() -> Iterator[str]:
    """A tiny HTTP server (Python's own) standing where Consul is expected."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_a_plain_http_server_is_not_taken_for_consul(plain_http_server: str) -> None:
    url = "consul://%s/swarm" % plain_http_server
    with pytest.raises(DiscoveryError) as caught:
        open_backend(url, environ={}).list_nodes()
    assert str(caught.value).startswith("Consul at %s failed to list swarm/docker/swarm/nodes/: the address does not look like "
                                        "a Consul HTTP API (its answer had no X-Consul-Index header)" % url), str(caught.value)
    with pytest.raises(DiscoveryError) as locked:
        ConsulLock(resolve_store(parse_discovery_url(url), {}, {}), "placement", timeout=2).acquire()
    assert "the address does not look like a Consul HTTP API (it answered with an HTML page" in str(locked.value), str(locked.value)


def test_a_huge_node_range_fails_at_once_through_ansible(lab: dict, ansible_env: dict) -> None:
    result = adhoc(ansible_env, "swarm_info", {"discovery": "nodes://10.0.[0:65535].1:2376"})
    assert result["_rc"] != 0 and result["_seconds"] < 60, result
    assert result["msg"].startswith("Discovery entry '10.0.[0:65535].1:2376' expands to 65536 addresses; at most 4096 engine "
                                    "addresses are allowed per range and per discovery source"), result["msg"]
    assert "In discovery URL 'nodes://10.0.[0:65535].1:2376'" in result["msg"]
