# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""registrator_services on a Registrator-layout KV tree in the lab's Consul, through a real ansible-playbook run.

The tree is written under a unique prefix (next to a sibling prefix that only shares a string
prefix, and with a deeper key) and removed in ``finally``.
"""
from __future__ import annotations

import json
import subprocess
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import Service, kv_pairs

pytestmark = pytest.mark.integration


def consul(lab, method: str, path: str, body: "bytes | None" = None):
    url = "http://%s/v1/kv/%s" % (lab["consul"], urllib.parse.quote(path, safe="/:?&="))
    request = urllib.request.Request(url, data=body, method=method)
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (the lab's Consul on loopback)
        return answer.read()


PLAYBOOK = """\
- name: Read Registrator's services from Consul
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Fetch the prefix
      ansible.builtin.uri:
        url: "http://{{ consul_addr }}/v1/kv/{{ kv_prefix }}/?recurse"
        return_content: true
      register: kv
    - name: Services
      ansible.builtin.debug:
        msg: "{{ kv.json | dockyard.swarm.registrator_services(kv_prefix) }}"
    - name: Strict services
      ansible.builtin.debug:
        msg: "{{ kv.json | dockyard.swarm.registrator_services(kv_prefix, strict=true) }}"
"""


def test_registrator_services_from_lab_consul(lab, ansible_env, tmp_path):
    root = "dyt%s" % uuid.uuid4().hex[:8]
    prefix = root + "/services"
    services = [
        Service("node-1:web.0:80", "web", 32768, "10.231.1.2", [], {}, "80", "tcp"),
        Service("node-2:web.1:80", "web", 32769, "10.231.2.2", [], {}, "80", "tcp"),
        Service("node-2:dns:53:udp", "dns", 53, "fd00::2", ["udp"], {}, "53", "udp"),
        Service("node-3:evil:80", "evil; } server { listen 81; }", 80, "10.231.3.2", [], {}, "80", "tcp"),
    ]
    pairs = kv_pairs(services, prefix) + [
        (root + "/services2/web/node-9:web:80", "10.231.9.9:80"),   # shares only a string prefix
        (prefix + "/web/node-1:web.0:80/extra", "10.231.8.8:80"),  # deeper than <service>/<id>
    ]
    try:
        for key, value in pairs:
            assert consul(lab, "PUT", key, value.encode()).strip() == b"true"
        playbook = tmp_path / "services.yml"
        playbook.write_text(PLAYBOOK)
        env = dict(ansible_env, ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
        command = [str(Path(ansible_env["PATH"].split(":")[0]) / "ansible-playbook"), str(playbook),
                   "-e", json.dumps({"consul_addr": lab["consul"], "kv_prefix": prefix})]
        proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        document = json.loads(proc.stdout[proc.stdout.find("{"):])
        results = {task["task"]["name"]: task["hosts"]["localhost"] for task in document["plays"][0]["tasks"]}
        assert results["Services"]["msg"] == {
            "dns": ["[fd00::2]:53"],
            "evil; } server { listen 81; }": ["10.231.3.2:80"],
            "web": ["10.231.1.2:32768", "10.231.2.2:32769"],
        }
        assert results["Strict services"]["msg"] == {"dns": ["[fd00::2]:53"],
                                                     "web": ["10.231.1.2:32768", "10.231.2.2:32769"]}
    finally:
        consul(lab, "DELETE", root + "?recurse")
    assert json.loads(consul(lab, "GET", "?keys&separator=/") or b"[]").count(root + "/") == 0
