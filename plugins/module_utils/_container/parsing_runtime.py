# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the structured docker-run values: healthcheck, ulimits, devices, tmpfs, etc_hosts, networks, env_file.

The value forms are community.docker docker_container's (``nofile:1024:2048``, durations such as
``1m30s``, ``/dev/fuse:/dev/fuse:rwm``, ``{name, aliases, ipv4_address}`` network entries). Each
parser returns the normalised form the module compares and shows in diffs; every error is a
``ContainerOptionError`` naming the option, the value and the expected form.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    ContainerOptionError,
    parse_int,
    parse_text,
    parse_text_list,
)

DURATION_UNITS = {"ns": 1, "us": 1000, "\u00b5s": 1000, "ms": 10 ** 6, "s": 10 ** 9, "m": 60 * 10 ** 9, "h": 3600 * 10 ** 9}
DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)")
DURATION_FORM = "a duration such as 30s, 1m30s, 500ms or 1h (units us, ms, s, m, h)"
HEALTHCHECK_DURATIONS = ("interval", "timeout", "start_period")
HEALTHCHECK_KEYS = ("test", "test_cli_compatible", "retries") + HEALTHCHECK_DURATIONS
HEALTHCHECK_TEST_KINDS = ("NONE", "CMD", "CMD-SHELL")
ULIMIT_FORM = "name:soft[:hard], e.g. nofile:1024:2048"
DEVICE_FORM = "/path/on/host[:/path/in/container[:permissions]], e.g. /dev/fuse or /dev/sda:/dev/xvda:rwm"
NETWORK_KEYS = ("name", "aliases", "ipv4_address", "ipv6_address", "links")
CAPABILITY = re.compile(r"^[A-Z][A-Z0-9_]*$")


def parse_duration(value: Any, option: str) -> int:
    """``30s``, ``1m30s``, ``500ms`` -> nanoseconds (Go's duration syntax, as docker run --health-interval)."""
    text = str(value).strip() if isinstance(value, str) else None
    if not text:
        raise ContainerOptionError("%s: %r is not %s" % (option, value, DURATION_FORM))
    position, total = 0, 0.0
    for match in DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * DURATION_UNITS[match.group(2)]
        position = match.end()
    if position != len(text):
        raise ContainerOptionError("%s: %r is not %s" % (option, value, DURATION_FORM))
    return int(round(total))


def _healthcheck_test(value: Any) -> List[str]:
    if isinstance(value, str):
        return ["CMD-SHELL", value]
    if not isinstance(value, (list, tuple)) or any(isinstance(item, (dict, list, tuple)) for item in value):
        raise ContainerOptionError("healthcheck.test must be a string (run by the shell) or a list such as "
                                   "[\"CMD\", \"curl\", \"-f\", \"http://localhost/\"], got %r" % (value,))
    test = [str(item) for item in value]
    if test[0] not in HEALTHCHECK_TEST_KINDS:
        raise ContainerOptionError("healthcheck.test: a list must start with NONE, CMD or CMD-SHELL, got %r" % (value,))
    return test


def parse_healthcheck(value: Any) -> Dict[str, Any]:
    """``healthcheck`` -> {test, interval, timeout, start_period (nanoseconds), retries} with only what is set.

    As docker_container: no ``test`` (and no ``test_cli_compatible``) disables the check, ``test: ["NONE"]``
    too; zero durations mean "the image's or the engine's default" and are not sent.
    """
    if not isinstance(value, Mapping):
        raise ContainerOptionError("healthcheck must be a dict with test, interval, timeout, retries, start_period; got %r" % (value,))
    unknown = sorted(set(value) - set(HEALTHCHECK_KEYS))
    if unknown:
        raise ContainerOptionError("healthcheck: unknown key(s) %s; known: %s" % (", ".join(map(str, unknown)), ", ".join(HEALTHCHECK_KEYS)))
    test = value.get("test")
    if not test and not (value.get("test_cli_compatible") and test is None):
        return {"test": ["NONE"]}
    result: Dict[str, Any] = {}
    if test is not None:
        result["test"] = _healthcheck_test(test)
    for key in HEALTHCHECK_DURATIONS:
        if value.get(key) is not None:
            nanoseconds = parse_duration(value[key], "healthcheck.%s" % key)
            if 0 < nanoseconds < 10 ** 6:
                raise ContainerOptionError("healthcheck.%s: %r is shorter than the engine's minimum of 1ms" % (key, value[key]))
            if nanoseconds:
                result[key] = nanoseconds
    if value.get("retries") is not None and parse_int(value["retries"], "healthcheck.retries", 0):
        result["retries"] = int(value["retries"])  # 0 means the default (3), like a zero duration
    return result


