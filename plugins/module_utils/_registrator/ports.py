# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which ports of a container become services (Registrator's ``add`` and ``servicePort``)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError

PLAIN_MODES = ("bridge", "default", "host", "")


class ServicePort(NamedTuple):
    """One exposed port with its first host binding (empty host_port: not published)."""

    exposed_port: str
    protocol: str
    host_port: str
    host_ip: str
    container_ip: str


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RegistratorError("%s must be a mapping, got %s" % (what, type(value).__name__))
    return value


def container_ip(settings: Mapping[str, Any]) -> str:
    """``NetworkSettings.IPAddress``, else the first network's address (by network name)."""
    address = settings.get("IPAddress") or ""
    if address:
        return address
    networks = _mapping(settings.get("Networks"), "NetworkSettings.Networks")
    for name in sorted(networks):
        found = (networks[name] or {}).get("IPAddress") or ""
        if found:
            return found
    return ""


def _service_port(inspect: Mapping[str, Any], key: str, bindings: Any) -> ServicePort:
    host_port = host_ip = ""
    if bindings:
        first = bindings[0] or {}
        host_port = str(first.get("HostPort") or "")
        host_ip = first.get("HostIp") or first.get("HostIP") or ""
    if not host_ip:
        host_ip = "0.0.0.0"
    settings = _mapping(inspect.get("NetworkSettings"), "NetworkSettings")
    mode = (_mapping(inspect.get("HostConfig"), "HostConfig").get("NetworkMode") or "")
    if mode not in PLAIN_MODES and not mode.startswith("container:"):
        # a user-defined or overlay network: the container's address on it
        network = _mapping(settings.get("Networks"), "NetworkSettings.Networks").get(mode) or {}
        host_ip = network.get("IPAddress") or ""
    port, unused_sep, protocol = key.partition("/")
    return ServicePort(port, protocol or "tcp", host_port, host_ip, container_ip(settings))


def service_ports(inspect: Mapping[str, Any], internal: bool = False) -> List[ServicePort]:
    """The container's service ports, sorted by (port number, protocol).

    Every ``Config.ExposedPorts`` entry counts as published on the same host port (this is
    what makes ``--net=host`` work); ``NetworkSettings.Ports`` then replaces those entries
    with the real bindings. Unpublished ports are left out unless ``internal``.
    """
    config = _mapping(inspect.get("Config"), "Config")
    ports: Dict[str, ServicePort] = {}
    for key in _mapping(config.get("ExposedPorts"), "Config.ExposedPorts"):
        number = key.partition("/")[0]
        ports[key] = _service_port(inspect, key, [{"HostIp": "0.0.0.0", "HostPort": number}])
    settings = _mapping(inspect.get("NetworkSettings"), "NetworkSettings")
    for key, bindings in _mapping(settings.get("Ports"), "NetworkSettings.Ports").items():
        ports[key] = _service_port(inspect, key, bindings)
    chosen = [port for port in ports.values() if internal or port.host_port]
    return sorted(chosen, key=lambda port: (int(port.exposed_port) if port.exposed_port.isdigit() else 0,
                                            port.exposed_port, port.protocol))
