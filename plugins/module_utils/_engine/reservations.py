# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a container reserves on its engine: CPUs, memory, ports, and the dependencies it names.

The container list of the Engine API shows neither resources nor the port bindings of stopped
containers, so classic Swarm inspected every container. Containers this project creates carry
their reservation in labels (``reservation_labels``), so a snapshot reads it from the list;
containers created by others are inspected once (``from_inspect``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

LABEL_CPUS = "com.dockyard.swarm.cpus"
LABEL_MEMORY = "com.dockyard.swarm.memory"
LABEL_PORTS = "com.dockyard.swarm.ports"
LABEL_EXPOSED_PORTS = "com.dockyard.swarm.exposed_ports"
LABEL_VOLUMES_FROM = "com.dockyard.swarm.volumes_from"
LABEL_LINKS = "com.dockyard.swarm.links"
UNSPECIFIED_IPS = ("", "0.0.0.0", "::")


@dataclass
class Reservation:
    """The scheduler-relevant facts of one container that the container list does not give."""

    cpus: float = 0
    memory: int = 0
    ports: List[Dict[str, Any]] = field(default_factory=list)
    exposed_ports: List[str] = field(default_factory=list)
    volumes_from: List[str] = field(default_factory=list)
    links: List[str] = field(default_factory=list)


def port(host_ip: Optional[str], host_port: Any, container_port: Any, protocol: Optional[str]) -> Dict[str, Any]:
    """A port binding in the snapshot's shape (docs/architecture.md); every "all interfaces" form becomes 0.0.0.0."""
    ip = host_ip or ""
    return {
        "host_ip": "0.0.0.0" if ip in UNSPECIFIED_IPS else ip,
        "host_port": int(host_port) if str(host_port or "").isdigit() else 0,
        "container_port": int(container_port),
        "protocol": (protocol or "tcp").lower(),
    }


def merge_ports(*groups: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Union of port lists, first occurrence kept, in a stable order."""
    seen = set()
    merged = []
    for group in groups:
        for item in group:
            key = (item["host_ip"], item["host_port"], item["container_port"], item["protocol"])
            if key not in seen:
                seen.add(key)
                merged.append(item)
    return merged


def _number(value: float) -> float:
    return int(value) if float(value).is_integer() else value


def reservation_labels(cpus: float = 0, memory: int = 0, ports: Sequence[Mapping[str, Any]] = (),
                       exposed_ports: Sequence[str] = (), volumes_from: Sequence[str] = (),
                       links: Sequence[str] = ()) -> Dict[str, str]:
    """Labels to put on a container at create time so snapshots need not inspect it."""
    labels = {LABEL_CPUS: str(_number(float(cpus or 0))), LABEL_MEMORY: str(int(memory or 0))}
    clean_ports = [port(p.get("host_ip"), p.get("host_port"), p["container_port"], p.get("protocol")) for p in ports]
    for label, values in ((LABEL_PORTS, clean_ports), (LABEL_EXPOSED_PORTS, list(exposed_ports)),
                          (LABEL_VOLUMES_FROM, list(volumes_from)), (LABEL_LINKS, list(links))):
        if values:
            labels[label] = json.dumps(values, separators=(",", ":"), sort_keys=True)
    return labels


def is_recorded(labels: Optional[Mapping[str, str]]) -> bool:
    """True when the container's labels carry its reservation (it was created by this project)."""
    return bool(labels) and LABEL_CPUS in labels and LABEL_MEMORY in labels  # type: ignore[operator]


def _json_list(labels: Mapping[str, str], key: str) -> list:
    try:
        value = json.loads(labels.get(key) or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def from_labels(labels: Mapping[str, str]) -> Reservation:
    """The reservation recorded in a container's labels (unreadable values count as zero)."""
    try:
        cpus = _number(float(labels.get(LABEL_CPUS) or 0))
    except ValueError:
        cpus = 0
    try:
        memory = int(labels.get(LABEL_MEMORY) or 0)
    except ValueError:
        memory = 0
    ports = []
    for item in _json_list(labels, LABEL_PORTS):
        if isinstance(item, dict) and "container_port" in item:
            ports.append(port(item.get("host_ip"), item.get("host_port"), item["container_port"], item.get("protocol")))
    return Reservation(cpus=cpus, memory=memory, ports=ports,
                       exposed_ports=[str(p) for p in _json_list(labels, LABEL_EXPOSED_PORTS)],
                       volumes_from=[str(v) for v in _json_list(labels, LABEL_VOLUMES_FROM)],
                       links=[str(v) for v in _json_list(labels, LABEL_LINKS)])


def ports_from_bindings(bindings: Optional[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """Ports from HostConfig.PortBindings or NetworkSettings.Ports (`{"80/tcp": [{"HostIp", "HostPort"}]}`)."""
    ports = []
    for key, hosts in (bindings or {}).items():
        number, _sep, protocol = str(key).partition("/")
        for host in hosts or []:
            ports.append(port(host.get("HostIp"), host.get("HostPort"), number, protocol))
    return ports


def cpus_from_host_config(host_config: Mapping[str, Any], engine_cpus: int) -> float:
    """CPUs a container reserves: NanoCpus (`--cpus`), else CpuShares as classic Swarm counted them."""
    nano = host_config.get("NanoCpus") or 0
    if nano:
        return _number(round(nano / 1e9, 3))
    shares = host_config.get("CpuShares") or 0
    return int(shares * engine_cpus // 1024) if shares else 0


def from_inspect(inspect: Mapping[str, Any], engine_cpus: int) -> Reservation:
    """The reservation of a container created outside this project, from its inspect data."""
    host_config = inspect.get("HostConfig") or {}
    config = inspect.get("Config") or {}
    return Reservation(
        cpus=cpus_from_host_config(host_config, engine_cpus),
        memory=int(host_config.get("Memory") or 0),
        ports=ports_from_bindings(host_config.get("PortBindings")),
        exposed_ports=sorted((config.get("ExposedPorts") or {}).keys()),
        volumes_from=list(host_config.get("VolumesFrom") or []),
        links=list(host_config.get("Links") or []),
    )