def healthcheck_to_api(value: Mapping[str, Any]) -> Dict[str, Any]:
    names = {"test": "Test", "interval": "Interval", "timeout": "Timeout", "start_period": "StartPeriod", "retries": "Retries"}
    return {names[key]: item for key, item in value.items()}


def healthcheck_from_api(value: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    if not value or value.get("Test") == ["NONE"]:
        return {"test": ["NONE"]}
    names = {"Test": "test", "Interval": "interval", "Timeout": "timeout", "StartPeriod": "start_period", "Retries": "retries"}
    return {names[key]: item for key, item in value.items() if key in names and item not in (None, 0, [])}


def parse_ulimits(value: Any) -> List[str]:
    """``nofile:1024:2048`` / ``nproc:512`` (hard = soft) -> sorted ``name:soft:hard`` strings."""
    found: Dict[str, str] = {}
    for item in parse_text_list(value, "ulimits"):
        parts = item.split(":")
        if len(parts) not in (2, 3) or not re.match(r"^[a-z]+$", parts[0]):
            raise ContainerOptionError("ulimits: %r is not %s" % (item, ULIMIT_FORM))
        soft = parse_int(parts[1], "ulimits (%s soft limit)" % parts[0], -1)
        hard = parse_int(parts[2], "ulimits (%s hard limit)" % parts[0], -1) if len(parts) == 3 else soft
        if parts[0] in found:
            raise ContainerOptionError("ulimits: %s is given twice" % parts[0])
        if soft > hard >= 0 or (soft == -1 and hard != -1):
            raise ContainerOptionError("ulimits: the soft limit of %r is above its hard limit" % item)
        found[parts[0]] = "%s:%d:%d" % (parts[0], soft, hard)
    return sorted(found.values())


def ulimits_to_api(value: List[str]) -> List[Dict[str, Any]]:
    return [{"Name": name, "Soft": int(soft), "Hard": int(hard)} for name, soft, hard in (item.split(":") for item in value)]


def ulimits_from_api(value: Any) -> List[str]:
    return sorted("%s:%s:%s" % (item.get("Name"), item.get("Soft"), item.get("Hard")) for item in value or [])


def parse_devices(value: Any) -> List[str]:
    """``/dev/fuse``, ``/dev/sda:/dev/xvda``, ``/dev/sda:/dev/xvda:r`` -> ``host:container:permissions`` strings."""
    devices = []
    for item in parse_text_list(value, "devices"):
        parts = item.split(":")
        if len(parts) == 2 and re.match(r"^[rwm]+$", parts[1]):
            parts = [parts[0], parts[0], parts[1]]
        if len(parts) > 3 or not all(parts):
            raise ContainerOptionError("devices: %r is not %s" % (item, DEVICE_FORM))
        host = parts[0]
        container = parts[1] if len(parts) > 1 else host
        mode = parts[2] if len(parts) > 2 else "rwm"
        if not host.startswith("/") or not container.startswith("/"):
            raise ContainerOptionError("devices: the paths in %r must be absolute; expected %s" % (item, DEVICE_FORM))
        if not re.match(r"^[rwm]+$", mode):
            raise ContainerOptionError("devices: the permissions %r in %r may only use r, w and m" % (mode, item))
        devices.append("%s:%s:%s" % (host, container, mode))
    return devices


def devices_to_api(value: List[str]) -> List[Dict[str, str]]:
    return [{"PathOnHost": host, "PathInContainer": container, "CgroupPermissions": mode}
            for host, container, mode in (item.split(":") for item in value)]


def devices_from_api(value: Any) -> List[str]:
    return ["%s:%s:%s" % (item.get("PathOnHost"), item.get("PathInContainer"), item.get("CgroupPermissions"))
            for item in value or []]


def parse_tmpfs(value: Any) -> Dict[str, str]:
    """``/run`` or ``/run:rw,size=64m`` -> {path: mount options}."""
    mounts: Dict[str, str] = {}
    for item in parse_text_list(value, "tmpfs"):
        path, unused_sep, options = item.partition(":")
        if not path.startswith("/"):
            raise ContainerOptionError("tmpfs: the path in %r must be absolute, e.g. /run or /run:rw,size=64m" % item)
        if path in mounts:
            raise ContainerOptionError("tmpfs: %s is mounted twice" % path)
        mounts[path] = options
    return mounts


def parse_etc_hosts(value: Any) -> List[str]:
    """``{db: 10.0.0.2, gw: host-gateway}`` -> sorted ``host:address`` entries (HostConfig.ExtraHosts)."""
    if not isinstance(value, Mapping):
        raise ContainerOptionError("etc_hosts must be a dict of host names and addresses, got %r" % (value,))
    entries = []
    for host, address in value.items():
        address = parse_text(address, "etc_hosts (%s)" % host).strip()
        if not str(host).strip() or not address:
            raise ContainerOptionError("etc_hosts: %r: %r needs a host name and an address (or host-gateway)" % (host, address))
        entries.append("%s:%s" % (str(host).strip(), address))
    return sorted(entries)


def parse_capabilities(value: Any, option: str) -> List[str]:
    """``NET_ADMIN``, ``cap_net_admin``, ``ALL`` -> ``CAP_NET_ADMIN``, ``ALL`` (the form engines store)."""
    found = []
    for item in parse_text_list(value, option):
        name = item.upper()
        if not CAPABILITY.match(name):
            raise ContainerOptionError("%s: %r is not a capability name such as NET_ADMIN or ALL" % (option, item))
        if name != "ALL" and not name.startswith("CAP_"):
            name = "CAP_" + name
        if name not in found:
            found.append(name)
    return found


def capabilities_from_api(value: Any) -> List[str]:
    return [name if name == "ALL" or name.startswith("CAP_") else "CAP_" + name for name in (str(c).upper() for c in value or [])]


def parse_absolute_path(value: Any, option: str) -> str:
    """An absolute path inside the container, normalised as the engine stores it (``/app/`` -> ``/app``)."""
    text = parse_text(value, option).strip()
    if not text.startswith("/"):
        raise ContainerOptionError("%s: %r must be an absolute path (start with /)" % (option, value))
    return posixpath.normpath(text)


def parse_namespace_mode(value: Any, option: str) -> str:
    """``pid_mode``/``ipc_mode``: ``host``, ``private``, ``shareable``, ...; not ``container:`` (see the error)."""
    text = parse_text(value, option).strip()
    if text.startswith("container:"):
        raise ContainerOptionError("%s: %r would tie the container to another one, which the scheduler does not know; "
                                   "use network_mode container:<name>, volumes_from or links (they place it beside "
                                   "that container), or an affinity container==<name>" % (option, value))
    return text


def _network_entry(item: Any) -> Dict[str, Any]:
    if not isinstance(item, Mapping) or not item.get("name"):
        raise ContainerOptionError("networks: every entry must be a dict with a name (and optionally aliases, "
                                   "ipv4_address, ipv6_address, links), got %r" % (item,))
    unknown = sorted(key for key in item if key not in NETWORK_KEYS and item[key] is not None)
    if unknown:
        raise ContainerOptionError("networks: unknown key(s) %s in %r; supported: %s"
                                   % (", ".join(map(str, unknown)), item, ", ".join(NETWORK_KEYS)))
    name = parse_text(item["name"], "networks.name")
    if name in ("host", "none") or name.startswith("container:"):
        raise ContainerOptionError("networks: %r is a network mode, not a network to join; use network_mode: %s" % (name, name))
    entry: Dict[str, Any] = {"name": name}
    if item.get("aliases") is not None:
        entry["aliases"] = sorted(set(parse_text_list(item["aliases"], "networks.aliases (%s)" % name)))
    for key in ("ipv4_address", "ipv6_address"):
        if item.get(key) is not None:
            entry[key] = parse_text(item[key], "networks.%s (%s)" % (key, name)).strip()
    if item.get("links") is not None:
        links = []
        for link in parse_text_list(item["links"], "networks.links (%s)" % name):
            target, sep, alias = link.partition(":")
            if not target or (sep and not alias):
                raise ContainerOptionError("networks.links (%s): %r is not name or name:alias" % (name, link))
            links.append("%s:%s" % (target, alias or target))
        entry["links"] = sorted(links)
    return entry


def parse_networks(value: Any, network_mode: Optional[str]) -> List[Dict[str, Any]]:
    """``networks`` entries, normalised; the first one is the primary network unless ``network_mode`` names one."""
    if not isinstance(value, (list, tuple)):
        raise ContainerOptionError("networks must be a list of dicts such as [{name: backend, aliases: [web]}], got %r" % (value,))
    mode = str(network_mode or "")
    if mode in ("host", "none") or mode.startswith("container:"):
        raise ContainerOptionError("networks cannot be joined with network_mode %s (the container has no network of its own)" % mode)
    entries = [_network_entry(item) for item in value]
    names = [entry["name"] for entry in entries]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise ContainerOptionError("networks: %s is listed twice" % ", ".join(twice))
    return entries


def networks_to_api(value: List[Mapping[str, Any]]) -> Dict[str, Any]:
    """NetworkingConfig.EndpointsConfig (``_engine.create_container`` joins all but the primary after create)."""
    endpoints = {}
    for entry in value:
        endpoint: Dict[str, Any] = {}
        if entry.get("aliases"):
            endpoint["Aliases"] = list(entry["aliases"])
        ipam = {api: entry[key] for key, api in (("ipv4_address", "IPv4Address"), ("ipv6_address", "IPv6Address")) if entry.get(key)}
        if ipam:
            endpoint["IPAMConfig"] = ipam
        if entry.get("links"):
            endpoint["Links"] = list(entry["links"])
        endpoints[entry["name"]] = endpoint
    return endpoints


def networks_from_api(value: Any) -> List[Dict[str, Any]]:
    """NetworkSettings.Networks -> the ``networks`` form (every network the container is on)."""
    found = []
    for name, endpoint in sorted((value or {}).items()):
        endpoint = endpoint or {}
        ipam = endpoint.get("IPAMConfig") or {}
        links = ["%s:%s" % (link.split(":", 1)[0].lstrip("/"), link.split(":", 1)[-1].rsplit("/", 1)[-1])
                 for link in endpoint.get("Links") or []]
        found.append({"name": name, "aliases": sorted(endpoint.get("Aliases") or []),
                      "ipv4_address": ipam.get("IPv4Address") or "", "ipv6_address": ipam.get("IPv6Address") or "",
                      "links": sorted(links)})
    return found


def networks_match(wanted: List[Mapping[str, Any]], current: List[Mapping[str, Any]]) -> bool:
    """docker_container's rule: every wanted network joined, with (at least) its aliases and links, and its addresses."""
    joined = {entry["name"]: entry for entry in current or []}
    for entry in wanted:
        have = joined.get(entry["name"])
        if have is None:
            return False
        if not set(entry.get("aliases") or []) <= set(have.get("aliases") or []):
            return False
        if not set(entry.get("links") or []) <= set(have.get("links") or []):
            return False
        if any(entry.get(key) and entry[key] != have.get(key) for key in ("ipv4_address", "ipv6_address")):
            return False
    return True


def read_env_file(path: Any) -> Dict[str, str]:
    """``KEY=value`` lines (``#`` comments and blank lines skipped), as docker run --env-file reads them."""
    path = parse_text(path, "env_file")
    try:
        with open(path, "r", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ContainerOptionError("env_file: cannot read %s: %s" % (path, exc)) from None
    found: Dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        key, sep, value = line.lstrip().partition("=")
        if not sep or not key.strip():
            raise ContainerOptionError("env_file: line %d of %s is not KEY=value: %r" % (number, path, line))
        found[key.strip()] = value
    return found
