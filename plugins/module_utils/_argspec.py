# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AnsibleModule argument specs built from the plain option data of ``_engine`` and ``_discovery``.

The options are defined once, as data that host agents can read without Ansible; this thin
helper (for modules only, so it may import ansible) adds the env fallbacks. An empty variable
counts as unset, as the docker CLI reads it (``DOCKER_TLS_VERIFY=`` means no verification, not
an invalid boolean), so every fallback goes through ``env_fallback_set``.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Mapping

from ansible.module_utils.basic import AnsibleFallbackNotFound

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import DISCOVERY_OPTIONS
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import CONNECTION_OPTIONS

ARGSPEC_KEYS = ("type", "default", "aliases", "no_log", "elements", "choices", "required", "options")

CONNECTION_REQUIRED_TOGETHER: List[List[str]] = [["client_cert", "client_key"]]
DISCOVERY_REQUIRED_TOGETHER: List[List[str]] = [["discovery_client_cert", "discovery_client_key"]]
DISCOVERY_MUTUALLY_EXCLUSIVE: List[List[str]] = [["discovery", "nodes", "manager"]]


def env_fallback_set(*names: str) -> str:
    """The first of the variables ``names`` that is set to something other than blanks (Ansible's env_fallback takes '')."""
    for name in names:
        value = os.environ.get(name)
        if value is not None and value.strip():
            return value
    raise AnsibleFallbackNotFound


def argument_spec_from(options: Mapping[str, Mapping[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Turn plain option data into an argument_spec (``env`` becomes an ``env_fallback_set`` fallback)."""
    spec: Dict[str, Dict[str, Any]] = {}
    for name, data in options.items():
        entry = {key: (list(value) if isinstance(value, (list, tuple)) else value)
                 for key, value in data.items() if key in ARGSPEC_KEYS}
        if data.get("env"):
            entry["fallback"] = (env_fallback_set, list(data["env"]))
        spec[name] = entry
    return spec


def connection_argument_spec() -> Dict[str, Dict[str, Any]]:
    """The engine connection/TLS options, with community.docker's names, aliases and env fallbacks."""
    return argument_spec_from(CONNECTION_OPTIONS)


def discovery_argument_spec() -> Dict[str, Dict[str, Any]]:
    """`discovery`/`nodes` and the store TLS, ACL and timeout options."""
    return argument_spec_from(DISCOVERY_OPTIONS)
