# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fake engine data for the _container unit tests: inspect data from a create body, node dicts, a fake Engines."""
from __future__ import annotations

import copy
import itertools
from typing import Any, Dict, List, Optional

IMAGE_ID = "sha256:" + "1" * 64
_ids = itertools.count(1)


def inspect_from_body(name: str, body: Dict[str, Any], image_id: str = IMAGE_ID, running: bool = True,
                      image_env: Optional[List[str]] = None, image_labels: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """What `docker inspect` shows for a container created from ``body`` (image defaults merged in)."""
    host = copy.deepcopy(body.get("HostConfig") or {})
    labels = dict(image_labels or {})
    labels.update(body.get("Labels") or {})
    return {
        "Id": "%064x" % next(_ids),
        "Name": "/" + name,
        "Image": image_id,
        "State": {"Running": running, "Status": "running" if running else "exited"},
        "Config": {"Image": body.get("Image"), "Cmd": body.get("Cmd"), "Entrypoint": body.get("Entrypoint"),
                   "Env": list(image_env or []) + list(body.get("Env") or []) or None, "Labels": labels,
                   "Volumes": body.get("Volumes")},
        "HostConfig": {"NetworkMode": host.get("NetworkMode", "default"), "PortBindings": host.get("PortBindings"),
                       "Binds": host.get("Binds"), "VolumesFrom": host.get("VolumesFrom"),
                       "Links": ["/%s:/%s/%s" % (link.split(":")[0], name, link.split(":")[1]) for link in host.get("Links") or []]
                       or None, "RestartPolicy": host.get("RestartPolicy", {"Name": "", "MaximumRetryCount": 0}),
                       "NanoCpus": host.get("NanoCpus", 0), "Memory": host.get("Memory", 0)},
    }


def node(name: str, labels: Optional[Dict[str, str]] = None, cpus: int = 2, memory: int = 2 * 1024 ** 3,
         containers: Optional[List[Dict[str, Any]]] = None, health: int = 100) -> Dict[str, Any]:
    return {"id": "id-" + name, "name": name, "addr": "10.0.0.%s:2376" % name[-1], "labels": dict(labels or {}),
            "cpus": cpus, "memory": memory, "health": health, "containers": list(containers or []),
            "images": [{"id": IMAGE_ID, "tags": ["busybox:latest"]}], "status": "Healthy" if health else "Unhealthy",
            "error": None if health else "down", "docker_host": "tcp://10.0.0.%s:2376" % name[-1]}


def summary(inspect: Dict[str, Any], cpus: float = 0, memory: int = 0, ports: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    """The snapshot's container dict of an inspected container."""
    return {"id": inspect["Id"], "name": inspect["Name"].lstrip("/"), "image": inspect["Config"]["Image"],
            "image_id": inspect["Image"], "state": inspect["State"]["Status"], "labels": inspect["Config"]["Labels"],
            "cpus": cpus, "memory": memory, "network_mode": "bridge", "ports": list(ports or []), "exposed_ports": [],
            "volumes_from": [], "links": []}


class FakeEngines:
    """Stands in for _container.engines.Engines: inspect data by id, image ids by (node, image)."""

    def __init__(self) -> None:
        self.inspects: Dict[str, Dict[str, Any]] = {}
        self.images: Dict[Any, Optional[str]] = {}
        self.pulls: List[Any] = []

    def add(self, inspect: Dict[str, Any]) -> Dict[str, Any]:
        self.inspects[inspect["Id"]] = inspect
        return inspect

    def inspect(self, node: Dict[str, Any], container_id: str) -> Optional[Dict[str, Any]]:
        return self.inspects.get(container_id)

    def image_id(self, node: Dict[str, Any], image: str) -> Optional[str]:
        return self.images.get((node["name"], image), IMAGE_ID)

    def pull(self, node: Dict[str, Any], image: str) -> Optional[str]:
        self.pulls.append((node["name"], image))
        return IMAGE_ID
