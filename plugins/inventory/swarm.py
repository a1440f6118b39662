# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dynamic inventory of the Docker engines of a dockyard.swarm cluster."""
from __future__ import annotations

DOCUMENTATION = r"""
name: swarm
short_description: The Docker engines of a cluster, from Consul, etcd, ZooKeeper, a file or a list
version_added: 0.1.0
author:
  - dockyard.swarm contributors (@dockyard-swarm)
description:
  - Lists the Docker engines of a cluster, as classic standalone Docker Swarm found them, with their labels, resources
    and health. Engines are found through O(discovery) (V(consul://), V(etcd://), V(zk://), V(file://), V(nodes://))
    or O(nodes), then read in parallel over the Docker API (one snapshot of all engines, bounded threads, a time budget
    of O(timeout) seconds per engine).
  - "The inventory source is a YAML file whose name ends in C(swarm.yml) or C(swarm.yaml) (for example C(prod.swarm.yml))
    and that contains C(plugin: dockyard.swarm.swarm)."
  - Host names are the engines' names (C(docker info) C(Name)), or the address C(ip:port) of an engine whose name is not
    known (unreachable, or O(query_engines=false)). Engines that share a name are all named C(<name>_<ip>_<port>), so the
    result does not depend on the order of discovery. O(hostnames=addr) names every host by its address, which stays the
    same while an engine is down.
  - "Host variables: C(ansible_host) (the engine's IP or host name), C(docker_host) (C(tcp://ip:port), for the
    community.docker content and the C(docker) CLI), C(swarm_addr) (C(ip:port)), and when O(query_engines=true):
    C(swarm_name), C(swarm_id), C(swarm_labels) (daemon labels plus C(storagedriver), C(kernelversion),
    C(operatingsystem), C(ostype)), C(swarm_health) (0 to 100), C(swarm_status) (C(Healthy) or C(Unhealthy)),
    C(swarm_error) (why an engine is unhealthy, else null), C(swarm_cpus), C(swarm_memory) (bytes),
    C(swarm_containers) (number of containers, all states) and C(swarm_server_version)."
  - "Groups (when O(query_engines=true)): C(healthy) and C(unhealthy), and one C(label_<key>_<value>) group per engine
    label (for example C(label_zone_external)); characters other than letters, digits and C(_) become C(_)."
  - An engine that cannot be read is listed in group C(unhealthy) with C(swarm_health=0) and its error, and a warning
    names it; the inventory does not fail. A discovery source that cannot be read fails the inventory with a message
    that names the source.
  - Values read from engines are marked unsafe (never templated) when they contain C({) or C(}); other values, and
    C(ansible_host), are left as they are, so AWX imports them normally.
  - O(docker_host) is not used by this plugin; the engines always come from O(discovery), O(nodes) or E(SWARM_DISCOVERY).
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
  - dockyard.swarm.discovery
  - dockyard.swarm.discovery.env
  - dockyard.swarm.connection
  - dockyard.swarm.connection.env
options:
  plugin:
    description:
      - The name of this plugin. It marks the file as an inventory source for it.
    required: true
    type: str
    choices: [dockyard.swarm.swarm]
  query_engines:
    description:
      - Read every engine (labels, CPUs, memory, containers, health) over the Docker API.
      - With V(false), only the addresses from discovery are listed, with C(ansible_host), C(docker_host) and C(swarm_addr);
        no engine is contacted, and the C(healthy), C(unhealthy) and C(label_*) groups are not created.
    type: bool
    default: true
  hostnames:
    description:
      - V(name) names hosts after the engines' names (falling back to the address); V(addr) uses the address C(ip:port)
        for every host.
    type: str
    choices: [name, addr]
    default: name
  label_groups:
    description:
      - Create a C(label_<key>_<value>) group for every engine label. Set to V(false) and use O(keyed_groups) for other
        group names.
    type: bool
    default: true
  max_workers:
    description:
      - How many engines are read at the same time.
    type: int
    default: 32
  # The connection fragment documents no environment variable for the three TLS files (only
  # DOCKER_CERT_PATH, a folder, which AWX credentials cannot create): these env entries let a
  # credential inject each file. Only the env entries are added; the rest comes from the fragment.
  ca_path:
    env:
      - name: DOCKER_CA_PATH
  client_cert:
    env:
      - name: DOCKER_CLIENT_CERT
  client_key:
    env:
      - name: DOCKER_CLIENT_KEY
notes:
  - With O(cache=true) the result of discovery and of the engine snapshot is cached under the inventory file's path; a
    cache hit contacts neither the discovery store nor any engine. C(--flush-cache) refreshes it (C(ansible-playbook);
    C(ansible-inventory) from ansible-core 2.19 on).
  - Every secret option can be given through an environment variable (see the C(env) entries and E(CONSUL_HTTP_TOKEN),
    E(DOCKER_CERT_PATH)), so AWX/Automation Controller credentials can inject them. For this plugin the engine TLS files
    can also be given one by one as E(DOCKER_CA_PATH), E(DOCKER_CLIENT_CERT) and E(DOCKER_CLIENT_KEY) (a credential
    injects files, not a E(DOCKER_CERT_PATH) folder).
seealso:
  - name: dockyard.swarm inventory guide
    description: The inventory plugin with the CLI and with AWX (docs/inventory.md in the collection).
    link: https://example.invalid/dockyard/swarm/docs/inventory.md
"""

