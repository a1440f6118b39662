# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The services Registrator builds for one container (``newService``)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.metadata import combine_tags, service_metadata
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.ports import ServicePort, service_ports

WILDCARDS = ("0.0.0.0", "", "::")


class Service(NamedTuple):
    """Registrator's ``bridge.Service``."""

    id: str
    name: str
    port: int
    ip: str
    tags: List[str]
    attrs: Dict[str, str]
    exposed_port: str
    protocol: str

    def as_dict(self) -> Dict[str, Any]:
        return {"id": self.id, "name": self.name, "port": self.port, "ip": self.ip, "tags": list(self.tags),
                "attrs": dict(self.attrs), "exposed_port": self.exposed_port, "protocol": self.protocol}


def default_name(image: str) -> str:
    """``strings.Split(path.Base(image), ":")[0]``: ``gliderlabs/foobar:1.2`` -> ``foobar``."""
    base = image.rstrip("/").rsplit("/", 1)[-1] if image.rstrip("/") else "."
    return base.split(":", 1)[0]


def _tag_text(force_tags: Union[None, str, Sequence[str]]) -> List[Optional[str]]:
    if force_tags is None or isinstance(force_tags, str):
        return [force_tags]
    return [str(tag).replace(",", "\\,") for tag in force_tags]


def container_services(inspect: Mapping[str, Any], hostname: str, host_ip: Optional[str] = None,
                       ip: Optional[str] = None, internal: bool = False,
                       force_tags: Union[None, str, Sequence[str]] = None) -> List[Service]:
    """The services of one container (``docker inspect`` data), sorted by exposed port.

    ``hostname``: the registrator host's name (first part of every ID); ``host_ip``: the
    address a wildcard binding (``0.0.0.0``, ``::``, empty) stands for; ``ip``: Registrator's
    ``-ip`` (replaces every binding address); ``internal``: Registrator's ``-internal``
    (container address and exposed port, unpublished ports included); ``force_tags``:
    ``-tags`` (a comma-separated string or a list).
    """
    if not isinstance(inspect, Mapping):
        raise RegistratorError("container inspect data must be a mapping, got %s" % type(inspect).__name__)
    config = inspect.get("Config") or {}
    container = str(inspect.get("Name") or "").lstrip("/")
    if not container:
        raise RegistratorError("container inspect data has no Name")
    image = str(config.get("Image") or inspect.get("Image") or "")
    ports = service_ports(inspect, internal)
    group = len(ports) > 1
    services = []
    for port in ports:
        service = _service(config, container, image, port, group, hostname, host_ip, ip, internal, force_tags)
        if service is not None:
            services.append(service)
    return services


def _service(config: Mapping[str, Any], container: str, image: str, port: ServicePort, group: bool, hostname: str,
             host_ip: Optional[str], ip: Optional[str], internal: bool,
             force_tags: Union[None, str, Sequence[str]]) -> Optional[Service]:
    metadata, from_port = service_metadata(config, port.exposed_port)
    if metadata.get("ignore"):
        return None  # any non-empty value, "false" included
    address = port.host_ip
    id_host = hostname or address
    if address in WILDCARDS and host_ip:
        address = host_ip
    if ip:
        address = ip
    service_id = "%s:%s:%s" % (id_host, container, port.exposed_port)
    name = metadata.get("name") or default_name(image)
    if group and not from_port.get("name"):
        name += "-" + port.exposed_port
    if internal:
        address, number = port.container_ip, port.exposed_port
    else:
        number = port.host_port
    extra = ["udp"] if port.protocol == "udp" else []
    tags = combine_tags([metadata.get("tags")] + _tag_text(force_tags)) + extra
    if port.protocol == "udp":
        service_id += ":udp"
    if metadata.get("id"):
        service_id = metadata["id"]
    attrs = {key: value for key, value in metadata.items() if key not in ("id", "tags", "name")}
    return Service(service_id, name, _port_number(number), address, tags, attrs, port.exposed_port, port.protocol)


def _port_number(text: str) -> int:
    """``strconv.Atoi`` with its error ignored: 0 when not a number."""
    try:
        return int(text)
    except ValueError:
        return 0
