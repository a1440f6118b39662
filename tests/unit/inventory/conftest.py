# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the inventory plugin the way ansible-inventory does, with a fake engine snapshot.

Discovery is real (``nodes`` lists or a ``file://`` source in tmp_path: no network); only the
engine layer's ``snapshot`` is replaced, by ``FakeSnapshot``, which builds its node dicts with
the engine layer's own shape functions.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml

REPO = Path(__file__).resolve().parents[3]
COLLECTIONS = REPO / ".venv" / "collections"
GIB = 1 << 30


def engine_info(name: str, labels: Optional[Dict[str, str]] = None, cpus: int = 4, memory: int = 8 * GIB,
                engine_id: Optional[str] = None) -> Dict[str, Any]:
    """A `docker info` answer, reduced to what the snapshot reads."""
    return {"ID": engine_id or "ID-" + name, "Name": name, "NCPU": cpus, "MemTotal": memory, "ServerVersion": "24.0.7",
            "Labels": ["%s=%s" % item for item in (labels or {}).items()], "OSType": "linux", "Driver": "overlay2"}


class FakeSnapshot:
    """Stands in for ``_engine.snapshot``: answers from a table of addr -> info (or error text)."""

    def __init__(self, engines: Dict[str, Any], containers: Optional[Dict[str, int]] = None) -> None:
        self.engines = engines
        self.containers = containers or {}
        self.calls: List[List[str]] = []
        self.options: List[Any] = []
        self.info_only: List[bool] = []

    def __call__(self, targets, options, max_workers=32, **kwargs):
        from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import docker_host_url
        from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import failed_node, node_dict

        self.calls.append(list(targets))
        self.options.append(options)
        self.info_only.append(kwargs.get("info_only", False))
        nodes = []
        for addr in targets:
            answer = self.engines.get(addr, "Engine %s: connection refused." % addr)
            if isinstance(answer, str):
                nodes.append(failed_node(addr, docker_host_url(addr), answer))
            else:
                count = self.containers.get(addr, 0)
                # like a real engine: /info counts the containers; the list is read only without info_only
                containers = [] if kwargs.get("info_only") else [{"id": "c%d" % number} for number in range(count)]
                nodes.append(node_dict(addr, docker_host_url(addr), dict(answer, Containers=count), containers, []))
        return nodes


class NoSnapshot:
    """A snapshot that must not happen."""

    calls: List[Any] = []

    def __call__(self, *args, **kwargs):
        raise AssertionError("the engines were contacted")


@pytest.fixture(scope="session")
def plugin_loader():
    """Ansible's plugin loader with this checkout as collection dockyard.swarm.

    Other unit tests may have imported ``ansible_collections.*`` packages as plain namespace
    packages (pytest's pythonpath). The collection loader must load packages itself (it gives them
    a ``__file__`` and the collection metadata), so those are dropped; modules already imported stay.
    """
    import sys

    from ansible.plugins.loader import init_plugin_loader, inventory_loader

    for name, module in list(sys.modules.items()):
        if (name == "ansible_collections" or name.startswith("ansible_collections.")) and getattr(module, "__file__", None) is None:
            del sys.modules[name]
    init_plugin_loader([str(COLLECTIONS)])
    return inventory_loader


class Run:
    """One inventory source file and the means to parse it (optionally again, from cache)."""

    def __init__(self, loader, path: Path, monkeypatch) -> None:
        self.loader = loader
        self.path = path
        self.monkeypatch = monkeypatch
        self.warnings: List[str] = []
        self.plugin = None

    def parse(self, snapshot: Any, cache: bool = True):
        from ansible.inventory.data import InventoryData
        from ansible.parsing.dataloader import DataLoader
        from ansible_collections.dockyard.swarm.plugins.plugin_utils import _inventory

        self.monkeypatch.setattr(_inventory, "snapshot", snapshot)
        plugin = self.loader.get("dockyard.swarm.swarm")
        self.monkeypatch.setattr(plugin.display, "warning", lambda msg, *args, **kwargs: self.warnings.append(msg))
        inventory = InventoryData()
        assert plugin.verify_file(str(self.path))
        plugin.parse(inventory, DataLoader(), str(self.path), cache=cache)
        if getattr(plugin, "_cache", None):
            plugin.update_cache_if_changed()  # what InventoryManager does after parse()
        self.plugin = plugin
        return inventory


@pytest.fixture
def inventory_source(plugin_loader, tmp_path, monkeypatch):
    """``inventory_source({...config...}, name='x.swarm.yml') -> Run``."""
    for name in ("SWARM_DISCOVERY", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH", "DOCKER_HOST", "CONSUL_HTTP_TOKEN",
                 "DOCKER_CA_PATH", "DOCKER_CLIENT_CERT", "DOCKER_CLIENT_KEY", "ANSIBLE_INVENTORY_CACHE"):
        monkeypatch.delenv(name, raising=False)

    def make(config: Dict[str, Any], name: str = "test.swarm.yml") -> Run:
        path = tmp_path / name
        path.write_text(yaml.safe_dump(dict({"plugin": "dockyard.swarm.swarm"}, **config)))
        return Run(plugin_loader, path, monkeypatch)

    return make


def group_hosts(inventory, group: str) -> List[str]:
    """Names of the hosts directly in ``group`` (sorted)."""
    return sorted(host.name for host in inventory.groups[group].get_hosts())
