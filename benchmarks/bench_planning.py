# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container's planning cost for N replicas placed from one snapshot (no engine is contacted).

What the module does under the placement lock before any create: validate the N containers, find
each name in the cluster, rank the nodes, add the new container to the picture as pending, so the
next replica sees it. That must grow linearly with N. The synthetic cluster has 50 nodes x 30
containers (half of them zone=external); the replicas carry a zone constraint and a soft
anti-affinity, like a real spread service.

With ``--before REV`` the collection at git revision REV is measured in the same run, in a
subprocess of its own, side by side (ratios before/after).

    python benchmarks/bench_planning.py [--quick] [--before REV]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
NODES = 50
CONTAINERS_PER_NODE = 30
COUNTS = [100, 1000, 5000]
QUICK_COUNTS = [100, 1000]

# Run in a subprocess with the collection to measure first on sys.path.
WORKER = r'''
import json, sys, time
from ansible_collections.dockyard.swarm.plugins.module_utils._container import container_run
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired, settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.plan import Planner

IMAGE_ID = "sha256:" + "1" * 64


class Engines:
    """Nothing exists yet, every image is present: planning never needs an engine."""

    def inspect(self, node, container_id):
        return None

    def image_id(self, node, image):
        return IMAGE_ID

    def pull(self, node, image):
        return IMAGE_ID


def cluster(nodes, per_node):
    result = []
    for n in range(nodes):
        containers = []
        for c in range(per_node):
            containers.append({"id": "%064x" % (n * 1000 + c + 1), "name": "n%d-c%d" % (n, c), "image": "busybox:latest",
                               "image_id": IMAGE_ID, "state": "running", "labels": {"app": "svc%d" % (c % 7)},
                               "cpus": 0.1, "memory": 64 << 20, "network_mode": "bridge",
                               "ports": [{"host_ip": "", "host_port": 8000 + c, "container_port": "80", "protocol": "tcp"}],
                               "exposed_ports": ["80/tcp"], "volumes_from": [], "links": []})
        result.append({"id": "node-%03d" % n, "name": "node-%d" % n, "addr": "10.0.%d.2:2376" % n,
                       "labels": {"zone": "external" if n % 2 else "internal", "disk": "ssd"}, "cpus": 64,
                       "memory": 256 << 30, "health": 100, "containers": containers,
                       "images": [{"id": IMAGE_ID, "tags": ["busybox:latest"]}], "status": "Healthy", "error": None,
                       "docker_host": "tcp://10.0.%d.2:2376" % n})
    return result


def run(count, nodes, per_node):
    params = {"name": "web", "image": "busybox:latest", "replicas": count, "state": "present", "cpus": 0.01,
              "constraints": ["zone==external"], "affinities": ["container!=~web-*"], "pull": "missing"}
    snapshot = cluster(nodes, per_node)
    started = time.perf_counter()
    settings = settings_from(params)
    name = params["name"]
    desireds = [build_desired(params, "%s-%d" % (name, i), replica_of=name) for i in range(1, count + 1)]
    validated = time.perf_counter()
    plans = container_run.plan_task(params, desireds, Planner(settings, Engines(), True), snapshot)
    finished = time.perf_counter()
    assert len(plans) == count and all(plan.create for plan in plans)
    spread = {}
    for plan in plans:
        spread[plan.node["name"]] = spread.get(plan.node["name"], 0) + 1
    return {"count": count, "validate_s": validated - started, "plan_s": finished - validated,
            "nodes_used": len(spread), "max_per_node": max(spread.values())}


counts = json.loads(sys.argv[1])
print(json.dumps([run(count, int(sys.argv[2]), int(sys.argv[3])) for count in counts]))
'''


def collection_at(revision: str) -> str:
    """A temporary tree ansible_collections/dockyard/swarm holding the repository at ``revision``."""
    target = tempfile.mkdtemp(prefix="plan-before-")
    dest = os.path.join(target, "ansible_collections", "dockyard", "swarm")
    os.makedirs(dest)
    archive = subprocess.run(["git", "-C", REPO, "archive", revision, "plugins"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return target


def measure(collections: str, counts: List[int]) -> List[Dict[str, Any]]:
    env = dict(os.environ, PYTHONPATH=collections)
    proc = subprocess.run([sys.executable, "-c", WORKER, json.dumps(counts), str(NODES), str(CONTAINERS_PER_NODE)],
                          env=env, capture_output=True, text=True, check=False, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit("benchmark worker failed:\n" + proc.stderr[-3000:])
    return json.loads(proc.stdout)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 replicas only")
    parser.add_argument("--before", metavar="REV", help="also measure the collection at this git revision")
    args = parser.parse_args(argv)
    counts = QUICK_COUNTS if args.quick else COUNTS
    print("# swarm_container planning: %d nodes x %d containers, %s, Python %s, %d CPUs, load %s, %s" % (
        NODES, CONTAINERS_PER_NODE, platform.processor() or platform.machine(), platform.python_version(),
        os.cpu_count() or 0, "%.2f" % os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    after = measure(os.path.join(REPO, ".venv", "collections"), counts)
    before = measure(collection_at(args.before), counts) if args.before else None
    head = "| replicas | validate s | plan s | ms per replica | nodes used |"
    rule = "|---:|---:|---:|---:|---:|"
    if before:
        head += " before: plan s | before ms per replica | before / after |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    for index, row in enumerate(after):
        per_replica = row["plan_s"] * 1000.0 / row["count"]
        values = (row["count"], row["validate_s"], row["plan_s"], per_replica, row["nodes_used"])
        line = "| %d | %.2f | %.3f | %.3f | %d |" % values
        if before:
            old = before[index]
            ratio = old["plan_s"] / max(row["plan_s"], 1e-9)
            line += " %.3f | %.3f | %.1fx |" % (old["plan_s"], old["plan_s"] * 1000.0 / old["count"], ratio)
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
