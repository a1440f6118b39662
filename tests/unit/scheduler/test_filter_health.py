# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import names, node


def test_only_healthy_nodes():
    nodes = [node("a", health=0), node("b", health=34), node("c", health=100)]
    assert names(nodes, schedule({}, nodes)) == ["c", "b"]  # health also weighs in spread


def test_no_healthy_node_message_is_verbatim():
    nodes = [node("a", health=0), node("b", health=0)]
    with pytest.raises(SchedulingError) as info:
        schedule({"constraints": ["zone==x", "disk==~ssd"]}, nodes)
    assert str(info.value) == "No healthy node available in the cluster"
    assert info.value.soft_dropped
    assert info.value.filter == "health" and info.value.kind == "no_healthy_node"


def test_health_step_is_reported_when_it_removed_nodes():
    nodes = [node("a", health=0), node("b", {"zone": "y"})]
    with pytest.raises(SchedulingError) as info:
        schedule({"constraints": ["zone==x"]}, nodes)
    lines = str(info.value).splitlines()
    assert lines[1] == "[healthy] removed 1 of 2 nodes"
    assert info.value.steps[0].filter == "health" and info.value.steps[0].removed == 1


def test_empty_cluster():
    with pytest.raises(SchedulingError, match="^No nodes available in the cluster$"):
        schedule({}, [])
