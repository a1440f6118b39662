# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrator's service model in pure Python (no I/O, no ansible import).

Public API (the rest of the package is internal):

* ``container_services(inspect, hostname, host_ip=None, ip=None, internal=False, force_tags=None) -> [Service]``:
  the services gliderlabs/registrator registers for one container (docs/routing.md lists the rules)
* ``service_metadata(config, port) -> (metadata, from_port)`` and ``split_tags(text) -> [tag]``
* ``kv_pairs(services, prefix) -> [(key, value)]``, ``kv_key``, ``kv_value``: the consulkv layout
  ``<prefix>/<service>/<id>`` = ``ip:port``
* ``parse_kv(items, prefix) -> {service: [backend]}``: that layout read back
* ``RegistratorError``
"""
from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.kv import join_host_port, kv_key, kv_pairs, kv_value, parse_kv
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.metadata import service_metadata, split_tags
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.services import Service, container_services

__all__ = [
    "RegistratorError", "Service", "container_services", "join_host_port", "kv_key", "kv_pairs", "kv_value",
    "parse_kv", "service_metadata", "split_tags",
]
