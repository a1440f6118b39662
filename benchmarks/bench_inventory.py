# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory benchmark: 100 simulated engines discovered from the lab's Consul, cold and cached.

The engines are benchmarks/fakedocker.py (a SIMULATION of the Docker API, plain HTTP on
127.0.0.1 ports, in its own process); their addresses are registered in the lab's Consul
(127.0.0.1:8500) under a fresh ``dyinv-bench-*`` prefix, removed at the end. Measured:

* end to end: ``ansible-inventory -i bench.swarm.yml --list`` with ``--flush-cache`` (cold:
  Consul + every engine) and without (cached, jsonfile cache), plus ansible-inventory on a
  static one-host inventory (the CLI's own start-up, the floor of any inventory);
* the plugin's own time: ``parse()`` in this process (imports already done), cold and cached,
  and its two parts: the Consul listing and the engine snapshot.

Goals (issue 6): cold under 2 s, cached under 0.3 s. Every loop is bounded in count and time;
traffic goes to 127.0.0.1 only. Prints a markdown table.

    python benchmarks/bench_inventory.py [--quick] [--engines 100] [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from typing import Any, Callable, Dict, List

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
COLLECTIONS = os.path.join(REPO, ".venv", "collections")
BIN = os.path.dirname(sys.executable)
sys.path.insert(0, COLLECTIONS)
sys.path.insert(0, HERE)

# Ansible's collection loader first, so that it (not a plain namespace import) loads ansible_collections.*
from ansible.plugins.loader import init_plugin_loader, inventory_loader  # noqa: E402

init_plugin_loader([COLLECTIONS])

from bench_scheduler import machine  # noqa: E402  (one definition of the machine line for all benchmarks)

CONSUL = "127.0.0.1:8500"
RUN_TIMEOUT = 120  # seconds per ansible-inventory run
FLEET_LIFETIME = 900  # the simulated engines stop by themselves after this many seconds
MAX_ENGINES = 500


def start_fleet(count: int, containers: int) -> subprocess.Popen:
    """fakedocker in its own process (so its event loop does not share the GIL with the code measured)."""
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fakedocker.py"), "--count", str(count),
                             "--containers", str(containers), "--lifetime", str(FLEET_LIFETIME)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line:
        proc.kill()
        raise SystemExit("fakedocker did not start")
    proc.addresses = json.loads(line)["addresses"]  # type: ignore[attr-defined]
    return proc


def consul_client() -> Any:
    import consul

    host, port = CONSUL.split(":")
    return consul.Consul(host=host, port=int(port), connections_timeout=10)


def register(prefix: str, addresses: List[str]) -> None:
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import node_key

    client = consul_client()
    for addr in addresses:
        client.kv.put(node_key(prefix, addr), addr)


def unregister(prefix: str) -> None:
    consul_client().kv.delete(prefix + "/", recurse=True)


def timed(action: Callable[[], Any], runs: int) -> List[float]:
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def cli_env() -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DOCKER_", "CONSUL_", "SWARM_"))}
    env.update({"ANSIBLE_COLLECTIONS_PATH": COLLECTIONS, "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
                "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"})
    return env


def ansible_inventory(source: str, *extra: str, expect_hosts: int = -1) -> Dict[str, Any]:
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", source, "--list", *extra], env=cli_env(),
                          capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False)
    if proc.returncode != 0:
        raise SystemExit("ansible-inventory failed:\n" + proc.stderr)
    listing = json.loads(proc.stdout)
    found = len(listing["_meta"]["hostvars"])
    if expect_hosts >= 0 and found != expect_hosts:
        raise SystemExit("expected %d hosts, ansible-inventory listed %d:\n%s" % (expect_hosts, found, proc.stderr))
    return listing


def static_copy(listing: Dict[str, Any]) -> Dict[str, Any]:
    """The same hosts, variables and groups as a static YAML inventory (for the `yaml` inventory plugin)."""
    children = {name: {"hosts": {host: None for host in data.get("hosts", [])}}
                for name, data in listing.items() if name not in ("_meta", "all", "ungrouped")}
    return {"all": {"hosts": listing["_meta"]["hostvars"], "children": children}}


class InProcess:
    """The plugin's parse() in this process, as ansible-inventory calls it."""

    def __init__(self, source: str) -> None:
        self.loader = inventory_loader
        self.source = source

    def parse(self, cache: bool, expect_hosts: int) -> None:
        from ansible.inventory.data import InventoryData
        from ansible.parsing.dataloader import DataLoader

        plugin = self.loader.get("dockyard.swarm.swarm")
        inventory = InventoryData()
        plugin.parse(inventory, DataLoader(), self.source, cache=cache)
        plugin.update_cache_if_changed()
        if len(inventory.hosts) != expect_hosts:
            raise SystemExit("expected %d hosts, parse() gave %d" % (expect_hosts, len(inventory.hosts)))


def parts(prefix: str, addresses: List[str]) -> Dict[str, float]:
    """One Consul listing and one snapshot, timed apart (the two network steps of a cold parse)."""
    from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import list_nodes
    from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connection_options, snapshot

    start = time.perf_counter()
    listed = list_nodes("consul://%s/%s" % (CONSUL, prefix), {}, environ={})
    listing = time.perf_counter() - start
    start = time.perf_counter()
    nodes = snapshot(listed, connection_options({"timeout": 10}, environ={}), info_only=True)  # as the plugin does
    took = time.perf_counter() - start
    healthy = sum(1 for node in nodes if node["status"] == "Healthy")
    if sorted(listed) != sorted(addresses) or healthy != len(addresses):
        raise SystemExit("listing/snapshot mismatch: %d listed, %d healthy" % (len(listed), healthy))
    return {"listing": listing, "snapshot": took}


def row(label: str, times: List[float], goal: str = "") -> str:
    return "| %s | %d | %.3f | %.3f | %.3f | %s |" % (label, len(times), statistics.median(times), min(times), max(times), goal)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", type=int, default=100)
    parser.add_argument("--containers", type=int, default=10, help="containers per simulated engine (2 without reservation labels)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement")
    parser.add_argument("--quick", action="store_true", help="3 runs per measurement")
    args = parser.parse_args()
    runs = 3 if args.quick else max(1, min(args.runs, 50))
    count = max(1, min(args.engines, MAX_ENGINES))
    import ansible.release

    load_start = os.getloadavg()
    prefix = "dyinv-bench-%s" % uuid.uuid4().hex[:10]
    fleet = start_fleet(count, args.containers)
    workdir = tempfile.mkdtemp(prefix="dyinv-bench-")
    try:
        register(prefix, fleet.addresses)  # type: ignore[attr-defined]
        source = os.path.join(workdir, "bench.swarm.yml")
        with open(source, "w", encoding="utf-8") as handle:
            json.dump({"plugin": "dockyard.swarm.swarm", "discovery": "consul://%s/%s" % (CONSUL, prefix), "tls": False,
                       "validate_certs": False, "timeout": 10, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
                       "cache_connection": os.path.join(workdir, "cache"), "cache_timeout": 3600}, handle)
        static = os.path.join(workdir, "static.yml")
        with open(static, "w", encoding="utf-8") as handle:
            handle.write("all:\n  hosts:\n    localhost:\n      ansible_connection: local\n")

        listing = ansible_inventory(source, "--flush-cache", expect_hosts=count)  # warms the OS file cache, fills the cache
        same = os.path.join(workdir, "same.yml")
        with open(same, "w", encoding="utf-8") as handle:
            json.dump(static_copy(listing), handle)  # JSON is YAML: the yaml inventory plugin reads it
        times: Dict[str, List[float]] = {"cold": [], "cached": [], "floor": [], "same": []}
        for _round in range(runs):  # interleaved, so that changing load on the machine hits all four alike
            times["cold"] += timed(lambda: ansible_inventory(source, "--flush-cache", expect_hosts=count), 1)
            times["cached"] += timed(lambda: ansible_inventory(source, expect_hosts=count), 1)
            times["floor"] += timed(lambda: ansible_inventory(static, expect_hosts=1), 1)
            times["same"] += timed(lambda: ansible_inventory(same, expect_hosts=count), 1)

        in_process = InProcess(source)
        first = timed(lambda: in_process.parse(False, count), 1)  # includes importing the docker SDK, py-consul
        plugin_cold = timed(lambda: in_process.parse(False, count), runs)
        plugin_cached = timed(lambda: in_process.parse(True, count), runs)
        split = [parts(prefix, fleet.addresses) for _run in range(runs)]  # type: ignore[attr-defined]
    finally:
        fleet.terminate()
        try:
            fleet.wait(timeout=15)
        except subprocess.TimeoutExpired:
            fleet.kill()
        unregister(prefix)
        shutil.rmtree(workdir, ignore_errors=True)

    print("machine: %s, ansible-core %s; load average (1/5/15 min) at start %s, at end %s (other work on the machine "
          "inflates every figure)" % (machine(), ansible.release.__version__, " ".join("%.1f" % value for value in load_start),
                                      " ".join("%.1f" % value for value in os.getloadavg())))
    print("command: python %s" % " ".join(["benchmarks/bench_inventory.py"] + sys.argv[1:]))
    print("engines: %d simulated (fakedocker, own process, plain HTTP on 127.0.0.1), %d containers each (2 without "
          "reservation labels: inspected); discovery: lab Consul %s, prefix %s (removed)" % (count, args.containers, CONSUL, prefix))
    print()
    print("| measurement | runs | median s | min s | max s | goal |")
    print("|---|---:|---:|---:|---:|---|")
    print(row("`ansible-inventory --list --flush-cache` (cold, end to end)", times["cold"], "< 2 s"))
    print(row("`ansible-inventory --list` (cache hit, end to end)", times["cached"], "< 0.3 s"))
    print(row("`ansible-inventory --list` of a static 1-host YAML file (CLI start-up floor)", times["floor"]))
    print(row("`ansible-inventory --list` of the same %d hosts, vars and groups as a static YAML file" % count, times["same"]))
    print(row("plugin `parse()`, first call in a process (imports docker SDK, py-consul)", first))
    print(row("plugin `parse()`, cold (Consul + %d engines)" % count, plugin_cold))
    print(row("plugin `parse()`, cache hit", plugin_cached))
    print(row("of which: Consul listing", [item["listing"] for item in split]))
    print(row("of which: engine snapshot, /info only (%d engines, parallel)" % count, [item["snapshot"] for item in split]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
