# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab as a session fixture: started if it is not up, stopped at the end only if we started it."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".venv" / "collections"


def _lab(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.lab", *args], cwd=REPO, capture_output=True, text=True,
                          check=check, timeout=300)


@pytest.fixture(scope="session")
def lab() -> Any:
    """The lab's `env --json` document (engines, stores, TLS files)."""
    import json

    started = False
    if _lab("status", check=False).returncode != 0:
        proc = _lab("up", check=False)
        if proc.returncode != 0:
            pytest.fail(f"the lab did not come up:\n{proc.stdout}\n{proc.stderr}")
        started = True
    env = json.loads(_lab("env", "--json").stdout)
    yield env
    if started and os.environ.get("DOCKYARD_KEEP_LAB") != "1":
        _lab("down", check=False)


@pytest.fixture(scope="session")
def lab_control():
    """Stop/start single engines for failure tests: lab_control('stop-engine', 'node-2')."""
    def control(command: str, name: str) -> None:
        _lab(command, name)

    return control


@pytest.fixture(scope="session")
def ansible_env(lab) -> dict[str, str]:
    """Environment for ansible / ansible-playbook / ansible-inventory runs against the lab."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "DOCKER_TLS_VERIFY": "1",
        "DOCKER_CERT_PATH": lab["tls"]["cert_path"],
        "DOCKER_HOST": lab["engines"][0]["docker_host"],
        "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}",
    })
    if lab.get("consul"):
        env["CONSUL_HTTP_ADDR"] = lab["consul"]
    return env


# ----------------------------------------------------------------------------------------- scheduling
# `make test` runs the integration tests in two phases (scripts/test.sh): the modules below change what
# every other test sees, so they run alone, after the rest (`-m exclusive`); the rest run side by side
# in a few workers (`-m "not exclusive" -n N --dist loadgroup`), one module per worker at a time.
EXCLUSIVE = {
    "test_engine_snapshot": "stops node-3",
    "test_registrator_agent": "stops and starts node-3",
    "test_safety_engine_errors": "stops node-3",
    "test_swarm_failures": "stops node-3",
    "test_safety_exclusion": "needs exactly the free CPUs it counted",
    "test_swarm_concurrency": "needs exactly the free CPUs it counted",
    "test_swarm_discovery": "needs exactly the free CPUs of node-3",
    "test_swarm_container": "counts reserved CPUs; publishes port 80 on node-2",
    "test_manager_shared_cluster": "needs most of node-1's memory",
    "test_demo": "restarts the lab's stack (router, manager) and publishes port 80 on node-2",
    "test_lab_manager": "restarts and stops the lab's manager",
}
# Modules that use one shared object run in the same worker, one after the other.
SHARED = {
    "test_lab_registry": "private-image",  # they pull and remove the registry's private image on every engine
    "test_manager_objects": "private-image",
    "test_manager_clients": "private-image",
}


def pytest_itemcollected(item: Any) -> None:
    """Marks made as each test is collected, before any collection_modifyitems hook (xdist reads the groups there)."""
    module = item.module.__name__.rsplit(".", 1)[-1]
    if module in EXCLUSIVE:
        item.add_marker(pytest.mark.exclusive)
    item.add_marker(pytest.mark.xdist_group(SHARED.get(module, module)))


@pytest.hookimpl(trylast=True)  # after xdist has rewritten the node ids of grouped tests
def pytest_collection_modifyitems(config: Any, items: Any) -> None:
    """Fail loudly when --dist loadgroup does not group (a pytest/xdist mismatch once made it silently spread a
    group's modules over workers, and tests sharing the registry image raced)."""
    if not (hasattr(config, "workerinput") and getattr(config.option, "loadgroup", False)):  # an xdist worker, loadgroup
        return
    ungrouped = [item.nodeid for item in items if "@" not in item.nodeid]
    if ungrouped:
        raise pytest.UsageError("--dist loadgroup did not group %d tests (e.g. %s): this pytest-xdist does not read "
                                "the xdist_group marks under this pytest" % (len(ungrouped), ungrouped[0]))
