# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: swarm_place
short_description: Dry-run the scheduler on a swarm_info snapshot
version_added: 0.1.0
author: dockyard.swarm contributors
description:
  - Ranks the nodes of a cluster snapshot returned by M(dockyard.swarm.swarm_info) for a new container, with the same
    scheduler, options and request building as M(dockyard.swarm.swarm_container); nothing is contacted or created.
  - The request takes M(dockyard.swarm.swarm_container)'s options (C(name), C(image), C(env), C(labels), C(ports) such
    as C(80:80), C(constraints), C(affinities), C(whitelists), C(cpus), C(memory), C(network_mode), C(volumes_from),
    C(links); C(strategy), C(filters), C(overcommit)). Expressions in C(env) entries (C(constraint:zone==external)) and in
    the C(com.docker.swarm.*) labels count, as in classic Swarm.
  - Unlike the module, it does not look for an existing container of that name to keep where it is - it answers where
    a new one would go.
  - When no node fits, the task fails with the scheduler's explanation (which filter and expression removed which
    nodes).
positional: request
options:
  _input:
    description: The registered result of M(dockyard.swarm.swarm_info) (a mapping with C(nodes)), or its C(nodes) list.
    type: raw
    required: true
  request:
    description: The container, as M(dockyard.swarm.swarm_container) options.
    type: dict
    required: true
  strategy:
    description: V(spread), V(binpack) or V(random); overrides C(request.strategy). Default V(spread).
    type: str
  filters:
    description: The filter chain; overrides C(request.filters). Default the classic chain.
    type: list
    elements: str
  overcommit:
    description: Overcommit fraction; overrides C(request.overcommit). Default V(0.05).
    type: float
  seed:
    description: Seed for the V(random) strategy.
    type: raw
  key:
    description: What to return for each node.
    type: str
    choices: [name, id, addr]
    default: name
seealso:
  - module: dockyard.swarm.swarm_info
  - module: dockyard.swarm.swarm_container
"""

EXAMPLES = r"""
- name: Read the cluster
  dockyard.swarm.swarm_info:
    discovery: consul://127.0.0.1:8500/swarm
  register: cluster

- name: Where would the edge web server go?
  ansible.builtin.debug:
    msg: >-
      {{ cluster | dockyard.swarm.swarm_place({'name': 'edge_webserver', 'image': 'nginx:1.25', 'ports': ['80:80'],
         'constraints': ['zone==external', 'disk==ssd']}) | first }}

- name: All candidates, best first, by engine address, with binpack
  ansible.builtin.debug:
    msg: "{{ cluster.nodes | dockyard.swarm.swarm_place({'name': 'app_1', 'image': 'busybox'}, strategy='binpack', key='addr') }}"
"""

RETURN = r"""
_value:
  description: Every node that can take the container, best first (names, ids or addresses, as O(key) says).
  type: list
  elements: str
  sample: ["node-2", "node-1"]
"""

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired, settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

KEYS = ("name", "id", "addr")
DRY_RUN_NAME = "swarm-place-dry-run"


def _nodes(snapshot):
    if isinstance(snapshot, Mapping):
        if "nodes" not in snapshot:
            raise AnsibleFilterError("swarm_place: the input must be a swarm_info result (with nodes) or its nodes list")
        snapshot = snapshot["nodes"]
    if not isinstance(snapshot, (list, tuple)) or not all(isinstance(node, Mapping) for node in snapshot):
        raise AnsibleFilterError("swarm_place: nodes must be a list of node mappings as swarm_info returns them")
    return [dict(node) for node in snapshot]


def swarm_place(snapshot, request, strategy=None, filters=None, overcommit=None, seed=None, key="name"):
    """Ranked nodes for a new container."""
    if key not in KEYS:
        raise AnsibleFilterError("swarm_place: key must be one of %s, got %r" % (", ".join(KEYS), key))
    if not isinstance(request, Mapping):
        raise AnsibleFilterError("swarm_place: the request must be a mapping of swarm_container options")
    nodes = _nodes(snapshot)
    params = dict(request)
    for option, value in (("strategy", strategy), ("filters", filters), ("overcommit", overcommit)):
        if value is not None:
            params[option] = value
    try:
        settings = settings_from(params)
        desired = build_desired(params, name=params.get("name") or DRY_RUN_NAME)
        ids = schedule(desired.request, nodes, strategy=settings.strategy, filters=settings.filters,
                       overcommit=settings.overcommit, seed=seed)
    except (ContainerOptionError, SchedulingError) as exc:
        raise AnsibleFilterError("swarm_place: %s" % exc) from None
    by_id = {node.get("id"): node for node in nodes}
    return [str(by_id[node_id].get(key)) if node_id in by_id else node_id for node_id in ids]


class FilterModule:
    """dockyard.swarm.swarm_place"""

    def filters(self):
        return {"swarm_place": swarm_place}
