#!/usr/bin/python
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_container_info
short_description: List containers across the cluster (docker ps with node names), inspect one, read its logs
version_added: 0.1.0
description:
  - Lists the containers of every engine of the cluster, each with the engine it runs on, the way classic Docker
    Swarm's C(docker ps) showed C(node-1/web).
  - With O(name), also finds that container wherever it runs and returns its inspect data, and with O(logs) the end
    of its output.
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
  name:
    description:
      - A container to find - its name, C(<node>/<name>), its id or 12-character short id, its Swarm id, or a unique id
        prefix (classic Swarm's order).
    type: str
  all:
    description:
      - List stopped containers too (C(docker ps -a)); by default only running ones are listed.
    type: bool
    default: false
  label:
    description:
      - Only list containers with these labels, as C(key) or C(key=value); all must match.
    type: list
    elements: str
  logs:
    description:
      - Return the output (stdout and stderr) of the container O(name).
    type: bool
    default: false
  tail:
    description:
      - How many lines of output to return from the end; V(-1) for all.
    type: int
    default: 100
  timestamps:
    description:
      - Prefix each line of output with its timestamp.
    type: bool
    default: false
seealso:
  - module: dockyard.swarm.swarm_container
  - module: dockyard.swarm.swarm_info
author:
  - dockyard.swarm contributors (@dockyard-swarm)
"""

EXAMPLES = r"""
- name: Every running container of the cluster, with its engine
  dockyard.swarm.swarm_container_info:
    discovery: consul://127.0.0.1:8500/swarm
    validate_certs: true
  register: ps

- name: Where does each one run?
  ansible.builtin.debug:
    msg: "{{ ps.containers | map(attribute='names') | list }}"

- name: The edge web server, wherever it runs, with its last 20 lines of output
  dockyard.swarm.swarm_container_info:
    name: edge_webserver
    logs: true
    tail: 20
    discovery: consul://127.0.0.1:8500/swarm
    validate_certs: true
  register: edge

- name: Show them
  ansible.builtin.debug:
    msg: "{{ edge.node.name }}: {{ edge.logs }}"
  when: edge.exists
"""

RETURN = r"""
containers:
  description: The containers of the cluster, sorted by engine (natural order) and name.
  returned: success
  type: list
  elements: dict
  contains:
    names:
      description: C(<node>/<name>), as classic Swarm named them.
      type: str
      sample: node-2/edge_webserver
    node:
      description: Name of the engine.
      type: str
      sample: node-2
    node_addr:
      description: Address of the engine.
      type: str
      sample: 10.231.2.2:2376
    node_id:
      description: Id of the engine.
      type: str
    id:
      description: Container id.
      type: str
    name:
      description: Container name.
      type: str
      sample: edge_webserver
    image:
      description: Image as the container was created from.
      type: str
      sample: busybox:latest
    image_id:
      description: Image id.
      type: str
    state:
      description: C(running), C(exited), C(created), C(paused), ...
      type: str
    labels:
      description: Container labels.
      type: dict
    ports:
      description: Published ports (C(host_ip), C(host_port), C(container_port), C(protocol)).
      type: list
      elements: dict
    cpus:
      description: CPUs the container reserves.
      type: float
    memory:
      description: Memory in bytes the container reserves.
      type: int
    network_mode:
      description: Network mode.
      type: str
exists:
  description: Whether the container O(name) exists.
  returned: when O(name) is given
  type: bool
node:
  description: The engine the container O(name) is on (C(name), C(addr), C(id)); empty when it does not exist.
  returned: when O(name) is given
  type: dict
  sample: {"name": "node-2", "addr": "10.231.2.2:2376", "id": "3GQU:..."}
container:
  description: Inspect data of the container O(name); empty when it does not exist.
  returned: when O(name) is given
  type: dict
logs:
  description: The last O(tail) lines of output of the container O(name).
  returned: when O(logs=true) and the container exists
  type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockyard.swarm.plugins.module_utils._container.argspecs import swarm_container_info_args
from ansible_collections.dockyard.swarm.plugins.module_utils._container.container_listing import run_swarm_container_info


def main() -> None:
    run_swarm_container_info(AnsibleModule(**swarm_container_info_args()))


if __name__ == "__main__":
    main()
