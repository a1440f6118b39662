# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the roles install runs: the manager's and the heartbeat's units are rendered with ansible-playbook
from the roles' own defaults, vars and templates, and their command lines must pass the manager's own
parser and validation with the values the variables asked for; the `swarm` command runs the CLI."""
from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import join as join_agent
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.cli import build_parser
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import Listener, manage_config

REPO = Path(__file__).resolve().parents[3]
ROLES = REPO / "roles"
COLLECTIONS = REPO / ".venv" / "collections"

pytestmark = pytest.mark.slow

# A second manager unit with every flag variable set otherwise than its default.
CUSTOM = {
    "swarm_manager_manage_port": 3376,
    "swarm_manager_manage_listen_address": "10.0.0.2",
    "swarm_manager_manage_extra_hosts": ["unix:///run/dockyard-swarm-manager/swarm.sock"],
    "swarm_manager_manage_tls_verify": False,
    "swarm_manager_manage_strategy": "random",
    "swarm_manager_manage_filters": ["health", "constraint"],
    "swarm_manager_manage_overcommit": 0.5,
    "swarm_manager_manage_create_retry": 2,
    "swarm_manager_manage_heartbeat": 5,
    "swarm_manager_manage_refresh_min_interval": 10,
    "swarm_manager_manage_refresh_max_interval": 20,
    "swarm_manager_manage_failure_retry": 5,
    "swarm_manager_manage_log_level": "debug",
    "swarm_manager_manage_discovery_url": "etcd://10.0.0.7:2379,10.0.0.8:2379/cluster",
}


def _render(tmp_path: Path) -> Path:
    """Render the roles' templates on localhost with their defaults and vars (as the roles would)."""
    tls = tmp_path / "tls"
    tls.mkdir()
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tls / name).write_text("placeholder\n")
    # a discovery TLS trio for the custom unit (the manager checks only that the files exist)
    store_tls = [str(tls / name) for name in ("ca.pem", "cert.pem", "key.pem")]
    custom = dict(CUSTOM, swarm_manager_manage_discovery_ca_cert=store_tls[0],
                  swarm_manager_manage_discovery_client_cert=store_tls[1],
                  swarm_manager_manage_discovery_client_key=store_tls[2])
    out = tmp_path / "out"
    out.mkdir()
    templates = [
        (ROLES / "swarm_manager" / "templates" / "dockyard-swarm-manager.service.j2", out / "manager.service", {}),
        (ROLES / "swarm_manager" / "templates" / "dockyard-swarm-manager.service.j2", out / "custom.service", custom),
        (ROLES / "docker_host" / "templates" / "dockyard-swarm-join.service.j2", out / "join.service", {}),
        (ROLES / "docker_host" / "templates" / "swarm.py.j2", out / "swarm", {}),
    ]
    play = [{
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars_files": [str(ROLES / role / kind / "main.yml") for role in ("docker_host", "swarm_manager")
                       for kind in ("defaults", "vars")],
        "tasks": [{"name": "Render %s" % dest.name, "ansible.builtin.template": {"src": str(src), "dest": str(dest)},
                   "vars": task_vars} for src, dest, task_vars in templates],
    }]
    playbook = tmp_path / "render.yml"
    playbook.write_text(json.dumps(play))
    extra = {
        "swarm_manager_consul_bind_address": "10.0.0.2",
        "swarm_manager_manage_tls_dir": str(tls),
        "docker_host_advertise_address": "10.0.0.5",
        "docker_host_discovery_url": "consul://10.0.0.2:8500/swarm",
        "docker_host_join_heartbeat": 5,
        "docker_host_join_ttl": 20,
        "docker_host_agent_dir": str(tmp_path / "agent"),
        "swarm_manager_swarm_command": "/usr/local/bin/swarm",
        "ansible_python_interpreter": sys.executable,
    }
    result = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", str(playbook),
                             "-e", json.dumps(extra)], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def _exec_start(unit: Path) -> List[str]:
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    return shlex.split(line[len("ExecStart="):])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _render(tmp_path_factory.mktemp("roles"))


