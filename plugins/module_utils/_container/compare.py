# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does an existing container match the task? The way community.docker's docker_container decides.

Like docker_container: an option the task does not set is not compared (``command``,
``entrypoint``, ``env``, ``labels``, ``volumes``, ``restart_policy``); lists where order
matters (command, entrypoint) compare strictly; ``env``, ``labels`` and ``volumes`` allow more
entries on the container (the image adds its own); the image compares by the id the name resolves to on
the container's engine, and by name. Any difference means recreate (no in-place update).

Deliberate differences: what the scheduler reserves (CPUs, memory, published ports, links,
volumes_from, network mode) is always compared and strictly, because it is what the
container's reservation labels record and other placements count on; so are the labels this
project manages (``com.docker.swarm.*`` expressions, ``com.dockyard.swarm.*`` reservation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import MANAGED_LABELS, Desired, image_reference


@dataclass(frozen=True)
class Difference:
    """One option whose value on the container is not what the task wants."""

    option: str
    wanted: Any
    current: Any

    def as_dict(self) -> Dict[str, Any]:
        return {"option": self.option, "wanted": self.wanted, "current": self.current}


def _ports(bindings: Optional[Mapping[str, Any]]) -> List[List[Any]]:
    ports = []
    for key, hosts in (bindings or {}).items():
        number, unused_sep, protocol = str(key).partition("/")
        for host in hosts or [{}]:
            ip = (host or {}).get("HostIp") or ""
            host_port = str((host or {}).get("HostPort") or "")
            ports.append(["" if ip in ("0.0.0.0", "::") else ip, int(host_port) if host_port.isdigit() else 0,
                          int(number), (protocol or "tcp").lower()])
    return sorted(ports)


def _links(links: Optional[List[str]]) -> List[str]:
    """Inspect shows ``/db:/web/alias``; the task says ``db:alias``."""
    found = []
    for link in links or []:
        source, unused_sep, target = str(link).partition(":")
        found.append("%s:%s" % (source.lstrip("/"), target.rsplit("/", 1)[-1] or source.lstrip("/")))
    return sorted(found)


def _restart(policy: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    policy = policy or {}
    return {"Name": policy.get("Name") or "", "MaximumRetryCount": int(policy.get("MaximumRetryCount") or 0)}


def current_values(inspect: Mapping[str, Any]) -> Dict[str, Any]:
    """The compared options as the container has them (same shapes as ``Desired.wanted``)."""
    config = inspect.get("Config") or {}
    host = inspect.get("HostConfig") or {}
    nano = host.get("NanoCpus") or 0
    cpus = nano / 1e9
    network_mode = host.get("NetworkMode") or "default"
    return {
        "image": image_reference(config.get("Image") or ""),
        "image_id": inspect.get("Image") or "",
        "command": config.get("Cmd"),
        "entrypoint": config.get("Entrypoint"),
        "env": sorted(config.get("Env") or []),
        "labels": dict(config.get("Labels") or {}),
        "ports": _ports(host.get("PortBindings")),
        "volumes": sorted(list(host.get("Binds") or []) + list((config.get("Volumes") or {}).keys())),
        "volumes_from": sorted(host.get("VolumesFrom") or []),
        "links": _links(host.get("Links")),
        "network_mode": "bridge" if network_mode == "default" else network_mode,
        "restart_policy": _restart(host.get("RestartPolicy")),
        "cpus": int(cpus) if float(cpus).is_integer() else round(cpus, 3),
        "memory": int(host.get("Memory") or 0),
    }


def differences(desired: Desired, inspect: Mapping[str, Any], image_id: Optional[str] = None) -> List[Difference]:
    """Every option of ``desired`` the container does not match; empty when it can stay as it is.

    ``image_id`` is the id ``desired.image`` has on the container's engine (None when the engine
    does not have it: then only the name is compared, and pulling decides the rest).
    """
    current = current_values(inspect)
    found: List[Difference] = []
    wanted = desired.wanted
    for option in ("image", "command", "entrypoint", "ports", "volumes_from", "links", "network_mode", "restart_policy",
                   "cpus", "memory"):
        if option in wanted and wanted[option] != current[option]:
            found.append(Difference(option, wanted[option], current[option]))
    if "image" in wanted and image_id and image_id != current["image_id"]:
        found.append(Difference("image_id", image_id, current["image_id"]))
    if "env" in wanted:
        missing = sorted(set(wanted["env"]) - set(current["env"]))
        if missing:
            found.append(Difference("env", missing, [e for e in current["env"] if e.split("=", 1)[0] in
                                                     {m.split("=", 1)[0] for m in missing}]))
    if "volumes" in wanted and not set(wanted["volumes"]) <= set(current["volumes"]):
        found.append(Difference("volumes", wanted["volumes"], current["volumes"]))
    labels = current["labels"]
    user = {key: value for key, value in desired.user_labels.items() if labels.get(key) != value}
    if user:
        found.append(Difference("labels", user, {key: labels.get(key) for key in user}))
    managed = desired.managed_labels
    stale = {key: labels.get(key) for key in MANAGED_LABELS if labels.get(key) != managed.get(key)}
    if stale:
        found.append(Difference("managed_labels", {key: managed.get(key) for key in stale}, stale))
    return found


def describe(desired: Optional[Desired], inspect: Optional[Mapping[str, Any]], node: Optional[str],
             state: Optional[str]) -> Dict[str, Any]:
    """One side of the diff: the compared options, plus where the container runs and its state."""
    if desired is None and inspect is None:
        return {}
    if inspect is not None:
        values = current_values(inspect)
        keys = set(desired.wanted) if desired is not None else set(values)
        view = {key: values[key] for key in sorted(keys) if key in values}
        if desired is not None:
            view["labels"] = {key: values["labels"].get(key) for key in desired.labels if key in values["labels"]}
    else:
        view = {key: desired.wanted[key] for key in sorted(desired.wanted)}  # type: ignore[union-attr]
        view["labels"] = dict(desired.labels)  # type: ignore[union-attr]
    view["node"] = node
    view["state"] = state
    return view
