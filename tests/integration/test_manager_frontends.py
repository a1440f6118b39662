# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules and the inventory given `manager`: the manager's live picture replaces reading every engine."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.integration.playbooks.swarm_support import adhoc, cleanup, new_prefix, where

from .helpers import wait_for
from .test_manager_docker import manager, run_cli  # noqa: F401  # pylint: disable=unused-import  # the module-scoped fixture

pytestmark = pytest.mark.integration


def _url(state) -> str:
    return "tcp://127.0.0.1:%d" % state["port"]


def test_swarm_info_reads_the_manager(ansible_env, manager):  # noqa: F811  # pylint: disable=redefined-outer-name
    info = adhoc(ansible_env, "swarm_info", {"manager": _url(manager)})
    assert info["_rc"] == 0, info
    assert sorted(node["name"] for node in info["nodes"]) == ["node-1", "node-2", "node-3"]
    assert info["discovery"] == "manager " + _url(manager)
    assert all(node["status"] == "Healthy" for node in info["nodes"]), info["nodes"]


def test_swarm_container_places_through_the_manager_picture(lab, ansible_env, manager):  # noqa: F811  # pylint: disable=redefined-outer-name
    prefix = new_prefix()
    name = prefix + "edge"
    args = {"manager": _url(manager), "name": name, "image": "busybox:latest", "command": "sleep 3600",
            "constraints": ["zone==external"]}
    try:
        placed = adhoc(ansible_env, "swarm_container", args)
        assert placed["_rc"] == 0 and placed["changed"] is True, placed
        assert placed["node"]["name"] == "node-2" and where(lab, name) == ["node-2"]
        # The manager sees it (its picture follows the engine's events) and a second run changes nothing.
        wait_for("the manager to list %s" % name,
                 lambda: "node-2/%s" % name in run_cli("28", ["ps", "--format", "{{.Names}}"], manager).stdout, timeout=10)
        again = adhoc(ansible_env, "swarm_container", args)
        assert again["_rc"] == 0 and again["changed"] is False, again
        listed = adhoc(ansible_env, "swarm_container_info", {"manager": _url(manager), "name": name})
        assert listed["_rc"] == 0 and listed["exists"] is True and listed["node"]["name"] == "node-2", listed
        assert "node-2/%s" % name in [row["names"] for row in listed["containers"]]
    finally:
        cleanup(lab, prefix)


def test_inventory_from_the_manager(ansible_env, manager, tmp_path):  # noqa: F811  # pylint: disable=redefined-outer-name
    source = tmp_path / "cluster.swarm.yml"
    source.write_text("plugin: dockyard.swarm.swarm\nmanager: %s\n" % _url(manager))
    proc = subprocess.run([str(Path(ansible_env["PATH"].split(":")[0]) / "ansible-inventory"), "-i", str(source), "--list"],
                          env=ansible_env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    inventory = json.loads(proc.stdout)
    hosts = inventory["_meta"]["hostvars"]
    assert sorted(hosts) == ["node-1", "node-2", "node-3"], hosts
    assert hosts["node-2"]["swarm_labels"]["zone"] == "external"
    assert sorted(inventory["healthy"]["hosts"]) == ["node-1", "node-2", "node-3"]


def test_an_engine_is_not_a_manager(lab, ansible_env):
    engine = lab["engines"][0]["docker_host"]
    refused = adhoc(ansible_env, "swarm_info", {"manager": engine})
    assert refused["_rc"] != 0
    assert "is not a dockyard.swarm manager" in refused["msg"], refused["msg"]
    both = adhoc(ansible_env, "swarm_info", {"manager": engine, "nodes": [lab["engines"][0]["addr"]]})
    assert both["_rc"] != 0 and "mutually exclusive" in both["msg"], both["msg"]
