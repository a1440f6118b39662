# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
name: registrator_services
short_description: Read Registrator's Consul KV layout into services and their backends
version_added: 0.1.0
author: dockyard.swarm contributors
description:
  - Turns the keys C(<prefix>/<service>/<service id>) = C(ip:port) that gliderlabs/registrator's C(consulkv://)
    backend (and the collection's registrator agent) writes into a mapping of each service to its list of backends.
  - The prefix is matched as a path (C(services/web) does not match C(services/web2/...)); keys deeper than
    C(<service>/<id>) and keys without a value are ignored.
  - Services are sorted by name, and each service's backends are sorted and unique, so a template renders the same
    text for the same data.
positional: prefix
options:
  _input:
    description:
      - The KV items - a list of mappings with C(Key) and C(Value) as the Consul HTTP API returns them for
        C(/v1/kv/<prefix>/?recurse) (C(Value) base64-encoded), as C(ansible.builtin.uri) gives them in C(json), or
        with plain values; or a mapping key -> value.
      - Values that contain a C(:) are taken as they are (base64 never contains one), others are base64-decoded.
    type: raw
    required: true
  prefix:
    description: The KV prefix Registrator writes under (C(consulkv://host:8500/<prefix>)); leading and trailing C(/) do not matter.
    type: str
    default: services
  strict:
    description:
      - Drop service names and backends that the routing layer would refuse (names outside C([a-z0-9._-]), backends that
        are not C(host:port) with an IP address or host name and a port 1-65535).
    type: bool
    default: false
seealso:
  - name: docs/routing.md
    description: The naming rules, the KV layout and the nginx renderer.
    link: https://github.com/dockyard/swarm/blob/main/docs/routing.md
"""

EXAMPLES = r"""
- name: Read the services Registrator published
  ansible.builtin.uri:
    url: "http://127.0.0.1:8500/v1/kv/services/?recurse"
    return_content: true
  register: services_kv

- name: Show them as a mapping service -> backends
  ansible.builtin.debug:
    msg: "{{ services_kv.json | dockyard.swarm.registrator_services('services') }}"
    # {"redis": ["192.168.1.102:10000"], "web-80": ["10.0.0.5:32768", "10.0.0.6:32771"]}

- name: The same from a plain mapping
  ansible.builtin.debug:
    msg: "{{ {'services/redis/host1:redis.0:6379': '192.168.1.102:10000'} | dockyard.swarm.registrator_services }}"
"""

RETURN = r"""
_value:
  description: Service name -> sorted list of C(ip:port) backends (C([v6]:port) for IPv6).
  type: dict
  sample: {"redis": ["192.168.1.102:10000"]}
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import RegistratorError, parse_kv
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import clean_services


def registrator_services(items, prefix="services", strict=False):
    """KV items -> {service: [backends]}."""
    try:
        services = parse_kv(items, prefix)
    except RegistratorError as exc:
        raise AnsibleFilterError("registrator_services: %s" % exc) from None
    if strict:
        services = clean_services(services)[0]
    return services


class FilterModule:
    """dockyard.swarm.registrator_services"""

    def filters(self):
        return {"registrator_services": registrator_services}
