# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The container to place, validated and normalised once (expressions parsed, ports normalised)."""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Mapping, Tuple

from .errors import SchedulingError, describe
from .expressions import Expression, parse_expressions
from .ports import PortBinding, exposed_key, port_binding
from .sources import gather_expressions
from .validation import is_mapping, label_text, millicpus, string_list, string_map, whole_number


class Request:
    """What a placement asks for. ``raw`` is the mapping given (custom filters read extra keys there)."""

    __slots__ = ("raw", "name", "image", "labels", "cpus_m", "memory", "network_mode", "ports", "exposed",
                 "volumes_from", "links", "dependencies", "constraints", "affinities", "whitelists")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not is_mapping(raw):
            raise SchedulingError("request must be a mapping, got %s" % describe(raw))
        self.raw = raw
        self.name = _optional_str(raw.get("name"), "request 'name'")
        self.image = _optional_str(raw.get("image"), "request 'image'")
        self.labels = _labels(raw.get("labels"))
        self.cpus_m = millicpus(raw.get("cpus"), "request 'cpus'")
        self.memory = whole_number(raw.get("memory"), "request 'memory'")
        self.network_mode = _optional_str(raw.get("network_mode"), "request 'network_mode'")
        ports = raw.get("ports") or []
        if not isinstance(ports, (list, tuple)):
            raise SchedulingError("request 'ports' must be a list, got %s" % describe(ports))
        self.ports: Tuple[PortBinding, ...] = tuple(
            port_binding(p, "request port %d" % i) for i, p in enumerate(ports))
        exposed_ports = raw.get("exposed_ports") or []
        if is_mapping(exposed_ports):  # Docker API form {"80/tcp": {}}
            exposed_ports = list(exposed_ports)
        if not isinstance(exposed_ports, (list, tuple)):
            raise SchedulingError("request 'exposed_ports' must be a list like ['80/tcp'], got %s"
                                  % describe(exposed_ports))
        exposed = [exposed_key(p, "request 'exposed_ports'") for p in exposed_ports]
        exposed += ["%s/%s" % (p.container_port, p.protocol) for p in self.ports if p.container_port]
        self.exposed: Tuple[str, ...] = tuple(dict.fromkeys(exposed))
        self.volumes_from: Tuple[str, ...] = tuple(string_list(raw.get("volumes_from"), "request 'volumes_from'"))
        self.links: Tuple[str, ...] = tuple(string_list(raw.get("links"), "request 'links'"))
        self.dependencies: Tuple[Tuple[str, str], ...] = tuple(self._dependencies())
        found = gather_expressions(raw)
        self.constraints: Tuple[Expression, ...] = tuple(parse_expressions(found["constraints"], "constraint"))
        self.affinities: Tuple[Expression, ...] = tuple(parse_expressions(found["affinities"], "affinity"))
        self.whitelists: Tuple[Expression, ...] = tuple(parse_expressions(found["whitelists"], "whitelist"))

    def _dependencies(self) -> Iterator[Tuple[str, str]]:
        for entry in self.volumes_from:
            yield "--volumes-from=" + entry, entry.split(":", 1)[0]
        for entry in self.links:
            yield "--link=" + entry, entry.split(":", 1)[0]
        if self.network_mode.startswith("container:"):
            yield "--net=" + self.network_mode, self.network_mode[len("container:"):]

    @property
    def soft_expressions(self) -> List[Expression]:
        return [e for e in self.constraints + self.affinities + self.whitelists if e.soft]


def _labels(value: Any) -> Dict[str, str]:
    labels = {}
    for key, text in string_map(value, "request 'labels'").items():
        try:
            labels[key] = label_text(text)
        except SchedulingError:
            raise SchedulingError("request label %r must be a string, got %s" % (key, describe(text)))
    return labels


def _optional_str(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SchedulingError("%s must be a string, got %s" % (what, describe(value)))
    return value
