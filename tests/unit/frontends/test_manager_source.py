# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Front ends given a dockyard.swarm manager: which source wins, the manager's node answer, clear refusals."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container import cluster as cluster_module
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, manager_of
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineAPIError, EngineError, connection_options, manager_nodes
from ansible_collections.dockyard.swarm.plugins.plugin_utils import _inventory

NODE = {"id": "E1", "name": "node-1", "addr": "10.0.0.1:2376", "labels": {"zone": "external"}, "cpus": 2,
        "memory": 2 << 30, "health": 100, "containers": [], "images": [], "status": "Healthy", "error": None,
        "docker_host": "tcp://10.0.0.1:2376", "server_version": "20.10.24"}


@pytest.mark.parametrize("params, environ, expected", [
    ({"manager": "tcp://m:2376"}, {}, "tcp://m:2376"),
    ({}, {"SWARM_MANAGER": "m:2376", "SWARM_DISCOVERY": "consul://c/swarm"}, "m:2376"),
    ({"nodes": ["h:1"]}, {"SWARM_MANAGER": "m:2376"}, None),
    ({"discovery": "consul://c/swarm"}, {"SWARM_MANAGER": "m:2376"}, None),
    ({"manager": "  "}, {"SWARM_MANAGER": " "}, None),
])
def test_which_source_wins(params, environ, expected):
    assert manager_of(params, environ) == expected


def test_manager_with_a_discovery_source_is_refused():
    with pytest.raises(DiscoveryError, match="Give manager, nodes or discovery, not several"):
        manager_of({"manager": "m:2376", "nodes": ["h:1"]}, {})


class _Answers(BaseHTTPRequestHandler):
    nodes_status = 200
    nodes_body: object = [NODE]

    def do_GET(self):  # noqa: N802 (http.server's name)
        if self.path.endswith("/version"):
            status, body = 200, {"ApiVersion": "1.41", "Version": "dockyard-swarm/test"}
        elif self.path.endswith("/dockyard/v1/nodes"):
            status, body = self.nodes_status, self.nodes_body
        else:
            status, body = 404, {"message": "page not found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture()
def fake_manager():
    server = HTTPServer(("127.0.0.1", 0), type("Answers", (_Answers,), {}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _options():
    return connection_options({"docker_host": "tcp://127.0.0.1:1"}, {})


def test_manager_nodes_reads_the_snapshot(fake_manager):
    nodes = manager_nodes("127.0.0.1:%d" % fake_manager.server_port, _options())
    assert nodes == [NODE]


def test_a_plain_engine_or_classic_manager_is_named(fake_manager):
    fake_manager.RequestHandlerClass.nodes_status = 404
    fake_manager.RequestHandlerClass.nodes_body = {"message": "page not found"}
    with pytest.raises(EngineAPIError, match="is not a dockyard.swarm manager"):
        manager_nodes("127.0.0.1:%d" % fake_manager.server_port, _options())


def test_a_wrong_answer_is_refused(fake_manager):
    fake_manager.RequestHandlerClass.nodes_body = {"nodes": []}
    with pytest.raises(EngineError, match="not a list of node snapshots"):
        manager_nodes("127.0.0.1:%d" % fake_manager.server_port, _options())


def test_resolve_and_read_use_the_manager_only(monkeypatch):
    calls = []

    def fake_nodes(target, options, timeout=None):
        calls.append(target)
        return [NODE]

    def no_snapshot(*args, **kwargs):
        raise AssertionError("the engines must not be read one by one")

    monkeypatch.setattr(cluster_module, "manager_nodes", fake_nodes)
    monkeypatch.setattr(cluster_module, "snapshot", no_snapshot)
    cluster = cluster_module.resolve_cluster({"manager": "tcp://m:2376"}, {})
    assert cluster.targets == ["10.0.0.1:2376"] and cluster.source == "manager tcp://m:2376" and cluster.url is None
    assert cluster_module.read_nodes(cluster) == [NODE] and calls == ["tcp://m:2376", "tcp://m:2376"]


def test_a_manager_that_knows_no_engine_says_so(monkeypatch):
    monkeypatch.setattr(cluster_module, "manager_nodes", lambda target, options, timeout=None: [])
    with pytest.raises(DiscoveryError, match="knows no engines yet"):
        cluster_module.resolve_cluster({"manager": "m:2376"}, {})


def test_inventory_from_a_manager(monkeypatch):
    monkeypatch.setattr(_inventory, "manager_nodes", lambda target, options, timeout=None: [NODE])
    data = _inventory.gather({"manager": "m:2376"}, environ={}, snapshot_fn=None)
    assert data["source"] == "manager m:2376" and data["query_engines"] is True
    assert [(record["name"], record["labels"]) for record in data["engines"]] == [("node-1", {"zone": "external"})]
    assert _inventory.valid_cached(data, _inventory.source_text({"manager": "m:2376"}, {}), True)
    listed = _inventory.gather({}, query_engines=False, environ={"SWARM_MANAGER": "m:2376"})
    assert [record["addr"] for record in listed["engines"]] == ["10.0.0.1:2376"] and not listed["engines"][0]["queried"]


def test_inventory_refuses_a_manager_beside_nodes():
    with pytest.raises(_inventory.InventorySourceError, match="not several"):
        _inventory.gather({"manager": "m:2376", "nodes": ["h:1"]}, environ={})
