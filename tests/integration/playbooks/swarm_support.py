# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the test_swarm_* integration tests: run real `ansible`/`ansible-playbook`, read results, clean up.

Every run uses the json stdout callback, so a test reads the module's real result. Every
container a test creates carries its random name prefix and is removed by ``cleanup`` through
the engines directly (not through the code under test), whatever happened.
"""
from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

from tests.integration.helpers import engine_client

PLAYBOOKS = Path(__file__).resolve().parent
ANSIBLE_TIMEOUT = 300


def new_prefix() -> str:
    """A random name prefix for one test's containers (dyt = dockyard test)."""
    return "dyt%s" % uuid.uuid4().hex[:8]


def prefix_fixture(lab: Dict[str, Any]) -> Iterator[str]:
    """A random prefix whose containers are removed afterwards; a module makes it its fixture with
    ``prefix = pytest.fixture()(prefix_fixture)``."""
    value = new_prefix()
    yield value
    cleanup(lab, value)


def lab_nodes(lab: Dict[str, Any]) -> List[str]:
    return [engine["addr"] for engine in lab["engines"]]


def node_names(lab: Dict[str, Any]) -> Dict[str, str]:
    """engine address -> engine name."""
    return {engine["addr"]: engine["name"] for engine in lab["engines"]}


def _json_env(ansible_env: Dict[str, str]) -> Dict[str, str]:
    env = dict(ansible_env)
    env.update({"ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1", "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0", "ANSIBLE_LOCALHOST_WARNING": "0"})
    return env


def _results(stdout: str) -> List[Dict[str, Any]]:
    start = stdout.find("{")
    if start < 0:
        raise AssertionError("no JSON in ansible output:\n%s" % stdout[-3000:])
    document = json.loads(stdout[start:])
    return [task["hosts"]["localhost"] for play in document["plays"] for task in play["tasks"]
            if "localhost" in task["hosts"]]


def adhoc(ansible_env: Dict[str, str], module: str, args: Dict[str, Any], check: bool = False, diff: bool = False,
          timeout: float = ANSIBLE_TIMEOUT) -> Dict[str, Any]:
    """`ansible localhost -m dockyard.swarm.<module> -a '<json>'`; the module result (plus ``_rc``, ``_seconds``)."""
    command = [str(Path(ansible_env["PATH"].split(":")[0]) / "ansible"), "localhost", "-m", "dockyard.swarm." + module,
               "-a", json.dumps(args)]
    command += ["--check"] if check else []
    command += ["--diff"] if diff else []
    started = time.monotonic()
    proc = subprocess.run(command, env=_json_env(ansible_env), capture_output=True, text=True, timeout=timeout, check=False)
    results = _results(proc.stdout)
    result = dict(results[0]) if results else {}
    result.update(_rc=proc.returncode, _seconds=time.monotonic() - started, _stderr=proc.stderr[-2000:])
    return result


def start_adhoc(ansible_env: Dict[str, str], module: str, args: Dict[str, Any]) -> subprocess.Popen:
    """The same as ``adhoc`` but started in the background (for the parallel test)."""
    command = [str(Path(ansible_env["PATH"].split(":")[0]) / "ansible"), "localhost", "-m", "dockyard.swarm." + module,
               "-a", json.dumps(args)]
    return subprocess.Popen(command, env=_json_env(ansible_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_adhoc(proc: subprocess.Popen, deadline: float) -> Dict[str, Any]:
    """Wait for a background run until ``deadline`` (time.monotonic()); kill it when late."""
    try:
        stdout, stderr = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate(timeout=30)
    results = _results(stdout) if "{" in stdout else []
    result = dict(results[0]) if results else {}
    result.update(_rc=proc.returncode, _stderr=stderr[-2000:])
    return result


def playbook(ansible_env: Dict[str, str], name: str, extra_vars: Dict[str, Any], check: bool = False,
             diff: bool = False) -> Dict[str, Any]:
    """Run tests/integration/playbooks/<name>; ``tasks`` (module results by task name), ``rc``, ``stats``."""
    command = [str(Path(ansible_env["PATH"].split(":")[0]) / "ansible-playbook"), str(PLAYBOOKS / name),
               "-e", json.dumps(extra_vars)]
    command += ["--check"] if check else []
    command += ["--diff"] if diff else []
    proc = subprocess.run(command, env=_json_env(ansible_env), capture_output=True, text=True, timeout=ANSIBLE_TIMEOUT,
                          check=False)
    start = proc.stdout.find("{")
    document = json.loads(proc.stdout[start:]) if start >= 0 else {"plays": [], "stats": {}}
    tasks = {}
    for play in document["plays"]:
        for task in play["tasks"]:
            if "localhost" in task["hosts"]:
                tasks[task["task"]["name"]] = task["hosts"]["localhost"]
    return {"rc": proc.returncode, "tasks": tasks, "stats": document.get("stats", {}), "stderr": proc.stderr[-3000:],
            "stdout": proc.stdout[-3000:] if start < 0 else ""}


def containers(lab: Dict[str, Any], prefix: str) -> Dict[str, List[Dict[str, Any]]]:
    """Engine name -> its containers (docker ps -a entries) whose name starts with ``prefix``, read directly."""
    found: Dict[str, List[Dict[str, Any]]] = {}
    for engine in lab["engines"]:
        try:
            client = engine_client(lab, engine["name"])
        except Exception:  # an engine a test stopped
            continue
        try:
            found[engine["name"]] = [c for c in client.containers(all=True)
                                     if any(n.lstrip("/").startswith(prefix) for n in c.get("Names") or [])]
        except Exception:
            continue
        finally:
            client.close()
    return found


def where(lab: Dict[str, Any], name: str) -> List[str]:
    """Names of the engines holding a container called exactly ``name``."""
    return sorted(engine for engine, items in containers(lab, name).items()
                  if any("/" + name in (c.get("Names") or []) for c in items))


def cleanup(lab: Dict[str, Any], prefix: str) -> None:
    """Remove every container whose name starts with ``prefix`` from every reachable engine."""
    for engine, items in containers(lab, prefix).items():
        client = engine_client(lab, engine, timeout=30)
        try:
            for item in items:
                try:
                    client.remove_container(item["Id"], force=True)
                except Exception:  # already gone
                    pass
        finally:
            client.close()


def reserved_cpus(lab: Dict[str, Any]) -> Dict[str, float]:
    """Engine name -> CPUs reserved by all its containers, read from the engines (labels or NanoCpus)."""
    found = {}
    for engine in lab["engines"]:
        client = engine_client(lab, engine["name"])
        try:
            total = 0.0
            for item in client.containers(all=True):
                labels = item.get("Labels") or {}
                if "com.dockyard.swarm.cpus" in labels:
                    total += float(labels["com.dockyard.swarm.cpus"])
                else:
                    total += (client.inspect_container(item["Id"])["HostConfig"].get("NanoCpus") or 0) / 1e9
            found[engine["name"]] = total
        finally:
            client.close()
    return found


def wait_healthy(lab: Dict[str, Any], name: str, seconds: float = 60) -> bool:
    """Poll an engine until it answers (bounded)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            client = engine_client(lab, name, timeout=5)
            try:
                client.ping()
                return True
            finally:
                client.close()
        except Exception:
            time.sleep(0.5)
    return False


def task_args(lab: Dict[str, Any], **kwargs: Any) -> Dict[str, Any]:
    """Module arguments with the lab's node list (connection settings come from ansible_env)."""
    args: Dict[str, Any] = {"nodes": lab_nodes(lab)}
    args.update({key: value for key, value in kwargs.items() if value is not None})
    return args
