# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End-to-end benchmark against the lab: swarm_container vs community.docker.docker_container.

1. One container, ad hoc: `ansible localhost -m dockyard.swarm.swarm_container` (3 engines: discovery
   from a node list, parallel snapshot, placement lock, placement, create, start) against
   `ansible localhost -m community.docker.docker_container` creating the same container on one
   engine. Runs alternate, each measured as the wall time of the whole `ansible` process; the
   container is removed (untimed, directly through the engine) after each run. Goal: <= 1.3x.
2. Fifty containers: one `swarm_container` task with `replicas: 50` against an `ansible-playbook`
   task looping `community.docker.docker_container` over 50 items (spread round-robin over the
   three engines, the same result). Goal: < 1x.

Prints the machine and a markdown table with medians and ratios.

    .venv/bin/python benchmarks/bench_swarm_container.py [--quick] [--rounds N]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Dict, List, Sequence

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, REPO)
VENV_BIN = os.path.join(REPO, ".venv", "bin")

from tests.integration.helpers import engine_client  # noqa: E402

IMAGE = "busybox:latest"
COMMAND = "sleep 3600"
TIMEOUT = 900


def lab_env() -> Dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "tests.lab", "env", "--json"], cwd=REPO, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(proc.stdout)


def ansible_env(lab: Dict[str, Any]) -> Dict[str, str]:
    env = dict(os.environ)
    # community.docker's requests session honours REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE over ca_path (tests/lab/README.md); unset it for
    # both tools, swarm_container ignores it anyway.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        env.pop(name, None)
    env.update({"ANSIBLE_COLLECTIONS_PATH": os.path.join(REPO, ".venv", "collections"),
                "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"), "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": lab["tls"]["cert_path"], "PATH": VENV_BIN + ":" + env.get("PATH", ""),
                "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0"})
    return env


CPU: Dict[str, List[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], env: Dict[str, str], label: str = "") -> float:
    """Wall time of the command; its CPU time (the ansible processes, not the engines) goes to CPU[label]."""
    cpu = _children_cpu()
    started = time.monotonic()
    proc = subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    elapsed = time.monotonic() - started
    CPU.setdefault(label, []).append(_children_cpu() - cpu)
    if proc.returncode != 0:
        raise SystemExit("command failed (%d): %s\n%s\n%s"
                         % (proc.returncode, " ".join(command), proc.stdout[-2000:], proc.stderr[-2000:]))
    return elapsed


def remove_prefixed(lab: Dict[str, Any], prefix: str) -> int:
    removed = 0
    for engine in lab["engines"]:
        client = engine_client(lab, engine["name"], timeout=60)
        try:
            for item in client.containers(all=True):
                if any(name.lstrip("/").startswith(prefix) for name in item.get("Names") or []):
                    client.remove_container(item["Id"], force=True)
                    removed += 1
        finally:
            client.close()
    return removed


def swarm_adhoc(lab: Dict[str, Any], args: Dict[str, Any]) -> List[str]:
    full = dict(args, nodes=[engine["addr"] for engine in lab["engines"]])
    return [os.path.join(VENV_BIN, "ansible"), "localhost", "-m", "dockyard.swarm.swarm_container", "-a", json.dumps(full)]


def docker_adhoc(lab: Dict[str, Any], args: Dict[str, Any]) -> List[str]:
    full = dict(args, docker_host=lab["engines"][0]["docker_host"], validate_certs=True)
    return [os.path.join(VENV_BIN, "ansible"), "localhost", "-m", "community.docker.docker_container", "-a", json.dumps(full)]


LOOP_PLAYBOOK = """---
- name: 50 containers with community.docker.docker_container
  hosts: localhost
  gather_facts: false
  tasks:
    - name: One container per item, round-robin over the engines
      community.docker.docker_container:
        name: "{{ bench_prefix }}-{{ item }}"
        image: %(image)s
        command: %(command)s
        docker_host: "{{ bench_engines[item %% (bench_engines | length)] }}"
        validate_certs: true
      loop: "{{ range(1, bench_count + 1) | list }}"
"""


