# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Docker engine access (docs/tls.md, docs/architecture.md): connection options, TLS, the parallel cluster snapshot
and the container operations the modules need.

Public API (the rest of the package is internal):

* ``CONNECTION_OPTIONS`` (plain option spec), ``connection_options(params, environ) -> ConnectionOptions``
* ``connect(target, options, timeout=None) -> docker.APIClient``; ``engine_addr``, ``engine_url``, ``docker_host_url``
* ``snapshot(targets, options, max_workers=32, timeout=None, inspect_workers=None, cache=None) -> [node dict]``
* ``manager_nodes(target, options)``: the same node dicts from a dockyard.swarm manager's live picture
* ``create_container``, ``start_container``, ``stop_container``, ``remove_container``, ``inspect_container``,
  ``container_logs``, ``ensure_image``, ``pull_image``; ``find_container``, ``find_by_name``
* ``reservation_labels(...)`` and the ``LABEL_*`` names containers carry their reservation in
* errors: ``EngineError`` and its subclasses; ``explain(exc, addr, options)``

Pure Python (the Docker SDK is imported on first use), no ansible import.
"""

from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import (
    connect,
    docker_host_url,
    engine_addr,
    engine_url,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.containers import (
    container_logs,
    create_container,
    ensure_image,
    image_id,
    image_present,
    inspect_container,
    pull_image,
    remove_container,
    start_container,
    stop_container,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import (
    AmbiguousContainerError,
    EngineAPIError,
    EngineConfigError,
    EngineError,
    EngineTLSError,
    EngineUnreachableError,
    MissingDockerSDKError,
    explain,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.lookup import find_by_name, find_container
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.manager_client import manager_nodes
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import (
    CONNECTION_OPTIONS,
    ConnectionOptions,
    connection_options,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import (
    LABEL_CPUS,
    LABEL_EXPOSED_PORTS,
    LABEL_LINKS,
    LABEL_MEMORY,
    LABEL_PORTS,
    LABEL_VOLUMES_FROM,
    reservation_labels,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import HEALTHY, UNHEALTHY
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.snapshot import snapshot

__all__ = [
    "AmbiguousContainerError", "CONNECTION_OPTIONS", "ConnectionOptions", "EngineAPIError", "EngineConfigError",
    "EngineError", "EngineTLSError", "EngineUnreachableError", "HEALTHY", "LABEL_CPUS", "LABEL_EXPOSED_PORTS",
    "LABEL_LINKS", "LABEL_MEMORY", "LABEL_PORTS", "LABEL_VOLUMES_FROM", "MissingDockerSDKError", "UNHEALTHY",
    "connect", "connection_options", "container_logs", "create_container", "docker_host_url", "engine_addr",
    "engine_url", "ensure_image", "explain", "manager_nodes", "image_id", "image_present", "find_by_name", "find_container", "inspect_container", "pull_image",
    "remove_container", "reservation_labels", "snapshot", "start_container", "stop_container",
]
