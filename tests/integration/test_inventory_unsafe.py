# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A daemon label containing {{ }} reaches hostvars as literal text, through the real code path.

The lab engines' labels are fixed when their daemons start, so the engine here is the project's
loopback Docker API simulation (benchmarks/fakedocker.py, plain HTTP on 127.0.0.1): everything
from the HTTP answer of ``GET /info`` through the docker SDK, the engine snapshot, the plugin,
ansible-inventory and ansible-playbook is the real thing; only the engine is simulated.
"""
from __future__ import annotations

import json
import sys

import pytest

from tests.integration.inventory_plugin.helpers import BIN, HERE, inventory_env, inventory_list, playbook, run, write_source

pytestmark = pytest.mark.integration

EVIL = "EVALU{{ '' }}ATED"


@pytest.fixture
def brace_engine(tmp_path):
    sys.path.insert(0, str(HERE.parents[2] / "benchmarks"))
    try:
        fakedocker = pytest.importorskip("fakedocker", reason="benchmarks/fakedocker.py (the engine simulation) is missing")
    finally:
        sys.path.pop(0)
    marker = tmp_path / "templated"
    fleet = fakedocker.FakeDockerFleet(count=1, containers=0, lifetime=120)
    fleet.engines[0]["info"]["Labels"] += ["evil=" + EVIL, "pipe={{ lookup('pipe', 'touch %s') }}" % marker, "zone=ok"]
    with fleet:
        yield fleet.addresses[0], marker


def test_brace_label_is_never_templated(ansible_env, tmp_path, brace_engine):
    addr, marker = brace_engine
    env = inventory_env(ansible_env)
    source = write_source(tmp_path, {"nodes": [addr], "tls": False, "validate_certs": False, "timeout": 10})
    listing = inventory_list(source, env)
    (name,) = listing["_meta"]["hostvars"]
    labels = listing["_meta"]["hostvars"][name]["swarm_labels"]
    assert unwrap(labels["evil"]) == EVIL
    assert labels["zone"] == "ok", "a label without braces must stay an ordinary string"
    assert listing["_meta"]["hostvars"][name]["ansible_host"] == "127.0.0.1"
    assert group_of(listing, "label_zone_ok") == [name]

    out = tmp_path / "out"
    out.mkdir()
    proc = run([str(BIN / "ansible-playbook"), "-i", str(source), playbook("record_labels.yml"), "-e", "out_dir=%s" % out,
                "-e", "ansible_python_interpreter=%s" % (BIN / "python")], env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    recorded = json.loads((out / ("%s.json" % name)).read_text())
    assert recorded["evil"] == EVIL
    assert recorded["pipe"] == "{{ lookup('pipe', 'touch %s') }}" % marker
    assert not marker.exists(), "a label was templated"


def unwrap(value):
    """ansible-core 2.19+ prints untrusted (unsafe) strings as {"__ansible_unsafe": ...}; older ones as plain text."""
    return value["__ansible_unsafe"] if isinstance(value, dict) else value


def group_of(listing, name):
    return sorted(listing.get(name, {}).get("hosts", []))