def test_the_default_manager_unit_is_the_seeds_command_line(rendered: Path) -> None:
    argv = _exec_start(rendered / "manager.service")
    assert argv[:2] == ["/usr/local/bin/swarm", "manage"]
    assert "--tlsverify" in argv and argv[argv.index("-H") + 1] == "tcp://0.0.0.0:2376"
    config = manage_config(build_parser().parse_args(argv[1:]), {})
    assert config.listeners == [Listener("tcp", host="0.0.0.0", port=2376)]
    assert config.discovery == "consul://10.0.0.2:8500/swarm"
    assert config.tls_verify and config.tls_ca.endswith("/ca.pem") and config.tls_cert.endswith("/cert.pem")
    assert (config.strategy, config.filters, config.overcommit, config.create_retry) == ("spread", None, 0.05, 0)
    assert (config.refresh_min, config.refresh_max, config.failure_retry, config.heartbeat) == (30, 60, 3, 60)
    assert config.discovery_params == {}
    text = (rendered / "manager.service").read_text(encoding="utf-8")
    assert "EnvironmentFile=-/etc/dockyard-swarm/manager.env" in text and "After=network-online.target consul.service" in text


def test_every_flag_variable_reaches_the_manager(rendered: Path) -> None:
    argv = _exec_start(rendered / "custom.service")
    args = build_parser().parse_args(argv[1:])
    config = manage_config(args, {})
    assert config.listeners == [Listener("tcp", host="10.0.0.2", port=3376),
                                Listener("unix", path="/run/dockyard-swarm-manager/swarm.sock")]
    assert config.tls and not config.tls_verify
    assert config.discovery.startswith("etcd://10.0.0.7:2379,10.0.0.8:2379/cluster")
    assert (config.strategy, config.filters, config.overcommit, config.create_retry) == ("random", ["health", "constraint"], 0.5, 2)
    assert (config.refresh_min, config.refresh_max, config.failure_retry, config.heartbeat) == (10, 20, 5, 5)
    assert args.log_level == "debug"
    assert set(config.discovery_params) >= {"discovery_ca_cert", "discovery_client_cert", "discovery_client_key"}


def test_the_heartbeat_runs_swarm_join(rendered: Path) -> None:
    argv = _exec_start(rendered / "join.service")
    assert argv[:2] == ["/usr/local/bin/swarm", "join"]
    args = build_parser().parse_args(argv[1:])
    assert join_agent.discovery_of(args, {}) == "consul://10.0.0.2:8500/swarm"
    assert args.advertise == "10.0.0.5:2376"
    assert (args.heartbeat, args.ttl, args.delay, args.discovery_opt) == ("5s", "20s", "0s", [])
    assert "BindsTo=docker.service" in (rendered / "join.service").read_text(encoding="utf-8")


def _run_swarm(rendered: Path, *args: str) -> subprocess.CompletedProcess:
    env: Dict[str, str] = {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, str(rendered / "swarm")] + list(args), capture_output=True, text=True,
                          env=env, cwd=str(rendered), timeout=60, check=False)


def test_the_swarm_command_runs_the_cli_from_the_agents_lib(rendered: Path) -> None:
    lib = rendered.parent / "agent" / "lib"
    lib.mkdir(parents=True)
    (lib / "ansible_collections").symlink_to(COLLECTIONS / "ansible_collections")
    # a package beside the command must not shadow the collection's
    shadow = rendered / "ansible_collections"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('shadowed')\n")
    listed = _run_swarm(rendered, "list", "nodes://10.0.0.[1:3]:2376")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines() == ["10.0.0.1:2376", "10.0.0.2:2376", "10.0.0.3:2376"]
    created = _run_swarm(rendered, "create")
    assert created.returncode == 1 and "swarm create" in created.stderr
    assert not list(lib.rglob("__pycache__"))
    first_line = (rendered / "swarm").read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "#!%s/venv/bin/python" % (rendered.parent / "agent")
