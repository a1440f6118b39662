# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Clients to the engines of one run, reused per thread, and the per-node calls planning and execution make.

Every engine call of swarm_container goes through this object, so the unit tests can stand in for
the engines with one fake.
"""

from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import target_of
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    ConnectionOptions,
    connect,
    create_container,
    image_id as engine_image_id,
    inspect_container,
    pull_image,
    remove_container,
    snapshot,
    start_container,
    stop_container,
)


class Engines:
    """One ``docker.APIClient`` per (thread, engine), closed together at the end of the run."""

    def __init__(self, options: ConnectionOptions) -> None:
        self.options = options
        self._clients: Dict[Tuple[int, str], Any] = {}
        self._images: Dict[Tuple[str, str], Optional[str]] = {}
        self._lock = threading.Lock()
        # Reservations of containers created by other tools, inspected once per run (snapshot cache).
        self.reservations: Dict[str, Any] = {}

    def client(self, node: Mapping[str, Any]) -> Any:
        key = (threading.get_ident(), target_of(node))
        with self._lock:
            client = self._clients.get(key)
        if client is None:
            client = connect(target_of(node), self.options)
            with self._lock:
                self._clients[key] = client
        return client

    def inspect(self, node: Mapping[str, Any], container_id: str) -> Optional[Dict[str, Any]]:
        return inspect_container(self.client(node), container_id)

    def image_id(self, node: Mapping[str, Any], image: str) -> Optional[str]:
        """The id ``image`` has on ``node`` (None when the engine does not have it); cached per run."""
        key = (str(node.get("addr")), image)
        with self._lock:
            if key in self._images:
                return self._images[key]
        found = engine_image_id(self.client(node), image)
        with self._lock:
            self._images[key] = found
        return found

    def pull(self, node: Mapping[str, Any], image: str) -> Optional[str]:
        """Pull ``image`` on ``node`` and return its id there."""
        pull_image(self.client(node), image)
        with self._lock:
            self._images.pop((str(node.get("addr")), image), None)
        return self.image_id(node, image)

    def create(self, node: Mapping[str, Any], name: str, body: Mapping[str, Any], pull: str) -> Dict[str, Any]:
        """Create a container (pulling per ``pull``); its inspect data."""
        return create_container(self.client(node), name, body, pull=pull)

    def remove(self, node: Mapping[str, Any], container_id: str) -> bool:
        """Force-remove a container; False when it was already gone."""
        return remove_container(self.client(node), container_id, force=True)

    def start(self, node: Mapping[str, Any], container_id: str) -> None:
        start_container(self.client(node), container_id)

    def stop(self, node: Mapping[str, Any], container_id: str, timeout: Optional[int]) -> bool:
        return stop_container(self.client(node), container_id, timeout=timeout)

    def read_node(self, node: Mapping[str, Any]) -> Dict[str, Any]:
        """The node as its engine shows it now (one engine's snapshot; health 0 and an error when it fails)."""
        return snapshot([target_of(node)], self.options, cache=self.reservations)[0]

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            try:
                client.close()
            except Exception:  # closing is best effort
                pass
