# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine API answers -> the node snapshots of docs/architecture.md (pure functions, no I/O).

Kept apart from the gathering so the shape the scheduler depends on is defined in one place
and unit-tested without any engine.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import (
    Reservation,
    merge_ports,
    port,
)

HEALTHY = "Healthy"
UNHEALTHY = "Unhealthy"
BUILTIN_LABELS = {"storagedriver": "Driver", "kernelversion": "KernelVersion",
                  "operatingsystem": "OperatingSystem", "ostype": "OSType"}


def engine_labels(info: Mapping[str, Any]) -> Dict[str, str]:
    """Daemon labels (`--label k=v`) plus the built-in ones classic Swarm derived from `docker info`."""
    labels: Dict[str, str] = {}
    for item in info.get("Labels") or []:
        key, _sep, value = str(item).partition("=")
        labels[key] = value
    for name, field in BUILTIN_LABELS.items():
        if info.get(field):
            labels[name] = str(info[field])
    return labels


def container_name(names: Optional[List[str]]) -> str:
    """The container's own name: the entry without a link path (`/web`, not `/app/web`)."""
    names = names or []
    for name in names:
        if name.count("/") == 1:
            return name.lstrip("/")
    return names[0].lstrip("/") if names else ""


def summary_ports(items: Optional[List[Mapping[str, Any]]]) -> Tuple[List[Dict[str, Any]], List[str]]:
    """Published ports and exposed-only ports from a container list entry's `Ports`."""
    published, exposed = [], []
    for item in items or []:
        protocol = (item.get("Type") or "tcp").lower()
        if item.get("PublicPort"):
            published.append(port(item.get("IP"), item["PublicPort"], item["PrivatePort"], protocol))
        key = "%s/%s" % (item.get("PrivatePort"), protocol)
        if item.get("PrivatePort") and key not in exposed:
            exposed.append(key)
    return merge_ports(published), exposed


def container_dict(summary: Mapping[str, Any], reservation: Reservation) -> Dict[str, Any]:
    """One SPEC container dict from a `/containers/json` entry and its reservation."""
    published, exposed = summary_ports(summary.get("Ports"))
    network_mode = (summary.get("HostConfig") or {}).get("NetworkMode") or "default"
    return {
        "id": summary.get("Id", ""),
        "name": container_name(summary.get("Names")),
        "image": summary.get("Image", ""),
        "image_id": summary.get("ImageID", ""),
        "state": summary.get("State", ""),
        "labels": dict(summary.get("Labels") or {}),
        "cpus": reservation.cpus,
        "memory": reservation.memory,
        "network_mode": "bridge" if network_mode == "default" else network_mode,
        "ports": merge_ports(reservation.ports, published),
        "exposed_ports": sorted(set(reservation.exposed_ports) | set(exposed)),
        "volumes_from": list(reservation.volumes_from),
        "links": list(reservation.links),
    }


def image_dict(summary: Mapping[str, Any]) -> Dict[str, Any]:
    """One SPEC image dict from a `/images/json` entry (untagged `<none>` names dropped)."""
    tags = [tag for tag in summary.get("RepoTags") or [] if tag and tag != "<none>:<none>"]
    return {"id": summary.get("Id", ""), "tags": tags}


def node_dict(addr: str, docker_host: str, info: Mapping[str, Any], containers: List[Dict[str, Any]],
              images: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A healthy engine's node dict."""
    return {
        "id": info.get("ID") or addr,
        "name": info.get("Name") or addr,
        "addr": addr,
        "labels": engine_labels(info),
        "cpus": int(info.get("NCPU") or 0),
        "memory": int(info.get("MemTotal") or 0),
        "health": 100,
        "containers": containers,
        "images": images,
        "status": HEALTHY,
        "error": None,
        "docker_host": docker_host,
        "server_version": info.get("ServerVersion") or "",
        "containers_total": int(info.get("Containers") or 0),
    }


def failed_node(addr: str, docker_host: str, error: str, known: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """An engine that could not be read: health 0, its error, no containers (the scheduler skips it)."""
    node = {
        "id": addr, "name": addr, "addr": addr, "labels": {}, "cpus": 0, "memory": 0, "health": 0,
        "containers": [], "images": [], "status": UNHEALTHY, "error": error, "docker_host": docker_host,
        "server_version": "", "containers_total": 0,
    }
    if known:
        node.update({key: known[key] for key in ("id", "name", "labels", "cpus", "memory", "server_version") if key in known})
    return node
