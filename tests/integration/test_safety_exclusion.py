# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cluster-wide exclusion rule: whatever the discovery and whichever controller, no engine is double-booked.

Front ends that share no lock (Consul discovery, a node list, a file on a second controller with a lock
directory of its own) place 1-CPU containers on the same engines at the same time; exactly as many
succeed as there are free slots, on every repetition, and no engine ends above its capacity. A stale
snapshot (another front end filled the chosen node after we read it) makes our container step back and
go elsewhere instead of overbooking.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
import time
import urllib.request
from typing import Any, Dict, List

import pytest

from tests.integration.helpers import engine_client
from tests.integration.playbooks.swarm_support import (
    cleanup,
    finish_adhoc,
    lab_nodes,
    new_prefix,
    reserved_cpus,
    start_adhoc,
)

pytestmark = pytest.mark.integration

CAPACITY = 2  # CPUs of each lab engine; overcommit 0 keeps it at 2 one-CPU slots
REPETITIONS = 2
EXTRA_RUNS = 5  # runs beyond the free slots, which must all be refused


def _register(lab: Dict[str, Any], prefix: str) -> None:
    """The lab's engines under ``prefix`` in Consul, as swarm_node writes them (without an ansible run each)."""
    for addr in lab_nodes(lab):
        request = urllib.request.Request("http://%s/v1/kv/%s/docker/swarm/nodes/%s" % (lab["consul"], prefix, addr),
                                         data=addr.encode(), method="PUT")
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (the lab's loopback Consul)
            pass


def _consul_delete(lab: Dict[str, Any], prefix: str) -> None:
    request = urllib.request.Request("http://%s/v1/kv/%s?recurse=true" % (lab["consul"], prefix), method="DELETE")
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310 (the lab's loopback Consul)
        pass


def _fill(lab: Dict[str, Any], prefix: str, engine: str, count: int) -> None:
    """Reserve ``count`` CPUs on ``engine`` the way another front end would (created, never started)."""
    client = engine_client(lab, engine)
    try:
        for index in range(count):
            client.create_container("busybox:latest", command="sleep 1", name="%sfill-%s-%d" % (prefix, engine, index),
                                    labels={"com.dockyard.swarm.cpus": "1", "com.dockyard.swarm.memory": "0"})
    finally:
        client.close()


def _free_slots(lab: Dict[str, Any]) -> Dict[str, int]:
    return {name: max(0, math.floor(CAPACITY - used + 1e-9)) for name, used in reserved_cpus(lab).items()}


def _task(name: str, **source: Any) -> Dict[str, Any]:
    return dict(name=name, image="busybox:latest", command="sleep 3600", cpus=1, overcommit=0, state="present", **source)


def test_front_ends_without_a_shared_lock_never_overbook(lab, ansible_env):
    """Consul discovery, a node list and file discovery on a 'second controller' race for the same slots."""
    free = sum(_free_slots(lab).values())
    if free == 0:
        pytest.skip("other tests reserve every CPU of the lab: %s" % reserved_cpus(lab))
    for repetition in range(REPETITIONS):
        prefix = new_prefix()
        consul_prefix = prefix + "kv"
        second_controller = tempfile.mkdtemp(prefix="dyt-controller2-")
        os.chmod(second_controller, 0o700)
        discovery_file = os.path.join(second_controller, "cluster.conf")
        with open(discovery_file, "w", encoding="utf-8") as handle:
            handle.write("# the lab's engines\n" + "\n".join(lab_nodes(lab)) + "\n")
        try:
            url = "consul://%s/%s" % (lab["consul"], consul_prefix)
            _register(lab, consul_prefix)
            before = reserved_cpus(lab)
            slots = _free_slots(lab)
            free = sum(slots.values())
            runs = free + EXTRA_RUNS
            controller2 = dict(ansible_env, SWARM_LOCK_DIR=os.path.join(second_controller, "locks"), TMPDIR=second_controller)
            sources = [("consul", ansible_env, {"discovery": url}),
                       ("nodes", ansible_env, {"nodes": lab_nodes(lab)}),
                       ("file", controller2, {"discovery": "file://" + discovery_file})]
            procs = []
            for index in range(runs):
                kind, env, source = sources[index % len(sources)]
                procs.append((kind, start_adhoc(env, "swarm_container", _task("%s%s%d" % (prefix, kind, index), **source))))
            deadline = time.monotonic() + 600
            results = [(kind, finish_adhoc(proc, deadline)) for kind, proc in procs]
            placed = [(kind, result) for kind, result in results if result["_rc"] == 0]
            refused = [(kind, result) for kind, result in results if result["_rc"] != 0]
            after = reserved_cpus(lab)
            over = {name: used for name, used in after.items() if used > CAPACITY + 1e-9}
            assert not over, "repetition %d: engines above capacity: %s" % (repetition, after)
            assert len(placed) == free, "repetition %d: %d placed for %d free slots %s: %s" % (
                repetition, len(placed), free, slots, json.dumps([(k, r.get("msg"), r.get("actions")) for k, r in results])[:4000])
            assert all("no resources available to schedule container" in result["msg"] for unused, result in refused), refused
            assert sum(after.values()) - sum(before.values()) == pytest.approx(free)
            kinds = sorted({kind for kind, unused in placed})
            print("repetition %d: %d free slots, %d runs, placed by %s" % (repetition, free, runs, kinds))
        finally:
            cleanup(lab, prefix)
            _consul_delete(lab, consul_prefix)


def _module_params(lab: Dict[str, Any], **options: Any) -> Dict[str, Any]:
    params: Dict[str, Any] = {"nodes": lab_nodes(lab), "image": "busybox:latest", "command": "sleep 3600",
                              "state": "present", "overcommit": 0, "cpus": 1}
    params.update(options)
    return params


def _environ(lab: Dict[str, Any]) -> Dict[str, str]:
    return {"DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": lab["tls"]["cert_path"]}


def test_a_stale_snapshot_steps_back_instead_of_overbooking(lab, monkeypatch):
    """Between our snapshot and our create another front end takes the chosen node's last CPUs."""
    from ansible_collections.dockyard.swarm.plugins.module_utils._container import container_run
    from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import resolve_cluster
    from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import settings_from

    prefix = new_prefix()
    slots = _free_slots(lab)
    targets = [name for name, count in sorted(slots.items()) if count > 0]
    if len(targets) < 2:
        pytest.skip("needs free CPUs on two engines: %s" % slots)
    params = _module_params(lab, name=prefix + "web", constraints=["node==/^(%s|%s)$/" % tuple(targets[:2])],
                            strategy="binpack")
    real_read = container_run.read_nodes
    filled: List[str] = []

    def read_then_race(cluster: Any, cache: Any = None) -> List[Dict[str, Any]]:
        nodes = real_read(cluster, cache)
        # What binpack will choose from this snapshot, filled behind our back before we create.
        from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import schedule

        first = schedule(container_run.build_desired(params).request, nodes, strategy="binpack", overcommit=0)[0]
        name = next(node["name"] for node in nodes if node["id"] == first)
        _fill(lab, prefix, name, slots[name])
        filled.append(name)
        return nodes

    monkeypatch.setattr(container_run, "read_nodes", read_then_race)
    try:
        settings = settings_from(params)
        cluster = resolve_cluster(params, _environ(lab))
        result = container_run.converge_cluster(params, cluster, settings, container_run.desired_containers(params, settings),
                                                check_mode=False, with_diff=False)
        assert not result.get("failed"), result
        assert filled and result["node"]["name"] != filled[0], result
        assert result["actions"][0].startswith("create %sweb on %s" % (prefix, filled[0]))
        assert result["actions"][1].startswith("step back %sweb from %s" % (prefix, filled[0]))
        assert "no resources available to schedule container" in result["actions"][1]
        assert result["actions"][2].startswith("create %sweb on %s" % (prefix, result["node"]["name"]))
        after = reserved_cpus(lab)
        assert all(used <= CAPACITY + 1e-9 for used in after.values()), after
    finally:
        cleanup(lab, prefix)
