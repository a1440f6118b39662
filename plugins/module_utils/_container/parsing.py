# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the docker-run style values of swarm_container's options (ports, memory, env, volumes, ...).

Pure functions, no I/O and no ansible import. Every error is a ``ContainerOptionError`` whose
message names the option, the bad value and the expected form, so a module can fail with it
before anything is read or created.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Sequence

PROTOCOLS = ("tcp", "udp", "sctp")
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
MEMORY_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4, "p": 1024 ** 5}
MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([bkmgtp]?)(?:i?b)?\s*$", re.IGNORECASE)
ENV_NAME = re.compile(r"^[^=\s][^=]*$")
PORT_FORM = "[ip:][host_port:]container_port[/tcp|udp|sctp], e.g. 80:80, 127.0.0.1:53:53/udp, 8080 or 8000-8001:80-81"


class ContainerOptionError(ValueError):
    """An option value that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class PortSpec:
    """One published port: host_port None means "any free port" (it never conflicts)."""

    host_ip: str
    host_port: Optional[int]
    container_port: int
    protocol: str

    @property
    def key(self) -> str:
        """The Engine API's port key, e.g. ``80/tcp``."""
        return "%d/%s" % (self.container_port, self.protocol)

    def as_request(self) -> Dict[str, Any]:
        """The scheduler's (SPEC section 3) port shape."""
        return {"host_ip": self.host_ip, "host_port": self.host_port or 0,
                "container_port": self.container_port, "protocol": self.protocol}


