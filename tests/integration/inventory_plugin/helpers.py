# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the inventory integration tests: registrations under a unique prefix, source files, runs."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

import yaml

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
REGISTRATION_TTL = 300  # seconds; every test deregisters explicitly long before that
RUN_TIMEOUT = 180


def unique_prefix(kind: str) -> str:
    return "dyinv-test-%s-%s" % (kind, uuid.uuid4().hex[:10])


def store_url(lab: Dict[str, Any], kind: str, prefix: str) -> str:
    endpoint = {"consul": lab["consul"], "etcd": lab["etcd"], "zk": lab["zookeeper"]}[kind]
    return "%s://%s/%s" % (kind, endpoint, prefix)


def _remove_zk_tree(lab: Dict[str, Any], prefix: str) -> None:
    """The ephemeral znodes go with their sessions; their persistent parent folders are removed here."""
    from kazoo.client import KazooClient

    client = KazooClient(hosts=lab["zookeeper"], timeout=10)
    client.start(timeout=10)
    try:
        client.delete("/" + prefix, recursive=True)
    except Exception:  # NoNodeError: nothing left
        pass
    finally:
        client.stop()
        client.close()


@contextlib.contextmanager
def registered(lab: Dict[str, Any], kind: str, addresses: Sequence[str], tmp_path: Path) -> Iterator[str]:
    """Register ``addresses`` in the lab's store (or a cluster file) under a fresh prefix; yield the discovery URL.

    Store registrations use the discovery layer's own register() (what the hosts' join heartbeat
    uses); on exit they are deregistered and the store is checked to be empty under the prefix.
    """
    if kind == "file":
        path = tmp_path / ("cluster-%s.conf" % uuid.uuid4().hex[:8])
        path.write_text("# inventory integration test\n" + "\n".join(addresses) + "\n")
        try:
            yield "file://%s" % path
        finally:
            path.unlink()
        return
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import open_backend

    url = store_url(lab, kind, unique_prefix(kind))
    registrations = []
    backend = open_backend(url, {"discovery_timeout": 10}, environ={})
    try:
        for addr in addresses:
            registrations.append(backend.register(addr, REGISTRATION_TTL))
        yield url
    finally:
        for registration in registrations:
            registration.close(deregister=True)
        backend.close()
        with open_backend(url, {"discovery_timeout": 10}, environ={}) as check:
            left = check.list_nodes()
        if kind == "zk":
            _remove_zk_tree(lab, url.rsplit("/", 1)[1])
        assert left == [], "registrations left in %s: %s" % (url, left)


def write_source(directory: Path, config: Dict[str, Any], name: str = "lab.swarm.yml") -> Path:
    """An inventory source file for the plugin."""
    path = directory / name
    path.write_text(yaml.safe_dump(dict({"plugin": "dockyard.swarm.swarm"}, **config), sort_keys=False))
    return path


def lab_tls(lab: Dict[str, Any]) -> Dict[str, Any]:
    """The plugin options for the lab engines' TLS (verified, client certificate)."""
    tls = lab["tls"]
    return {"validate_certs": True, "ca_path": tls["ca_path"], "client_cert": tls["client_cert"], "client_key": tls["client_key"],
            "timeout": 20, "discovery_timeout": 5}


def inventory_env(ansible_env: Dict[str, str], **extra: str) -> Dict[str, str]:
    """ansible_env plus: a source that fails to parse fails the command (as AWX runs it)."""
    env = dict(ansible_env)
    env["ANSIBLE_INVENTORY_UNPARSED_FAILED"] = "true"
    env.update(extra)
    return env


def run(command: List[str], env: Dict[str, str], cwd: Optional[Path] = None, prefix: Sequence[str] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(list(prefix) + command, env=env, cwd=cwd, capture_output=True, text=True, timeout=RUN_TIMEOUT,
                          check=False)


def inventory_list(source: Path, env: Dict[str, str], *args: str, prefix: Sequence[str] = ()) -> Dict[str, Any]:
    """``ansible-inventory -i source --list`` as JSON; fails the test with stderr if the command fails."""
    proc = run([str(BIN / "ansible-inventory"), "-i", str(source), "--list", *args], env, prefix=prefix)
    assert proc.returncode == 0, "ansible-inventory failed (%d):\n%s\n%s" % (proc.returncode, proc.stdout, proc.stderr)
    return json.loads(proc.stdout)


def inventory_graph(source: Path, env: Dict[str, str]) -> str:
    proc = run([str(BIN / "ansible-inventory"), "-i", str(source), "--graph"], env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def group(listing: Dict[str, Any], name: str) -> List[str]:
    """Hosts directly in group ``name`` of an ``--list`` document (sorted)."""
    return sorted(listing.get(name, {}).get("hosts", []))


def hosts(listing: Dict[str, Any]) -> List[str]:
    return sorted(listing["_meta"]["hostvars"])


def playbook(name: str) -> str:
    return str(HERE / name)


def files_in(directory: Path) -> List[str]:
    return sorted(os.listdir(directory))
