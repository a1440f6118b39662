# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What swarm_container asks for: the scheduler request, the Engine API create body, the labels, the settings.

All of it is derived from the option table (``options.TABLE``). ``build_desired(params)``
validates every option before any engine or store is contacted (parse errors, malformed
expressions, unknown strategy or filter, bad overcommit), so a bad task fails with a clear
message and nothing created. Expressions given in the classic env form (``constraint:zone==external``)
are taken out of the env and, merged with the option lists and the ``com.docker.swarm.*`` labels,
written back into those labels; the reservation (CPUs, memory, ports, dependencies) goes into
labels too (``_engine.reservation_labels``) so later snapshots account for it without inspecting
the container.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.option import IGNORE
from ansible_collections.dockyard.swarm.plugins.module_utils._container.options import (
    PULL_POLICIES,
    SETTINGS,
    STATES,
    TABLE,
    default_of,
    option_named,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    ContainerOptionError,
    image_reference,
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
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.sources import LABELS as EXPRESSION_LABELS

__all__ = ["Desired", "Settings", "build_desired", "settings_from", "image_reference", "MANAGED_LABELS",
           "REPLICA_LABEL", "SWARM_ID_LABEL", "STATES", "PULL_POLICIES"]

REPLICA_LABEL = "com.dockyard.swarm.replica_of"
SWARM_ID_LABEL = "com.docker.swarm.id"
# Labels this project writes and compares strictly (present with this value, or absent).
MANAGED_LABELS = frozenset(list(EXPRESSION_LABELS.values()) + [
    LABEL_CPUS, LABEL_MEMORY, LABEL_PORTS, LABEL_EXPOSED_PORTS, LABEL_VOLUMES_FROM, LABEL_LINKS, REPLICA_LABEL])
# Options only settings_from reads; build_desired skips them.
_SETTINGS_ONLY = frozenset(option.name for option in SETTINGS if option.write is None)


@dataclass
class Desired:
    """One container as the task describes it (a replica has its own name).

    ``wanted`` holds the compared options in their compared form (``Option.view``): the given
    ones and the reserved ones, keyed by option name; ``labels`` in it are the user's labels.
    """

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
    """The task-wide settings shared by every container of a run (defaults: the option table's).

    ``stop_timeout`` None lets the engine decide how long a stop waits (the container's own
    StopTimeout, else 10 seconds), as ``docker stop`` does.
    """

    state: str = default_of("state")
    recreate: bool = default_of("recreate")
    pull: str = default_of("pull")
    strategy: str = default_of("strategy")
    filters: Optional[List[str]] = None
    overcommit: float = default_of("overcommit")
    stop_timeout: Optional[int] = None
    lock_timeout: float = default_of("lock_timeout")


def settings_from(params: Mapping[str, Any]) -> Settings:
    """Validate the run-wide options (state, pull, strategy, filters, overcommit, timeouts); defaults for unset ones."""
    return Settings(**{option.name: option.value(params) for option in SETTINGS})


def _values(params: Mapping[str, Any]) -> Dict[str, Any]:
    """Every container option the task sets (and the reserved ones), parsed; the first bad one raises."""
    values = {}
    for option in TABLE:
        if option.name == "name" or option.name in _SETTINGS_ONLY or not option.given(params):
            continue
        values[option.name] = option.value(params)
    return values


def _unique(items: List[str]) -> List[str]:
    return list(dict.fromkeys(items))


def _scheduler_request(name: str, params: Mapping[str, Any], values: Mapping[str, Any], labels: Dict[str, str]) -> Dict[str, Any]:
    """The request in the scheduler's shape: only what placement reads."""
    ports = values["ports"]
    network_links = [link.split(":", 1)[0] for network in values.get("networks") or [] for link in network.get("links") or []]
    return {
        "name": name, "image": params.get("image") or "", "env": list(values.get("env") or []), "labels": labels,
        "constraints": values.get("constraints") or [], "affinities": values.get("affinities") or [],
        "whitelists": values.get("whitelists") or [], "cpus": values["cpus"], "memory": values["memory"],
        "ports": [port.as_request() for port in ports], "network_mode": values["network_mode"],
        "exposed_ports": sorted({port.key for port in ports} | set(values.get("exposed_ports") or [])),
        "volumes_from": list(values["volumes_from"]),
        "links": _unique([link.split(":", 1)[0] for link in values["links"]] + network_links),
    }


def build_desired(params: Mapping[str, Any], name: Optional[str] = None, replica_of: Optional[str] = None) -> Desired:
    """Validate the container options and build the request, create body, labels and compared values."""
    name = option_named("name").parse("name", name or params.get("name"), params)
    values = _values(params)
    user_labels = dict(values.get("labels") or {})
    if replica_of:
        user_labels[REPLICA_LABEL] = replica_of
    try:
        request = clean_request(_scheduler_request(name, params, values, user_labels))
        Request(request)  # parses every expression, port and number: errors surface before any I/O
        expressions = gather_expressions(request)
    except SchedulingError as exc:
        raise ContainerOptionError(str(exc)) from None
    labels = labels_with_expressions(user_labels, expressions)
    labels.update(reservation_labels(cpus=request["cpus"], memory=request["memory"], ports=request["ports"],
                                     exposed_ports=request["exposed_ports"], volumes_from=request["volumes_from"],
                                     links=request["links"]))
    request["labels"] = labels
    if "env" in values:
        values["env"] = request["env"]  # without the classic expression entries
    body: Dict[str, Any] = {"Image": "", "HostConfig": {}}
    wanted: Dict[str, Any] = {}
    for option in TABLE:
        if option.name not in values:
            continue
        if option.write is not None:
            option.write(body, values[option.name])
        if option.comparison != IGNORE:
            wanted[option.name] = option.view(values[option.name])
    body["Labels"] = dict(labels)
    if "labels" in values:
        wanted["labels"] = {key: value for key, value in labels.items() if key not in MANAGED_LABELS}
    return Desired(name=name, image=params.get("image"), request=request, body=body, labels=labels, wanted=wanted,
                   replica_of=replica_of)
