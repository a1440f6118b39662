# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Store credentials never show in verbose output: `ansible -vvv` and `ansible-inventory -vvv` against the lab.

Every option that can hold a password or token is no_log, whether it comes from the task or from
its environment variable: ``discovery_username`` in etcdctl's ``user:password`` form included.
Each run uses a fresh random secret and the whole output (stdout and stderr) is searched for it.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

from tests.integration.inventory_plugin.helpers import BIN, inventory_env, lab_tls, registered, run, write_source

pytestmark = pytest.mark.integration


def secret() -> str:
    return "SECRETX%s" % uuid.uuid4().hex[:12]


def lab_addresses(lab: dict) -> List[str]:
    return [engine["addr"] for engine in lab["engines"]]


def ansible_vvv(ansible_env: Dict[str, str], args: str, extra_env: Dict[str, str]):  # type: ignore[no-untyped-def]
    env = dict(ansible_env, ANSIBLE_NOCOLOR="1", **extra_env)
    return run([str(BIN / "ansible"), "localhost", "-vvv", "-m", "dockyard.swarm.swarm_info", "-a", args], env)


@pytest.mark.parametrize("via", ["option", "environment"])
def test_swarm_info_vvv_never_shows_the_zookeeper_credentials(lab, ansible_env, tmp_path, via):
    password = secret()
    with registered(lab, "zk", lab_addresses(lab), tmp_path) as url:
        args = "discovery=%s discovery_timeout=5" % url
        extra = {}
        if via == "option":
            args += " discovery_username=root:%s" % password
        else:
            extra["SWARM_DISCOVERY_USERNAME"] = "root:%s" % password
        proc = ansible_vvv(ansible_env, args, extra)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0 and '"healthy": 3' in output, output[-3000:]
    assert password not in output
    assert '"discovery_username": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in output  # it was passed, and hidden


def test_swarm_info_vvv_never_shows_an_etcd_password_or_a_consul_token(lab, ansible_env):
    password, token = secret(), secret()
    etcd = ansible_vvv(ansible_env, "discovery=etcd://%s/dysafety-none discovery_timeout=5 discovery_username=root "
                                    "discovery_password=%s" % (lab["etcd"], password), {})
    env_password = secret()
    etcd_env = ansible_vvv(ansible_env, "discovery=etcd://%s/dysafety-none discovery_timeout=5" % lab["etcd"],
                           {"SWARM_DISCOVERY_USERNAME": "root", "SWARM_DISCOVERY_PASSWORD": env_password})
    consul = ansible_vvv(ansible_env, "discovery=consul://%s/dysafety-none discovery_timeout=5" % lab["consul"],
                         {"SWARM_DISCOVERY_TOKEN": token})
    for proc, hidden in ((etcd, password), (etcd_env, env_password), (consul, token)):
        output = proc.stdout + proc.stderr
        assert "localhost |" in output, output[-3000:]  # the module ran (it fails: nothing is registered there)
        assert hidden not in output, output[-3000:]


@pytest.mark.parametrize("via", ["file", "environment"])
def test_ansible_inventory_vvv_never_shows_the_credentials(lab, ansible_env, tmp_path: Path, via):
    password = secret()
    env = inventory_env(ansible_env, ANSIBLE_INVENTORY_ENABLED="dockyard.swarm.swarm", ANSIBLE_NOCOLOR="1")
    with registered(lab, "zk", lab_addresses(lab), tmp_path) as url:
        config = dict(lab_tls(lab), discovery=url)
        if via == "file":
            config["discovery_username"] = "root:%s" % password
        else:
            env["SWARM_DISCOVERY_USERNAME"] = "root:%s" % password
        source = write_source(tmp_path, config)
        proc = run([str(BIN / "ansible-inventory"), "-vvv", "-i", str(source), "--list"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    listing = json.loads(proc.stdout[proc.stdout.index("\n{") + 1:])  # -vvv prints the version header first
    assert sorted(listing["healthy"]["hosts"]) == ["node-1", "node-2", "node-3"]
    assert password not in proc.stdout + proc.stderr
