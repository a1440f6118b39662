# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AnsibleModule keyword arguments of the four modules (for modules only: imports ansible via _argspec)."""

from __future__ import annotations

from typing import Any, Dict, Mapping

from ansible_collections.dockyard.swarm.plugins.module_utils._argspec import (
    CONNECTION_REQUIRED_TOGETHER,
    DISCOVERY_MUTUALLY_EXCLUSIVE,
    DISCOVERY_REQUIRED_TOGETHER,
    argument_spec_from,
    connection_argument_spec,
    discovery_argument_spec,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.options import (
    CONTAINER_INFO_OPTIONS,
    CONTAINER_OPTIONS,
    INFO_OPTIONS,
    NODE_OPTIONS,
)


def _cluster_module(options: Mapping[str, Mapping[str, Any]]) -> Dict[str, Any]:
    spec = argument_spec_from(options)
    for name, data in options.items():
        if data.get("required"):
            spec[name]["required"] = True  # argument_spec_from keeps only the keys the shared options use
    spec.update(discovery_argument_spec())
    spec.update(connection_argument_spec())
    return {"argument_spec": spec, "required_together": DISCOVERY_REQUIRED_TOGETHER + CONNECTION_REQUIRED_TOGETHER,
            "mutually_exclusive": list(DISCOVERY_MUTUALLY_EXCLUSIVE), "supports_check_mode": True}


def swarm_container_args() -> Dict[str, Any]:
    return _cluster_module(CONTAINER_OPTIONS)


def swarm_info_args() -> Dict[str, Any]:
    return _cluster_module(INFO_OPTIONS)


def swarm_container_info_args() -> Dict[str, Any]:
    return _cluster_module(CONTAINER_INFO_OPTIONS)


def swarm_node_args() -> Dict[str, Any]:
    return _cluster_module(NODE_OPTIONS)
