# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What swarm_container asks for: the scheduler request, the Engine API create body, the labels.

``build_desired(params)`` validates every option before any engine or store is contacted
(parse errors, malformed expressions, unknown strategy or filter, bad overcommit), so a bad
task fails with a clear message and nothing created. Expressions given in the classic env
form (``constraint:zone==external``) are taken out of the env and, merged with the option
lists and the ``com.docker.swarm.*`` labels, written back into those labels; the reservation
(CPUs, memory, ports, dependencies) goes into labels too (``_engine.reservation_labels``) so
later snapshots account for it without inspecting the container.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    ContainerOptionError,
    PortSpec,
    parse_command,
    parse_cpus,
    parse_env,
    parse_labels,
    parse_links,
    parse_memory,
    parse_ports,
    parse_volumes,
    restart_policy,
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
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    Request,
    SchedulingError,
    clean_request,
    gather_expressions,
    labels_with_expressions,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.registry import get_filters, get_strategy
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.resources import overcommit_ratio
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.sources import LABELS as EXPRESSION_LABELS

REPLICA_LABEL = "com.dockyard.swarm.replica_of"
SWARM_ID_LABEL = "com.docker.swarm.id"
# Labels this project writes and compares strictly (present with this value, or absent).
MANAGED_LABELS = frozenset(list(EXPRESSION_LABELS.values()) + [
    LABEL_CPUS, LABEL_MEMORY, LABEL_PORTS, LABEL_EXPOSED_PORTS, LABEL_VOLUMES_FROM, LABEL_LINKS, REPLICA_LABEL])
STATES = ("started", "present", "stopped", "absent")
PULL_POLICIES = ("missing", "always", "never")


@dataclass
class Desired:
    """One container as the task describes it (a replica has its own name)."""

    name: str
    image: Optional[str]
    request: Dict[str, Any]
    body: Dict[str, Any]
    labels: Dict[str, str]
    wanted: Dict[str, Any] = field(default_factory=dict)
    replica_of: Optional[str] = None

    @property
    def managed_labels(self) -> Dict[str, str]:
        """The labels compared strictly: expressions, reservation, replica set."""
        return {key: value for key, value in self.labels.items() if key in MANAGED_LABELS}

    @property
    def user_labels(self) -> Dict[str, str]:
        return {key: value for key, value in self.labels.items() if key not in MANAGED_LABELS}


@dataclass
class Settings:
    """The task-wide settings shared by every container of a run."""

    state: str = "started"
    recreate: bool = False
    pull: str = "missing"
    strategy: str = "spread"
    filters: Optional[List[str]] = None
    overcommit: float = 0.05
    stop_timeout: int = 10
    lock_timeout: float = 120.0


def image_reference(image: str) -> str:
    """``busybox`` -> ``busybox:latest``; tags and digests are kept (for name comparison)."""
    if "@" in image:
        return image
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last else image + ":latest"


def settings_from(params: Mapping[str, Any]) -> Settings:
    """Validate the run-wide options (state, pull, strategy, filters, overcommit)."""
    state = params.get("state") or "started"
    if state not in STATES:
        raise ContainerOptionError("state must be one of %s, got %r" % (", ".join(STATES), state))
    pull = params.get("pull") or "missing"
    if pull not in PULL_POLICIES:
        raise ContainerOptionError("pull must be one of %s, got %r" % (", ".join(PULL_POLICIES), pull))
    strategy = params.get("strategy") or "spread"
    filters = params.get("filters")
    overcommit = params.get("overcommit")
    overcommit = 0.05 if overcommit is None else overcommit
    try:
        get_strategy(strategy)
        get_filters(list(filters) if filters is not None else None)
        overcommit_ratio(overcommit)
    except SchedulingError as exc:
        raise ContainerOptionError(str(exc)) from None
    return Settings(state=state, recreate=bool(params.get("recreate")), pull=pull, strategy=strategy,
                    filters=list(filters) if filters is not None else None, overcommit=float(overcommit),
                    stop_timeout=int(params.get("stop_timeout") or 10),
                    lock_timeout=float(params.get("lock_timeout") or 120))


def _network_mode(value: Optional[str]) -> str:
    return "bridge" if value in (None, "", "default") else str(value)


