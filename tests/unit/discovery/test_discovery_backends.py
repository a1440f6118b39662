# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing a backend; the static backends; lazy imports with a message naming the pip package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import (
    DiscoveryError,
    MissingLibraryError,
    discovery_source,
    list_nodes,
    open_backend,
    open_discovery,
)


def test_nodes_backend_lists_in_order_and_cannot_register() -> None:
    backend = open_backend("nodes://h2:1,h1:1")
    assert backend.list_nodes() == ["h2:1", "h1:1"] and not backend.can_register
    with pytest.raises(DiscoveryError, match="nodes:// discovery cannot register engines: it is a static list; add h3:1"):
        backend.register("h3:1", 60)
    with pytest.raises(DiscoveryError, match="cannot deregister"):
        backend.deregister("h2:1")
    with pytest.raises(DiscoveryError, match="cannot register engines"):
        backend.put_node("h3:1")


def test_file_backend_rereads_the_file(tmp_path: Path) -> None:
    cluster = tmp_path / "cluster.conf"
    cluster.write_text("h1:2376\n")
    url = "file://%s" % cluster
    assert list_nodes(url) == ["h1:2376"]
    cluster.write_text("h1:2376\nh2:2376 # new\n")
    assert list_nodes(url) == ["h1:2376", "h2:2376"]


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match=r"Cannot read the discovery file .*/none.conf: No such file"):
        list_nodes("file://%s/none.conf" % tmp_path)


def test_discovery_source_from_options() -> None:
    assert discovery_source({"nodes": ["tcp://h1:1", "h2:2"]}).entries == ("h1:1", "h2:2")  # type: ignore[union-attr]
    assert discovery_source({"nodes": "h1:1,h2:2"}).entries == ("h1:1", "h2:2")  # type: ignore[union-attr]
    assert discovery_source({"discovery": "consul://h/p"}) == "consul://h/p"
    assert discovery_source({}, {"SWARM_DISCOVERY": "zk://z/p"}) == "zk://z/p"
    assert discovery_source({"nodes": ["h:1"]}, {"SWARM_DISCOVERY": "zk://z/p"}).entries == ("h:1",)  # type: ignore[union-attr]
    with pytest.raises(DiscoveryError, match="either nodes or discovery"):
        discovery_source({"nodes": ["h:1"], "discovery": "consul://h/p"})
    with pytest.raises(DiscoveryError, match="No cluster given"):
        discovery_source({}, {})
    with pytest.raises(DiscoveryError, match="lists no engine"):
        discovery_source({"nodes": [" "]}, {})


def test_open_discovery_uses_the_options() -> None:
    assert open_discovery({"nodes": ["h:1"]}, {}).list_nodes() == ["h:1"]


@pytest.mark.parametrize("url, module, package", [
    ("consul://h/p", "consul", "py-consul"),
    ("etcd://h/p", "etcd3gw", "etcd3gw"),
    ("zk://h/p", "kazoo.client", "kazoo"),
])
def test_missing_store_library_names_the_pip_package(monkeypatch: pytest.MonkeyPatch, url: str, module: str, package: str) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what an absent package looks like to import
    with pytest.raises(MissingLibraryError, match=r"The Python package '%s' is required .*\(pip install %s\)" % (package, package)):
        open_backend(url, environ={}).list_nodes()