def single(lab: Dict[str, Any], env: Dict[str, str], rounds: int) -> Dict[str, List[float]]:
    times: Dict[str, List[float]] = {"swarm_container": [], "docker_container": []}
    for round_no in range(rounds):
        order = ("swarm_container", "docker_container") if round_no % 2 == 0 else ("docker_container", "swarm_container")
        for tool in order:
            prefix = "bench%s" % uuid.uuid4().hex[:6]
            args = {"name": prefix + "one", "image": IMAGE, "command": COMMAND}
            command = swarm_adhoc(lab, args) if tool == "swarm_container" else docker_adhoc(lab, args)
            try:
                times[tool].append(timed(command, env, tool))
            finally:
                remove_prefixed(lab, prefix)
    return times


def fifty(lab: Dict[str, Any], env: Dict[str, str], rounds: int, count: int) -> Dict[str, List[float]]:
    times: Dict[str, List[float]] = {"swarm_container replicas": [], "docker_container loop": []}
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        handle.write(LOOP_PLAYBOOK % {"image": IMAGE, "command": COMMAND})
        playbook_path = handle.name
    engines = [engine["docker_host"] for engine in lab["engines"]]
    try:
        for round_no in range(rounds):
            order = list(times) if round_no % 2 == 0 else list(reversed(list(times)))
            for tool in order:
                prefix = "bench%s" % uuid.uuid4().hex[:6]
                if tool == "swarm_container replicas":
                    command = swarm_adhoc(lab, {"name": prefix, "image": IMAGE, "command": COMMAND, "replicas": count})
                else:
                    extra = json.dumps({"bench_prefix": prefix, "bench_engines": engines, "bench_count": count})
                    command = [os.path.join(VENV_BIN, "ansible-playbook"), playbook_path, "-e", extra]
                try:
                    times[tool].append(timed(command, env, tool))
                finally:
                    removed = remove_prefixed(lab, prefix)
                    if removed != count:
                        raise SystemExit("%s made %d containers, expected %d" % (tool, removed, count))
    finally:
        os.unlink(playbook_path)
    return times


def machine() -> Dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = subprocess.run([os.path.join(VENV_BIN, "python"), "-c",
                               "import ansible.release as a, docker; print(a.__version__, docker.__version__)"],
                              capture_output=True, text=True, check=True).stdout.split()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(), "ansible-core": versions[0],
            "docker SDK": versions[1], "load before": "%.2f" % os.getloadavg()[0]}


def row(label: str, mine: List[float], theirs: List[float], goal: str) -> str:
    ratio = statistics.median(mine) / statistics.median(theirs)
    return "| %s | %.2f s (%s) | %.2f s (%s) | %.2fx | %s |" % (
        label, statistics.median(mine), ", ".join("%.2f" % t for t in mine), statistics.median(theirs),
        ", ".join("%.2f" % t for t in theirs), ratio, goal)


def cpu_row(label: str, mine: str, theirs: str) -> str:
    return "| %s, CPU time of the ansible processes | %.2f s | %.2f s | %.2fx | |" % (
        label, statistics.median(CPU[mine]), statistics.median(CPU[theirs]),
        statistics.median(CPU[mine]) / statistics.median(CPU[theirs]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 single rounds, 1 round of 50")
    parser.add_argument("--rounds", type=int, default=None, help="rounds of the single-container comparison (default 7)")
    parser.add_argument("--count", type=int, default=50, help="containers in the second comparison")
    parser.add_argument("--fifty-rounds", type=int, default=None, help="rounds of the second comparison (default 3)")
    options = parser.parse_args()
    rounds = options.rounds or (3 if options.quick else 7)
    fifty_rounds = options.fifty_rounds or (1 if options.quick else 3)
    lab = lab_env()
    env = ansible_env(lab)
    info = machine()
    one = single(lab, env, rounds)
    many = fifty(lab, env, fifty_rounds, options.count)
    print("machine: " + ", ".join("%s %s" % item for item in info.items()))
    print("command: %s %s" % (os.path.relpath(sys.executable, REPO), " ".join(sys.argv)))
    print()
    print("| comparison | dockyard.swarm | community.docker | ratio | goal |")
    print("|---|---|---|---|---|")
    print(row("one container, ad hoc (`ansible -m`)", one["swarm_container"], one["docker_container"], "<= 1.3x"))
    print(cpu_row("one container", "swarm_container", "docker_container"))
    print(row("%d containers: `replicas: %d` vs a %d-item loop" % (options.count, options.count, options.count),
              many["swarm_container replicas"], many["docker_container loop"], "< 1x"))
    print(cpu_row("%d containers" % options.count, "swarm_container replicas", "docker_container loop"))
    print("\nload average after: %.2f" % os.getloadavg()[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