EXAMPLES = r"""
# prod.swarm.yml: engines registered in Consul under the prefix "swarm", TLS with verification.
plugin: dockyard.swarm.swarm
discovery: consul://127.0.0.1:8500/swarm
validate_certs: true
ca_path: /etc/docker/certs/ca.pem
client_cert: /etc/docker/certs/cert.pem
client_key: /etc/docker/certs/key.pem
timeout: 10

---
# cluster.swarm.yml: a static file, certificates from DOCKER_CERT_PATH and DOCKER_TLS_VERIFY=1 in the environment,
# the Consul ACL token (for consul:// sources) from CONSUL_HTTP_TOKEN; cached for five minutes.
plugin: dockyard.swarm.swarm
discovery: file:///etc/swarm/cluster.conf
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/cache/ansible/swarm-inventory
cache_timeout: 300

---
# zk.swarm.yml: ZooKeeper, engines named by address, extra groups and variables.
plugin: dockyard.swarm.swarm
discovery: zk://10.0.0.5:2181,10.0.0.6:2181/swarm
validate_certs: true
hostnames: addr
compose:
  free_memory_gib: (swarm_memory / 1073741824) | round(1)
groups:
  big: swarm_cpus >= 16
keyed_groups:
  - key: swarm_labels.zone | default('none')
    prefix: zone

---
# list.swarm.yml: addresses only, no engine is contacted.
plugin: dockyard.swarm.swarm
nodes:
  - 10.0.0.[10:12]:2376
query_engines: false
"""

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DISCOVERY_OPTIONS
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import CONNECTION_OPTIONS
from ansible_collections.dockyard.swarm.plugins.plugin_utils import _inventory


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Engines from discovery, read in parallel, grouped by label and health."""

    NAME = "dockyard.swarm.swarm"

    def verify_file(self, path):
        """Only files named ``*swarm.yml`` / ``*swarm.yaml``."""
        return super().verify_file(path) and path.endswith(("swarm.yml", "swarm.yaml"))

    def _params(self):
        """Discovery and connection options by their shared names, for the discovery and engine layers."""
        names = list(DISCOVERY_OPTIONS) + [name for name in CONNECTION_OPTIONS if name != "docker_host"]
        return {name: self.get_option(name) for name in names}

    def _gather(self):
        try:
            return _inventory.gather(self._params(), query_engines=self.get_option("query_engines"),
                                     max_workers=max(1, self.get_option("max_workers")))
        except _inventory.InventorySourceError as exc:
            raise AnsibleParserError("%s: %s" % (self.NAME, exc)) from None

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        use_cache = self.get_option("cache")
        cache_key = self.get_cache_key(path)
        data = None
        if use_cache and cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                data = None
            if not _inventory.valid_cached(data, _inventory.source_text(self._params()), self.get_option("query_engines")):
                data = None
        if data is None:
            data = self._gather()
            if use_cache:
                self._cache[cache_key] = data
        self._populate(data)

    def _populate(self, data):
        records = data["engines"]
        summary = _inventory.failure_summary(records, data.get("source", ""))
        if summary:
            self.display.warning(summary)
        strict = self.get_option("strict")
        entries = _inventory.host_entries(records, self.get_option("hostnames"), self.get_option("label_groups"))
        if self.get_option("query_engines"):
            for group in _inventory.HEALTH_GROUPS:  # both exist, even when empty, so plays can target them
                self.inventory.add_group(group)
        for name, variables, groups in entries:
            self.inventory.add_host(name)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, name)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)
