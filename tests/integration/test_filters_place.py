# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_place on a real swarm_info result agrees with what swarm_container's check mode predicts."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.integration.playbooks.swarm_support import adhoc, lab_nodes, new_prefix, task_args

pytestmark = pytest.mark.integration

PLAYBOOK = """\
- name: Dry-run placements with swarm_place
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Cluster
      dockyard.swarm.swarm_info:
        nodes: "{{ lab_nodes }}"
      register: cluster
    - name: Places
      ansible.builtin.debug:
        msg: "{{ cluster | dockyard.swarm.swarm_place(item) }}"
      loop: "{{ requests }}"
      ignore_errors: true
"""


def run_playbook(ansible_env, path: Path, extra: dict) -> dict:
    env = dict(ansible_env, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [str(Path(ansible_env["PATH"].split(":")[0]) / "ansible-playbook"), str(path), "-e", json.dumps(extra)]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    start = proc.stdout.find("{")
    assert start >= 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    document = json.loads(proc.stdout[start:])
    tasks = {task["task"]["name"]: task["hosts"]["localhost"] for task in document["plays"][0]["tasks"]}
    return {"rc": proc.returncode, "tasks": tasks}


REQUESTS = [
    {"ports": ["80:80"], "constraints": ["zone==external", "disk==ssd"]},
    {"constraints": ["zone==internal"]},
    {},
    {"env": ["constraint:disk==hdd"]},
    {"constraints": ["node!=node-1"], "cpus": 0.5, "memory": "32M"},
    {"constraints": ["zone==mars"]},
]


def test_swarm_place_agrees_with_check_mode(lab, ansible_env, tmp_path):
    prefix = new_prefix()
    requests = [dict(request, name="%s-%d" % (prefix, number), image="busybox:latest")
                for number, request in enumerate(REQUESTS)]
    path = tmp_path / "place.yml"
    path.write_text(PLAYBOOK)
    run = run_playbook(ansible_env, path, {"lab_nodes": lab_nodes(lab), "requests": requests})
    assert "Cluster" in run["tasks"] and not run["tasks"]["Cluster"].get("failed"), run
    assert len(run["tasks"]["Cluster"]["nodes"]) == len(lab["engines"])
    places = run["tasks"]["Places"]["results"]
    assert len(places) == len(requests)
    for request, place in zip(requests, places):
        predicted = adhoc(ansible_env, "swarm_container", task_args(lab, **request), check=True)
        if predicted["_rc"] == 0:
            assert not place.get("failed"), (request, place)
            assert place["msg"] == predicted["placement"]["candidates"], (request, place, predicted["placement"])
            assert place["msg"][0] == predicted["node"]["name"]
        else:
            assert place.get("failed"), (request, place)
            assert "Unable to find a node" in predicted["msg"] and "Unable to find a node" in place["msg"]
            assert "zone==mars" in place["msg"]
    assert places[0]["msg"] == ["node-2"]
    assert places[-1].get("failed")
