#!/usr/bin/python
# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: swarm_node
short_description: Register a Docker engine in the cluster's discovery store, or remove it
version_added: 0.1.0
description:
  - Writes or deletes the key C(<prefix>/docker/swarm/nodes/<ip:port>) = C(<ip:port>) in Consul, etcd or ZooKeeper,
    the layout classic Docker Swarm's C(swarm join) used; the other modules and the inventory plugin then find the
    engine there.
  - With O(ttl=0) the registration lasts until it is removed. With a O(ttl), the engine is registered the way the join
    heartbeat does it (a Consul session with C(behavior=delete), an etcd lease), so it drops out O(ttl) seconds after
    the last run unless the heartbeat (the C(docker_host) role's join agent) or a later run renews it.
  - C(file://) and C(nodes://) sources are static lists; the module fails and says to edit the list instead.
extends_documentation_fragment:
  - dockyard.swarm.connection
  - dockyard.swarm.discovery
  - dockyard.swarm.attributes
  - dockyard.swarm.attributes.actiongroup_swarm
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  idempotent:
    support: full
    details:
      - With a O(ttl) every run renews the registration, but reports a change only when the engine was not registered.
options:
  addr:
    description:
      - The engine address to register, as C(host:port) (C(tcp://host:port) is accepted), the address the engine's
        TLS certificate is valid for.
    type: str
    required: true
    aliases: [advertise]
  state:
    description:
      - V(present) registers the engine, V(absent) removes it.
    type: str
    default: present
    choices: [present, absent]
  ttl:
    description:
      - V(0) registers without expiry. Otherwise the registration expires this many seconds after the last renewal
        (Consul sessions take 10 seconds or more; not possible with C(zk://), whose ephemeral nodes end with the
        module's own session).
    type: int
    default: 0
  check_engine:
    description:
      - Before registering, check that the engine answers at O(addr) with the connection and TLS options (the same
        ones every module uses for all engines), and fail with the reason if it does not.
      - Off by default, like classic C(swarm join), so engines can be registered before they start.
    type: bool
    default: false
seealso:
  - module: dockyard.swarm.swarm_info
author:
  - dockyard.swarm contributors (@dockyard-swarm)
"""

EXAMPLES = r"""
- name: Put the three engines into the cluster
  dockyard.swarm.swarm_node:
    addr: "{{ item }}"
    discovery: consul://127.0.0.1:8500/swarm
  loop:
    - 10.231.1.2:2376
    - 10.231.2.2:2376
    - 10.231.3.2:2376

- name: Take node-3 out for maintenance (new containers no longer go there)
  dockyard.swarm.swarm_node:
    addr: 10.231.3.2:2376
    state: absent
    discovery: consul://127.0.0.1:8500/swarm

- name: A registration that lapses 3 minutes after the last run (run it every minute)
  dockyard.swarm.swarm_node:
    addr: "{{ ansible_default_ipv4.address }}:2376"
    ttl: 180
    discovery: etcd://10.0.0.5:2379/swarm
"""

RETURN = r"""
addr:
  description: The address in its canonical C(host:port) form.
  returned: success
  type: str
  sample: 10.231.3.2:2376
registered:
  description: Whether the engine is registered after the run.
  returned: success
  type: bool
discovery:
  description: The discovery store used.
  returned: success
  type: str
  sample: consul://127.0.0.1:8500/swarm
ttl:
  description: The TTL of the registration (0 for none).
  returned: success
  type: int
nodes:
  description: Every engine registered in the store after the run (in check mode, as it would be).
  returned: success
  type: list
  elements: str
  sample: [10.231.1.2:2376, 10.231.2.2:2376]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dockyard.swarm.plugins.module_utils._container.argspecs import swarm_node_args
from ansible_collections.dockyard.swarm.plugins.module_utils._container.node_registration import run_swarm_node


def main() -> None:
    run_swarm_node(AnsibleModule(**swarm_node_args()))


if __name__ == "__main__":
    main()
