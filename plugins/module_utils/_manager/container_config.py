# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A `POST /containers/create` body -> the scheduler request and the body the engine receives.

Classic Swarm's BuildContainerConfig: expressions come from ``constraint:``/``affinity:``/
``whitelist:``/``reschedule:`` env entries (removed from the env) and the ``com.docker.swarm.*``
JSON-array labels; the merged lists are written back into those labels, with the Swarm id
(``com.docker.swarm.id``). The reservation goes into the labels swarm_container writes
(``_engine.reservation_labels``), so both front ends account for each other's containers.

Resources: CPUs are ``HostConfig.NanoCpus`` (``docker run --cpus``); ``CpuShares`` stay what the
engine makes of them (a relative weight) and reserve nothing. Memory is ``HostConfig.Memory``.
Legacy top-level resource fields (API < 1.19 bodies) are moved into HostConfig first.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import ports_from_bindings, reservation_labels
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
    SchedulingError,
    clean_request,
    gather_expressions,
    labels_with_expressions,
)

SWARM_ID_LABEL = "com.docker.swarm.id"
RESCHEDULE_POLICIES = ("off", "on-node-failure")
LEGACY_RESOURCE_FIELDS = ("Memory", "MemorySwap", "CpuShares", "CpuPeriod", "CpuQuota", "CpusetCpus", "CpusetMems",
                          "BlkioWeight", "OomKillDisable")


class BadRequest(Exception):
    """The create body cannot be used; the message says why (answered 400)."""


@dataclass
class CreateSpec:
    """What one create asks for."""

    name: str
    image: str
    body: Dict[str, Any]
    request: Dict[str, Any]
    swarm_id: str


def _network_mode(host_config: Mapping[str, Any]) -> str:
    mode = host_config.get("NetworkMode") or "default"
    return "bridge" if mode == "default" else str(mode)


def _local_network(body: Dict[str, Any], host_config: Dict[str, Any], engine_names: Callable[[], List[str]],
                   constraints: List[str]) -> None:
    """`--net node-1/mynet`: the network lives on node-1, so ask for that node (softly, as classic) and drop the prefix."""
    mode = str(host_config.get("NetworkMode") or "")
    endpoints = (body.get("NetworkingConfig") or {}).get("EndpointsConfig")
    if "/" not in mode and not (isinstance(endpoints, dict) and any("/" in str(key) for key in endpoints)):
        return  # nothing names a node: no need for the names of ~1,000 engines
    names = set(engine_names())
    node, sep, network = mode.partition("/")
    if sep and node in names and network:
        host_config["NetworkMode"] = network
        if not any(c.startswith("node==") and not c.startswith("node==~") for c in constraints):
            constraints.append("node==~%s" % node)
    if isinstance(endpoints, dict):
        renamed = {}
        for key, value in endpoints.items():
            node, sep, network = str(key).partition("/")
            renamed[network if sep and node in names and network else key] = value
        body["NetworkingConfig"]["EndpointsConfig"] = renamed


def _reschedule(policies: List[str]) -> None:
    if len(policies) > 1:
        raise BadRequest("too many reschedule policies")
    for policy in policies:
        if policy not in RESCHEDULE_POLICIES:
            raise BadRequest("invalid reschedule policy: %s" % policy)


def build_create(body: Mapping[str, Any], name: Optional[str], engine_names: Callable[[], List[str]],
                 swarm_id: Optional[str] = None) -> CreateSpec:
    """Validate a create body and derive the request, the engine body and the labels."""
    if not isinstance(body, Mapping):
        raise BadRequest("the create body must be a JSON object")
    created = copy.deepcopy(dict(body))
    image = created.get("Image")
    if not image or not isinstance(image, str):
        raise BadRequest("No command specified" if not image else "Image must be a string")
    host_config = created.get("HostConfig")
    if host_config is None:
        host_config = {}
    if not isinstance(host_config, dict):
        raise BadRequest("HostConfig must be an object")
    for field in LEGACY_RESOURCE_FIELDS:
        if field in created and not host_config.get(field):
            host_config[field] = created.pop(field)
    created["HostConfig"] = host_config
    env = created.get("Env") or []
    labels = created.get("Labels") or {}
    if not isinstance(env, list) or not all(isinstance(item, str) for item in env):
        raise BadRequest("Env must be a list of strings")
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise BadRequest("Labels must be an object of strings")
    try:
        nano = int(host_config.get("NanoCpus") or 0)
        memory = int(host_config.get("Memory") or 0)
    except (TypeError, ValueError):
        raise BadRequest("HostConfig.NanoCpus and HostConfig.Memory must be numbers") from None
    if nano < 0 or memory < 0:
        raise BadRequest("HostConfig.NanoCpus and HostConfig.Memory must not be negative")
    cpus = nano / 1e9
    cpus = int(cpus) if cpus.is_integer() else round(cpus, 3)
    ports = ports_from_bindings(host_config.get("PortBindings") if isinstance(host_config.get("PortBindings"), dict) else {})
    exposed = sorted(set(created.get("ExposedPorts") or {}) | {"%s/%s" % (p["container_port"], p["protocol"]) for p in ports})
    volumes_from = [str(v) for v in host_config.get("VolumesFrom") or []]
    links = [str(link).split(":", 1)[0].lstrip("/") for link in host_config.get("Links") or []]
    raw = {"name": name or "", "image": image, "env": env, "labels": labels, "cpus": cpus, "memory": memory,
           "ports": ports, "network_mode": _network_mode(host_config), "exposed_ports": exposed,
           "volumes_from": volumes_from, "links": links}
    try:
        expressions = gather_expressions(raw)
        request = clean_request(raw)
        constraints = list(request["constraints"])
        _local_network(created, host_config, engine_names, constraints)
        request["constraints"] = expressions["constraints"] = constraints
        request["network_mode"] = _network_mode(host_config)
    except SchedulingError as exc:
        raise BadRequest(str(exc)) from None
    _reschedule(expressions.get("reschedule_policies") or [])
    swarm_id = swarm_id or labels.get(SWARM_ID_LABEL) or os.urandom(32).hex()
    final_labels = labels_with_expressions(labels, expressions)
    final_labels.update(reservation_labels(cpus=cpus, memory=memory, ports=ports, exposed_ports=exposed,
                                           volumes_from=volumes_from, links=links))
    final_labels[SWARM_ID_LABEL] = swarm_id
    request["labels"] = final_labels
    created["Env"] = request["env"]
    created["Labels"] = final_labels
    return CreateSpec(name=name or "", image=image, body=created, request=request, swarm_id=swarm_id)


def image_reference(image: str) -> Dict[str, str]:
    """`fromImage`/`tag` query of a pull for an image reference (tag `latest` when none)."""
    if "@" in image:
        repo, _sep, digest = image.partition("@")
        return {"fromImage": repo, "tag": digest}
    repo, sep, tag = image.rpartition(":")
    if sep and "/" not in tag:
        return {"fromImage": repo, "tag": tag}
    return {"fromImage": image, "tag": "latest"}


def decode_json(data: bytes) -> Any:
    """A request body as JSON; BadRequest with the parser's words when it is not."""
    if not data.strip():
        return {}
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("malformed JSON body: %s" % exc) from None
