# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles say what the manager's code says: its defaults, its requirements, the packages it imports."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Set

import yaml
from packaging.requirements import Requirement

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.cli import build_parser
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import cluster_opts

REPO = Path(__file__).resolve().parents[3]
ROLES = REPO / "roles"
MODULE_UTILS = REPO / "plugins" / "module_utils"


def _yaml(path: Path) -> Dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _seconds(text: str) -> int:
    match = re.fullmatch(r"(\d+)s", text)
    assert match, text
    return int(match.group(1))


def test_manager_role_defaults_are_the_clis() -> None:
    defaults = _yaml(ROLES / "swarm_manager" / "defaults" / "main.yml")
    args = build_parser().parse_args(["manage", "nodes://10.0.0.1:2376"])
    overcommit, create_retry = cluster_opts([])
    assert defaults["swarm_manager_manage_strategy"] == args.strategy
    assert defaults["swarm_manager_manage_filters"] == args.filter == []
    assert defaults["swarm_manager_manage_refresh_min_interval"] == _seconds(args.engine_refresh_min_interval)
    assert defaults["swarm_manager_manage_refresh_max_interval"] == _seconds(args.engine_refresh_max_interval)
    assert defaults["swarm_manager_manage_failure_retry"] == args.engine_failure_retry
    assert defaults["swarm_manager_manage_heartbeat"] == _seconds(args.heartbeat)
    assert defaults["swarm_manager_manage_overcommit"] == overcommit
    assert defaults["swarm_manager_manage_create_retry"] == create_retry
    assert defaults["swarm_manager_manage_log_level"] == "info"


def test_argument_specs_state_the_defaults() -> None:
    """Every literal default of the roles' defaults/main.yml is the one their argument specs document."""
    checked = 0
    for role in sorted(path for path in ROLES.iterdir() if (path / "meta" / "argument_specs.yml").exists()):
        defaults = _yaml(role / "defaults" / "main.yml")
        options = _yaml(role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]
        for name, spec in options.items():
            value = defaults.get(name)
            if "default" not in spec or (isinstance(value, str) and "{{" in value):
                continue
            assert name in defaults, "%s: %s is documented but has no default" % (role.name, name)
            assert spec["default"] == value, "%s: %s documented %r, default %r" % (role.name, name, spec["default"], value)
            checked += 1
    assert checked > 100


def test_swarm_packages_are_the_requirements() -> None:
    swarm = [Requirement(text) for text in _yaml(ROLES / "docker_host" / "vars" / "main.yml")["docker_host__swarm_packages"]]
    lines = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    required = {req.name: req for req in (Requirement(line) for line in lines if line.strip() and not line.startswith("#"))}
    assert sorted(req.name for req in swarm) == ["aiohttp", "google-re2"]
    for req in swarm:
        assert req.specifier == required[req.name].specifier, req.name


def test_both_roles_know_the_same_store_libraries() -> None:
    docker_host = _yaml(ROLES / "docker_host" / "vars" / "main.yml")["docker_host__store_packages"]
    swarm_manager = _yaml(ROLES / "swarm_manager" / "vars" / "main.yml")["swarm_manager__store_packages"]
    assert docker_host == swarm_manager
    assert set(docker_host) == {"consul", "etcd", "zk"}


def _imported_packages(package: str) -> Set[str]:
    pattern = re.compile(r"plugins\.module_utils\.(_[a-z_]+)")
    found: Set[str] = set()
    for path in (MODULE_UTILS / package).rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_swarm_command_copies_every_package_the_manager_imports() -> None:
    copied = set(_yaml(ROLES / "docker_host" / "vars" / "main.yml")["docker_host__swarm_module_utils"])
    needed = {"_manager"}
    todo = ["_manager"]
    while todo:
        for package in _imported_packages(todo.pop()) - needed:
            needed.add(package)
            todo.append(package)
    assert needed <= copied, "missing: %s" % sorted(needed - copied)
    assert {"_discovery", "_engine", "_scheduler", "_manager"} <= needed
