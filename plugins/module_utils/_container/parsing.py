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
        """The scheduler's port shape (docs/architecture.md, the data contract)."""
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


SIZE_FORM = "a size such as 64M, 1G, 512MiB or a number of bytes"
MAX_SIZE = 2 ** 63 - 1  # the Engine API's int64


def parse_size(value: Any, option: str = "memory") -> int:
    """``64M``, ``1g``, ``512MiB``, ``1048576`` -> bytes (binary units, as docker run -m); None and "" -> 0."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ContainerOptionError("%s: %r is not %s" % (option, value, SIZE_FORM))
    if isinstance(value, (int, float)):
        size = int(value)
    else:
        match = MEMORY.match(str(value))
        if not match:
            raise ContainerOptionError("%s: %r is not %s" % (option, value, SIZE_FORM))
        size = int(float(match.group(1)) * MEMORY_UNITS[match.group(2).lower()])
    if size < 0:
        raise ContainerOptionError("%s: %r must not be negative" % (option, value))
    if size > MAX_SIZE:
        raise ContainerOptionError("%s: %r is larger than the Engine API allows (8 EiB)" % (option, value))
    return size


def parse_memory(value: Any) -> int:
    """``memory`` in bytes (see ``parse_size``)."""
    return parse_size(value, "memory")


def parse_number(value: Any, option: str, minimum: Optional[float] = None, form: str = "a number") -> float:
    """A finite number (not a boolean); inf, nan and values below ``minimum`` are errors naming the option."""
    if isinstance(value, bool):
        raise ContainerOptionError("%s: %r is not %s" % (option, value, form))
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ContainerOptionError("%s: %r is not %s" % (option, value, form)) from None
    if math.isnan(number) or math.isinf(number):
        raise ContainerOptionError("%s: %r is not %s (it must be finite)" % (option, value, form))
    if minimum is not None and number < minimum:
        raise ContainerOptionError("%s: %r must be %g or more" % (option, value, minimum))
    return number


def parse_int(value: Any, option: str, minimum: Optional[int] = None, maximum: Optional[int] = None) -> int:
    """A whole number (``"5"`` is fine, ``5.5`` and booleans are not) within the given bounds."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ContainerOptionError("%s: %r is not a whole number" % (option, value))
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ContainerOptionError("%s: %r is not a whole number" % (option, value)) from None
    if minimum is not None and number < minimum:
        raise ContainerOptionError("%s: %r must be %d or more" % (option, value, minimum))
    if maximum is not None and number > maximum:
        raise ContainerOptionError("%s: %r must be %d or less" % (option, value, maximum))
    return number


def parse_cpus(value: Any) -> float:
    """CPUs as a finite number >= 0 (0.5 is half a CPU); None -> 0."""
    if value is None:
        return 0
    cpus = parse_number(value, "cpus", 0, "a number of CPUs such as 1 or 0.5")
    if cpus * 1e9 >= 2 ** 63:
        raise ContainerOptionError("cpus: %r is more than the Engine API can express" % (value,))
    return int(cpus) if cpus.is_integer() else cpus


def parse_text(value: Any, option: str) -> str:
    """A plain string option (numbers are turned into text; lists, dicts and booleans are errors)."""
    if isinstance(value, (bool, list, tuple, dict)) or value is None:
        raise ContainerOptionError("%s must be a string, got %r" % (option, value))
    return str(value)


def parse_flag(value: Any, option: str) -> bool:
    """A boolean option (Ansible's argument spec converts yes/no; direct callers must pass a bool)."""
    if not isinstance(value, bool):
        raise ContainerOptionError("%s must be true or false, got %r" % (option, value))
    return value


def parse_text_list(value: Any, option: str) -> List[str]:
    """A list of non-empty strings (a comma-separated string is split, as Ansible does for list options)."""
    if isinstance(value, str):
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, (list, tuple)):
        raise ContainerOptionError("%s must be a list of strings, got %r" % (option, value))
    items = []
    for item in value:
        if isinstance(item, (bool, list, tuple, dict)) or item is None or str(item).strip() == "":
            raise ContainerOptionError("%s: every entry must be a non-empty string, got %r" % (option, item))
        items.append(str(item).strip())
    return items


def parse_text_dict(value: Any, option: str) -> Dict[str, str]:
    """A dict of strings: numbers become text; booleans, lists, dicts and nulls are errors (quote them)."""
    if not isinstance(value, Mapping):
        raise ContainerOptionError("%s must be a dict, got %s" % (option, type(value).__name__))
    result = {}
    for key, item in value.items():
        if isinstance(item, bool):
            raise ContainerOptionError("%s: the value of %s is the boolean %s; quote it ('%s')"
                                       % (option, key, item, "true" if item else "false"))
        if isinstance(item, (dict, list, tuple)) or item is None:
            raise ContainerOptionError("%s: the value of %s must be a string, got %r" % (option, key, item))
        result[str(key)] = str(item)
    return result


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


def parse_restart_policy(name: Any) -> str:
    """``restart_policy``: one of RESTART_POLICIES (``no`` is sent to the engine as an empty name)."""
    if name not in RESTART_POLICIES:
        raise ContainerOptionError("restart_policy must be one of %s, got %r (quote 'no' in YAML)" % (", ".join(RESTART_POLICIES), name))
    return str(name)


def parse_restart_retries(retries: Any, policy: Optional[str]) -> int:
    """``restart_retries``: how often on-failure restarts; only with that policy."""
    if policy is None:
        raise ContainerOptionError("restart_retries needs restart_policy=on-failure")
    if policy != "on-failure":
        raise ContainerOptionError("restart_retries only applies to restart_policy=on-failure, not %s" % policy)
    return parse_int(retries, "restart_retries", 0)


def image_reference(image: str) -> str:
    """``busybox`` -> ``busybox:latest``; tags and digests are kept (the form the image is compared in)."""
    if "@" in image:
        return image
    last = image.rsplit("/", 1)[-1]
    return image if ":" in last else image + ":latest"
