#!/usr/bin/python
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_info
short_description: Show the cluster the way classic Docker Swarm's C(docker info) did
version_added: 0.1.0
description:
  - Reads every engine of the cluster in parallel and returns them as classic standalone Docker Swarm's
    C(docker info) showed them - status (Healthy or Unhealthy, with the error), containers (running, paused,
    stopped), reserved and total CPUs and memory, labels, server version - plus the strategy and filters.
  - The C(nodes) entries are the node snapshots the scheduler works on, so they can be fed to the placement filters.
  - An engine that cannot be read within O(timeout) is listed as Unhealthy with its error; the others are still read.
  - When no engine answers, the module still succeeds (the cluster was read); it warns, and RV(msg) says that nothing can
    be placed and gives the first errors.
extends_documentation_fragment:
  - dockyard.swarm.connection
  - dockyard.swarm.discovery
  - dockyard.swarm.attributes
  - dockyard.swarm.attributes.actiongroup_swarm
  - dockyard.swarm.attributes.info_module
attributes:
  idempotent:
    support: full
options:
  strategy:
    description:
      - The strategy to show (what O(dockyard.swarm.swarm_container#module:strategy) would use); it is not
        stored anywhere, the cluster has no manager.
    type: str
    default: spread
  filters:
    description:
      - The filter chain to show; the default is the classic chain.
    type: list
    elements: str
  overcommit:
    description:
      - The overcommit fraction the totals include, as classic Swarm's C(docker info) did (C(swarm.overcommit)).
    type: float
    default: 0.05
seealso:
  - module: dockyard.swarm.swarm_container
  - module: dockyard.swarm.swarm_container_info
author:
  - dockyard.swarm contributors (@dockyard-swarm)
"""

EXAMPLES = r"""
- name: Read the cluster
  dockyard.swarm.swarm_info:
    discovery: consul://127.0.0.1:8500/swarm
    validate_certs: true
  register: cluster

- name: Print it like docker info against a classic Swarm manager
  ansible.builtin.debug:
    msg: "{{ cluster.system_status }}"

- name: Stop when an engine is down
  ansible.builtin.assert:
    that: cluster.totals.healthy == cluster.totals.nodes
    fail_msg: "{{ cluster.nodes | selectattr('status', 'ne', 'Healthy') | map(attribute='error') | list }}"
"""

RETURN = r"""
msg:
  description:
    - The engines' health in one line - all healthy, how many are (with the first errors), or that none answered and
      why.
  returned: success
  type: str
  sample: "None of the 3 engines of nodes://10.231.1.2:2376,... answered; nothing can be placed on this cluster now. First errors: ..."
discovery:
  description: Where the engines were listed from.
  returned: success
  type: str
  sample: consul://127.0.0.1:8500/swarm
strategy:
  description: The strategy shown.
  returned: success
  type: str
  sample: spread
filters:
  description: The filter chain shown.
  returned: success
  type: list
  elements: str
  sample: [health, port, containerslots, dependency, affinity, constraint, whitelist]
overcommit:
  description: The overcommit fraction the totals include.
  returned: success
  type: float
  sample: 0.05
nodes:
  description:
    - One entry per engine, in natural order of names - the node snapshot the scheduler reads (C(id), C(name), C(addr),
      C(labels), C(cpus), C(memory), C(health), C(containers), C(images)) plus the C(docker info) facts.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: Engine id (from C(docker info)).
      type: str
    name:
      description: Engine name.
      type: str
      sample: node-1
    addr:
      description: Address as discovery lists it.
      type: str
      sample: 10.231.1.2:2376
    docker_host:
      description: The engine as a C(docker_host) URL.
      type: str
      sample: tcp://10.231.1.2:2376
    status:
      description: V(Healthy) or V(Unhealthy).
      type: str
    error:
      description: Why the engine could not be read (null when healthy).
      type: str
    health:
      description: 100 when healthy, 0 when not.
      type: int
    labels:
      description: Engine labels, with the built-in C(storagedriver), C(kernelversion), C(operatingsystem), C(ostype).
      type: dict
      sample: {"disk": "ssd", "zone": "external", "ostype": "linux"}
    cpus:
      description: CPUs of the engine.
      type: int
    memory:
      description: Memory of the engine in bytes.
      type: int
    total_cpus:
      description: CPUs that may be reserved (with overcommit).
      type: int
    reserved_cpus:
      description: CPUs reserved by the engine's containers (running or not).
      type: float
    total_memory:
      description: Memory in bytes that may be reserved (with overcommit).
      type: int
    reserved_memory:
      description: Memory in bytes reserved by the engine's containers.
      type: int
    container_counts:
      description: Containers by state - C(total), C(running), C(paused), C(stopped).
      type: dict
    containers:
      description: The engine's containers (C(id), C(name), C(image), C(image_id), C(state), C(labels), C(cpus),
        C(memory), C(network_mode), C(ports), C(exposed_ports), C(volumes_from), C(links)).
      type: list
      elements: dict
    images:
      description: The engine's images (C(id), C(tags)).
      type: list
      elements: dict
    server_version:
      description: Docker version of the engine.
      type: str
      sample: 20.10.24
    updated_at:
      description: When this run read the cluster (UTC).
      type: str
totals:
  description: Sums over all engines - C(nodes), C(healthy), C(containers), C(running), C(paused), C(stopped), C(images),
    C(ncpu) and C(mem_total) (both with overcommit, as classic's C(NCPU) and C(MemTotal)).
  returned: success
  type: dict
  sample: {"nodes": 3, "healthy": 3, "containers": 2, "running": 2, "paused": 0, "stopped": 0, "ncpu": 6}
system_status:
  description: The classic C(docker info) lines (strategy, filters, then each node with its C(└) details).
  returned: success
  type: list
  elements: str
  sample: ["Strategy: spread", "Filters: health, port, containerslots, dependency, affinity, constraint, whitelist",
           "Nodes: 3", " node-1: 10.231.1.2:2376", "  └ Status: Healthy"]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockyard.swarm.plugins.module_utils._container.argspecs import swarm_info_args
from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster_info import run_swarm_info


def main() -> None:
    run_swarm_info(AnsibleModule(**swarm_info_args()))


if __name__ == "__main__":
    main()