def _port_number(text: str, what: str, spec: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ContainerOptionError("ports: %s %r in %r is not a port number 1-65535; expected %s" % (what, text, spec, PORT_FORM))
    return int(text)


def _port_range(text: str, what: str, spec: str) -> List[int]:
    first, sep, last = text.partition("-")
    start = _port_number(first, what, spec)
    end = _port_number(last, what, spec) if sep else start
    if end < start:
        raise ContainerOptionError("ports: the %s range %r in %r runs backwards" % (what, text, spec))
    return list(range(start, end + 1))


def _split_ip(spec: str) -> "tuple[str, str]":
    """Split a leading IP (``[::1]:`` or ``1.2.3.4:``) off a port spec."""
    if spec.startswith("["):
        ip, sep, rest = spec[1:].partition("]:")
        if not sep:
            raise ContainerOptionError("ports: %r has an unclosed IPv6 address; expected [::1]:80:80" % spec)
        return ip, rest
    parts = spec.split(":")
    if len(parts) == 3:
        return parts[0], ":".join(parts[1:])
    if len(parts) > 3:
        raise ContainerOptionError("ports: %r has too many ':'; write IPv6 addresses in brackets, e.g. [::1]:80:80" % spec)
    return "", spec


def parse_port(value: Any) -> List[PortSpec]:
    """One ``ports`` entry (``80:80``, ``127.0.0.1:53:53/udp``, ``8080``, ``8000-8001:80-81``) -> PortSpecs."""
    spec = str(value).strip()
    if not spec:
        raise ContainerOptionError("ports: an entry is empty; expected %s" % PORT_FORM)
    body, sep, protocol = spec.partition("/")
    protocol = protocol.lower() if sep else "tcp"
    if protocol not in PROTOCOLS:
        raise ContainerOptionError("ports: unknown protocol %r in %r; use tcp, udp or sctp" % (protocol, spec))
    host_ip, rest = _split_ip(body)
    host_text, sep, container_text = rest.rpartition(":")
    if not sep:
        host_text, container_text = "", rest
    containers = _port_range(container_text, "container port", spec)
    hosts: List[Optional[int]] = _port_range(host_text, "host port", spec) if host_text else [None] * len(containers)
    if len(hosts) != len(containers):
        raise ContainerOptionError("ports: %r maps %d host ports to %d container ports; ranges must have the same length"
                                   % (spec, len(hosts), len(containers)))
    if host_ip and not re.match(r"^[0-9a-fA-F.:]+$", host_ip):
        raise ContainerOptionError("ports: %r is not an IP address in %r; expected %s" % (host_ip, spec, PORT_FORM))
    return [PortSpec(host_ip, host, container, protocol) for host, container in zip(hosts, containers)]


def parse_ports(values: Optional[Sequence[Any]]) -> List[PortSpec]:
    """All ``ports`` entries; a host port bound twice on the same IP and protocol is an error."""
    ports: List[PortSpec] = []
    for value in values or []:
        for port in parse_port(value):
            clash = [p for p in ports if port.host_port and p.host_port == port.host_port and p.protocol == port.protocol
                     and (p.host_ip == port.host_ip or "" in (p.host_ip, port.host_ip))]
            if clash:
                raise ContainerOptionError("ports: host port %d/%s is published twice" % (port.host_port, port.protocol))
            if port not in ports:
                ports.append(port)
    return ports


def parse_memory(value: Any) -> int:
    """``64M``, ``1g``, ``512MiB``, ``1048576`` -> bytes (binary units, as docker run -m)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ContainerOptionError("memory: %r is not a size; expected e.g. 64M, 1G or a number of bytes" % (value,))
    if isinstance(value, int):
        if value < 0:
            raise ContainerOptionError("memory: %r must not be negative" % (value,))
        return value
    match = MEMORY.match(str(value))
    if not match:
        raise ContainerOptionError("memory: %r is not a size; expected e.g. 64M, 1G, 512MiB or a number of bytes" % (value,))
    return int(float(match.group(1)) * MEMORY_UNITS[match.group(2).lower()])


def parse_cpus(value: Any) -> float:
    """CPUs as a number >= 0 (0.5 is half a CPU)."""
    if value is None:
        return 0
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise ContainerOptionError("cpus: %r is not a number of CPUs such as 1 or 0.5" % (value,)) from None
    if cpus < 0 or math.isnan(cpus):
        raise ContainerOptionError("cpus: %r must be 0 or more" % (value,))
    return int(cpus) if cpus.is_integer() else cpus


def _env_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        raise ContainerOptionError("env: the value of %s is the boolean %s; quote it ('%s') so the container gets the "
                                   "text you mean" % (key, value, "true" if value else "false"))
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ContainerOptionError("env: the value of %s must be a string, not a %s" % (key, type(value).__name__))
    return str(value)


def parse_env(value: Any) -> List[str]:
    """``env`` as a dict (``{K: V}``) or a list (``["K=V", "constraint:zone==x"]``) -> ``["K=V", ...]``.

    A string (``env=A=1,constraint:zone==x`` in an ad-hoc ``-a``) is a comma-separated list, as Ansible
    reads list options.
    """
    if value is None:
        return []
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, Mapping):
        return ["%s=%s" % (key, _env_value(str(key), item)) for key, item in value.items()]
    if isinstance(value, (list, tuple)):
        entries = []
        for item in value:
            if not isinstance(item, str):
                raise ContainerOptionError("env: list entries must be strings like KEY=value, got %r" % (item,))
            if "=" not in item and ":" not in item:
                raise ContainerOptionError("env: %r is neither KEY=value nor a constraint:/affinity:/whitelist: entry" % item)
            entries.append(item)
        return entries
    raise ContainerOptionError("env must be a dict, a list of KEY=value strings or a comma-separated string, got %s"
                               % type(value).__name__)


def parse_labels(value: Any) -> Dict[str, str]:
    """``labels`` as a dict of strings (numbers are turned into text)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ContainerOptionError("labels must be a dict, got %s" % type(value).__name__)
    labels = {}
    for key, item in value.items():
        if isinstance(item, (dict, list)) or item is None:
            raise ContainerOptionError("labels: the value of %s must be a string" % key)
        labels[str(key)] = ("true" if item else "false") if isinstance(item, bool) else str(item)
    return labels


def parse_command(value: Any, option: str) -> Optional[List[str]]:
    """``command``/``entrypoint`` as a list or a shell-like string (split like a shell would)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError as exc:
            raise ContainerOptionError("%s: cannot split %r: %s" % (option, value, exc)) from None
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    raise ContainerOptionError("%s must be a string or a list, got %s" % (option, type(value).__name__))


@dataclass(frozen=True)
class Volumes:
    """``volumes`` split into bind/named mounts (HostConfig.Binds) and anonymous volumes (Config.Volumes)."""

    binds: List[str]
    anonymous: List[str]


def parse_volumes(values: Optional[Sequence[Any]]) -> Volumes:
    """``/host:/data:ro``, ``name:/data``, ``/data`` -> Volumes."""
    binds: List[str] = []
    anonymous: List[str] = []
    for value in values or []:
        text = str(value).strip()
        parts = text.split(":")
        if len(parts) == 1:
            target = parts[0]
        elif len(parts) in (2, 3):
            target = parts[1]
            if not parts[0]:
                raise ContainerOptionError("volumes: %r has an empty source; expected /host/path:/path[:ro] or name:/path" % text)
        else:
            raise ContainerOptionError("volumes: %r has too many ':'; expected /host/path:/path[:mode]" % text)
        if not target.startswith("/"):
            raise ContainerOptionError("volumes: the container path in %r must be absolute (start with /)" % text)
        (anonymous if len(parts) == 1 else binds).append(text)
    return Volumes(binds, anonymous)


def parse_links(values: Optional[Sequence[Any]]) -> List[str]:
    """``db`` or ``db:alias`` -> ``db:alias`` (the alias defaults to the name, as docker run does)."""
    links = []
    for value in values or []:
        name, sep, alias = str(value).strip().partition(":")
        if not name or (sep and not alias):
            raise ContainerOptionError("links: %r is not name or name:alias" % (value,))
        links.append("%s:%s" % (name, alias or name))
    return links


def restart_policy(name: Optional[str], retries: Optional[int]) -> Optional[Dict[str, Any]]:
    """HostConfig.RestartPolicy from ``restart_policy`` and ``restart_retries``."""
    if name is None:
        if retries is not None:
            raise ContainerOptionError("restart_retries needs restart_policy=on-failure")
        return None
    if name not in RESTART_POLICIES:
        raise ContainerOptionError("restart_policy must be one of %s, got %r" % (", ".join(RESTART_POLICIES), name))
    if retries is not None and name != "on-failure":
        raise ContainerOptionError("restart_retries only applies to restart_policy=on-failure")
    return {"Name": "" if name == "no" else name, "MaximumRetryCount": int(retries or 0)}
