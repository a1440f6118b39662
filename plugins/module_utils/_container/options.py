# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' own options as plain data (the connection and discovery ones come from _engine/_discovery).

Same format as ``_engine.CONNECTION_OPTIONS``: ``_argspec.argument_spec_from`` turns it into
an AnsibleModule argument_spec; the modules' DOCUMENTATION describes exactly these.
"""

from __future__ import annotations

from typing import Any, Dict

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import PULL_POLICIES, STATES
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import RESTART_POLICIES

STR_LIST = {"type": "list", "elements": "str"}

CONTAINER_OPTIONS: Dict[str, Dict[str, Any]] = {
    "name": {"type": "str", "required": True},
    "image": {"type": "str"},
    "command": {"type": "raw"},
    "entrypoint": {"type": "raw"},
    "env": {"type": "raw"},
    "labels": {"type": "dict"},
    "ports": dict(STR_LIST, aliases=["published_ports"]),
    "volumes": dict(STR_LIST),
    "volumes_from": dict(STR_LIST),
    "links": dict(STR_LIST),
    "network_mode": {"type": "str"},
    "restart_policy": {"type": "str", "choices": list(RESTART_POLICIES)},
    "restart_retries": {"type": "int"},
    "cpus": {"type": "float"},
    "memory": {"type": "str"},
    "state": {"type": "str", "default": "started", "choices": list(STATES)},
    "recreate": {"type": "bool", "default": False},
    "pull": {"type": "str", "default": "missing", "choices": list(PULL_POLICIES)},
    "constraints": dict(STR_LIST),
    "affinities": dict(STR_LIST),
    "whitelists": dict(STR_LIST),
    "strategy": {"type": "str", "default": "spread"},
    "filters": dict(STR_LIST),
    "overcommit": {"type": "float", "default": 0.05},
    "replicas": {"type": "int"},
    "stop_timeout": {"type": "int", "default": 10},
    "lock_timeout": {"type": "float", "default": 120},
}

INFO_OPTIONS: Dict[str, Dict[str, Any]] = {
    "strategy": {"type": "str", "default": "spread"},
    "filters": dict(STR_LIST),
    "overcommit": {"type": "float", "default": 0.05},
}

CONTAINER_INFO_OPTIONS: Dict[str, Dict[str, Any]] = {
    "name": {"type": "str"},
    "all": {"type": "bool", "default": False},
    "label": dict(STR_LIST),
    "logs": {"type": "bool", "default": False},
    "tail": {"type": "int", "default": 100},
    "timestamps": {"type": "bool", "default": False},
}

NODE_OPTIONS: Dict[str, Dict[str, Any]] = {
    "addr": {"type": "str", "required": True, "aliases": ["advertise"]},
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "ttl": {"type": "int", "default": 0},
    "check_engine": {"type": "bool", "default": False},
}