def build_desired(params: Mapping[str, Any], name: Optional[str] = None, replica_of: Optional[str] = None) -> Desired:
    """Validate the container options and build the request, create body and labels."""
    name = name or params.get("name")
    if not name or not isinstance(name, str):
        raise ContainerOptionError("name is required")
    image = params.get("image")
    ports = parse_ports(params.get("ports"))
    cpus = parse_cpus(params.get("cpus"))
    memory = parse_memory(params.get("memory"))
    volumes = parse_volumes(params.get("volumes"))
    links = parse_links(params.get("links"))
    volumes_from = [str(v) for v in params.get("volumes_from") or []]
    network_mode = _network_mode(params.get("network_mode"))
    user_labels = parse_labels(params.get("labels"))
    if replica_of:
        user_labels[REPLICA_LABEL] = replica_of
    raw_request = {
        "name": name, "image": image or "", "env": parse_env(params.get("env")), "labels": user_labels,
        "constraints": list(params.get("constraints") or []), "affinities": list(params.get("affinities") or []),
        "whitelists": list(params.get("whitelists") or []), "cpus": cpus, "memory": memory,
        "ports": [port.as_request() for port in ports], "network_mode": network_mode,
        "exposed_ports": sorted({port.key for port in ports}), "volumes_from": volumes_from,
        "links": [link.split(":", 1)[0] for link in links],
    }
    try:
        request = clean_request(raw_request)
        Request(request)  # parses every expression, port and number: errors surface before any I/O
        expressions = gather_expressions(request)
    except SchedulingError as exc:
        raise ContainerOptionError(str(exc)) from None
    labels = labels_with_expressions(user_labels, expressions)
    labels.update(reservation_labels(cpus=cpus, memory=memory, ports=request["ports"],
                                     exposed_ports=request["exposed_ports"], volumes_from=volumes_from,
                                     links=request["links"]))
    request["labels"] = labels
    command = parse_command(params.get("command"), "command")
    entrypoint = parse_command(params.get("entrypoint"), "entrypoint")
    restart = restart_policy(params.get("restart_policy"), params.get("restart_retries"))
    body = _create_body(image, request["env"], labels, ports, volumes.binds, volumes.anonymous, volumes_from,
                        links, network_mode, restart, cpus, memory, command, entrypoint)
    wanted: Dict[str, Any] = {
        "ports": sorted(_port_tuple(port) for port in ports), "volumes_from": sorted(volumes_from),
        "links": sorted(links), "network_mode": network_mode, "cpus": cpus, "memory": memory,
    }
    if image:
        wanted["image"] = image_reference(image)
    optional = {"command": command, "entrypoint": entrypoint, "restart_policy": restart}
    wanted.update({key: value for key, value in optional.items() if value is not None})
    if params.get("env") is not None:
        wanted["env"] = sorted(request["env"])
    if params.get("volumes") is not None:
        wanted["volumes"] = sorted(volumes.binds + volumes.anonymous)
    return Desired(name=name, image=image, request=request, body=body, labels=labels, wanted=wanted,
                   replica_of=replica_of)


def _port_tuple(port: PortSpec) -> List[Any]:
    return [port.host_ip if port.host_ip not in ("0.0.0.0", "::") else "", port.host_port or 0,
            port.container_port, port.protocol]


def _create_body(image: Optional[str], env: List[str], labels: Dict[str, str], ports: List[PortSpec],
                 binds: List[str], anonymous: List[str], volumes_from: List[str], links: List[str],
                 network_mode: str, restart: Optional[Dict[str, Any]], cpus: float, memory: int,
                 command: Optional[List[str]], entrypoint: Optional[List[str]]) -> Dict[str, Any]:
    """The Engine API `POST /containers/create` body (the name goes in the query)."""
    bindings: Dict[str, List[Dict[str, str]]] = {}
    for port in ports:
        bindings.setdefault(port.key, []).append({"HostIp": port.host_ip,
                                                  "HostPort": str(port.host_port) if port.host_port else ""})
    host_config: Dict[str, Any] = {"NetworkMode": network_mode}
    optional_host = {"PortBindings": bindings, "Binds": binds, "VolumesFrom": volumes_from, "Links": links,
                     "RestartPolicy": restart, "NanoCpus": int(round(cpus * 1e9)), "Memory": memory}
    host_config.update({key: value for key, value in optional_host.items() if value})
    body: Dict[str, Any] = {"Image": image or "", "Env": env, "Labels": dict(labels), "HostConfig": host_config}
    if ports:
        body["ExposedPorts"] = {port.key: {} for port in ports}
    if anonymous:
        body["Volumes"] = {path: {} for path in anonymous}
    if command is not None:
        body["Cmd"] = command
    if entrypoint is not None:
        body["Entrypoint"] = entrypoint
    return body
