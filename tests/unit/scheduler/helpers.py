# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Builders for node and request snapshots in the shape of docs/architecture.md."""
from __future__ import annotations

import hashlib
from typing import Any, Dict, Iterable, List, Optional

GIB = 1 << 30
MIB = 1 << 20


def cid(name: str) -> str:
    """A stable 64-hex container id derived from a name."""
    return hashlib.sha256(name.encode()).hexdigest()


def port(host_port: Any, container_port: Any = None, protocol: str = "tcp", host_ip: str = "") -> Dict[str, Any]:
    return {"host_ip": host_ip, "host_port": host_port,
            "container_port": str(container_port if container_port is not None else host_port),
            "protocol": protocol}


def container(name: Optional[str], id: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    data: Dict[str, Any] = {
        "id": id if id is not None else cid(name or "anonymous"),
        "name": name,
        "image": "busybox:latest",
        "image_id": "sha256:" + cid("busybox"),
        "state": "running",
        "labels": {},
        "cpus": 0,
        "memory": 0,
        "network_mode": "bridge",
        "ports": [],
        "exposed_ports": [],
        "volumes_from": [],
        "links": [],
    }
    data.update(fields)
    return data


def node(name: str, labels: Optional[Dict[str, Any]] = None, containers: Iterable[Dict[str, Any]] = (),
         cpus: int = 4, memory: int = 8 * GIB, health: int = 100, images: Iterable[Dict[str, Any]] = (),
         id: Optional[str] = None) -> Dict[str, Any]:
    return {
        "id": id or "ID-" + name,
        "name": name,
        "addr": "10.0.0.1:2376",
        "labels": dict(labels or {}),
        "cpus": cpus,
        "memory": memory,
        "health": health,
        "containers": list(containers),
        "images": list(images),
    }


def names(nodes: List[Dict[str, Any]], ids: List[str]) -> List[str]:
    """Node names for ranked ids (readable asserts)."""
    by_id = {n["id"]: n["name"] for n in nodes}
    return [by_id[i] for i in ids]
