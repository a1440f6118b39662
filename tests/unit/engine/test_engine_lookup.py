# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding a container anywhere in the cluster with classic Swarm's resolution order."""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import AmbiguousContainerError, find_by_name, find_container

A_ID = "a" * 12 + "1" * 52
B_ID = "ab" + "2" * 62
NODES = [
    {"id": "E1", "name": "node-1", "containers": [
        {"id": A_ID, "name": "web", "labels": {"com.docker.swarm.id": "f" * 64}},
        {"id": "c" * 64, "name": "db", "labels": {}}]},
    {"id": "E2", "name": "node-2", "containers": [
        {"id": B_ID, "name": "cache", "labels": {}},
        {"id": "d" * 64, "name": "db", "labels": {}}]},
    {"id": "E3", "name": "node-3", "containers": []},
]


@pytest.mark.parametrize("ref, node, name", [
    (A_ID, "node-1", "web"),          # full ID
    ("a" * 12, "node-1", "web"),      # 12-character short ID
    ("f" * 64, "node-1", "web"),      # Swarm ID
    ("f" * 12, "node-1", "web"),      # short Swarm ID
    ("cache", "node-2", "cache"),     # name
    ("/cache", "node-2", "cache"),    # /name
    ("node-2/db", "node-2", "db"),    # <engine name>/name
    ("E1/db", "node-1", "db"),        # <engine id>/name
    ("ab2", "node-2", "cache"),       # unique ID prefix
])
def test_resolution_order(ref: str, node: str, name: str) -> None:
    found = find_container(NODES, ref)
    assert found is not None and (found[0]["name"], found[1]["name"]) == (node, name)


def test_ambiguous_prefix_and_unknown_names_find_nothing() -> None:
    assert find_container(NODES, "a") is None and find_container(NODES, "nothing") is None and find_container(NODES, "") is None


def test_a_name_on_two_engines_is_reported_with_both() -> None:
    with pytest.raises(AmbiguousContainerError, match=r"'db' exists on several engines: node-1 \(None\), node-2"):
        find_container(NODES, "db")
    assert [node["name"] for node, _c in find_by_name(NODES, "db")] == ["node-1", "node-2"]
