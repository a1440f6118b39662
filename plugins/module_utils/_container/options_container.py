# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container's docker-run options: one ``Option`` entry each (spec, parser, Engine API field, comparison).

Names and value forms follow community.docker's docker_container. The ``reserved`` ones (cpus,
memory, ports, links, volumes_from, network_mode) are what the scheduler accounts for and the
reservation labels record: always compared, strictly. ``options.py`` adds the run-wide settings
and assembles the table.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.option import (
    ALLOW_MORE,
    RESERVED,
    STRICT,
    Option,
    dig,
    engine_field,
    put,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    RESTART_POLICIES,
    ContainerOptionError,
    PortSpec,
    Volumes,
    image_reference,
    parse_command,
    parse_cpus,
    parse_env,
    parse_flag,
    parse_int,
    parse_labels,
    parse_links,
    parse_memory,
    parse_port,
    parse_ports,
    parse_restart_policy,
    parse_restart_retries,
    parse_size,
    parse_text,
    parse_text_dict,
    parse_text_list,
    parse_volumes,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing_runtime import (
    capabilities_from_api,
    devices_from_api,
    devices_to_api,
    healthcheck_from_api,
    healthcheck_to_api,
    networks_from_api,
    networks_match,
    networks_to_api,
    parse_absolute_path,
    parse_capabilities,
    parse_devices,
    parse_etc_hosts,
    parse_healthcheck,
    parse_namespace_mode,
    parse_networks,
    parse_tmpfs,
    parse_ulimits,
    read_env_file,
    ulimits_from_api,
    ulimits_to_api,
)

STR = {"type": "str"}
BOOL = {"type": "bool"}
INT = {"type": "int"}
DICT = {"type": "dict"}
RAW = {"type": "raw"}
STR_LIST = {"type": "list", "elements": "str"}


def _text(name: str, value: Any, params: Mapping[str, Any]) -> str:
    return parse_text(value, name)


def _flag(name: str, value: Any, params: Mapping[str, Any]) -> bool:
    return parse_flag(value, name)


def _texts(name: str, value: Any, params: Mapping[str, Any]) -> List[str]:
    return parse_text_list(value, name)


def _text_dict(name: str, value: Any, params: Mapping[str, Any]) -> Dict[str, str]:
    return parse_text_dict(value, name)


def _integer(minimum: Optional[int] = None, maximum: Optional[int] = None) -> Any:
    def parse(name: str, value: Any, params: Mapping[str, Any]) -> int:
        return parse_int(value, name, minimum, maximum)
    return parse


def _size(name: str, value: Any, params: Mapping[str, Any]) -> int:
    size = parse_size(value, name)
    if size <= 0:
        raise ContainerOptionError("%s: %r must be more than 0 (leave it out for the engine's default)" % (name, value))
    return size


def _memory_reservation(name: str, value: Any, params: Mapping[str, Any]) -> int:
    size = parse_size(value, name)
    memory = parse_memory(params.get("memory"))
    if memory and size > memory:
        raise ContainerOptionError("memory_reservation: %r is above memory (%s); the soft limit must not exceed the limit"
                                   % (value, params.get("memory")))
    return size


def _memory_swap(name: str, value: Any, params: Mapping[str, Any]) -> int:
    if str(value).strip().lower() in ("unlimited", "-1"):
        swap = -1
    else:
        swap = parse_size(value, name)
    memory = parse_memory(params.get("memory"))
    if swap and not memory:
        raise ContainerOptionError("memory_swap: %r needs memory (the engine sets swap only together with a memory limit)" % (value,))
    if swap > 0 and swap < memory:
        raise ContainerOptionError("memory_swap: %r is below memory (%s); it is memory plus swap, so at least memory"
                                   % (value, params.get("memory")))
    return swap


def _list_field(*path: str) -> Dict[str, Any]:
    """An Engine API list field; the container's value reads as a list (None -> [])."""
    return engine_field(*path, from_api=lambda value: list(value or []))


def _dict_field(*path: str) -> Dict[str, Any]:
    return engine_field(*path, from_api=lambda value: dict(value or {}))


def _bool_field(*path: str) -> Dict[str, Any]:
    return engine_field(*path, from_api=bool)


# --- values the scheduler reads (reserved ones always compared, strictly) ---------------------------------

def _write_ports(body: Dict[str, Any], ports: List[PortSpec]) -> None:
    bindings: Dict[str, List[Dict[str, str]]] = {}
    for port in ports:
        bindings.setdefault(port.key, []).append({"HostIp": port.host_ip, "HostPort": str(port.host_port) if port.host_port else ""})
    if bindings:
        put(body, ("HostConfig", "PortBindings"), bindings)
        body.setdefault("ExposedPorts", {}).update({key: {} for key in bindings})


def port_view(port: PortSpec) -> List[Any]:
    """A published port as compared and shown: [host ip ("" for all), host port (0 for any), port, protocol]."""
    return [port.host_ip if port.host_ip not in ("0.0.0.0", "::") else "", port.host_port or 0, port.container_port, port.protocol]


def read_ports(inspect: Mapping[str, Any]) -> List[List[Any]]:
    ports = []
    for key, hosts in (dig(inspect, ("HostConfig", "PortBindings")) or {}).items():
        number, unused_sep, protocol = str(key).partition("/")
        for host in hosts or [{}]:
            ip = (host or {}).get("HostIp") or ""
            host_port = str((host or {}).get("HostPort") or "")
            ports.append(["" if ip in ("0.0.0.0", "::") else ip, int(host_port) if host_port.isdigit() else 0,
                          int(number), (protocol or "tcp").lower()])
    return sorted(ports)


def _parse_exposed(name: str, value: Any, params: Mapping[str, Any]) -> List[str]:
    keys = set()
    for item in parse_text_list(value, name):
        if ":" in item:
            raise ContainerOptionError("exposed_ports: %r publishes a port; expose only a port (80, 53/udp, 8000-8010), "
                                       "publish with ports" % item)
        keys.update(port.key for port in parse_port(item))
    return sorted(keys)


def _write_exposed(body: Dict[str, Any], keys: List[str]) -> None:
    body.setdefault("ExposedPorts", {}).update({key: {} for key in keys})


def _write_volumes(body: Dict[str, Any], volumes: Volumes) -> None:
    if volumes.binds:
        put(body, ("HostConfig", "Binds"), list(volumes.binds))
    if volumes.anonymous:
        body.setdefault("Volumes", {}).update({path: {} for path in volumes.anonymous})


def _read_volumes(inspect: Mapping[str, Any]) -> List[str]:
    return sorted(list(dig(inspect, ("HostConfig", "Binds")) or []) + list((dig(inspect, ("Config", "Volumes")) or {}).keys()))


def read_links(inspect: Mapping[str, Any]) -> List[str]:
    """Inspect shows ``/db:/web/alias``; the task says ``db:alias``."""
    found = []
    for link in dig(inspect, ("HostConfig", "Links")) or []:
        source, unused_sep, target = str(link).partition(":")
        found.append("%s:%s" % (source.lstrip("/"), target.rsplit("/", 1)[-1] or source.lstrip("/")))
    return sorted(found)


def _parse_network_mode(name: str, value: Any, params: Mapping[str, Any]) -> str:
    if value in (None, "", "default"):
        networks = params.get("networks") or []
        first = networks[0] if networks and isinstance(networks[0], Mapping) else {}
        return str(first.get("name") or "bridge")
    return parse_text(value, name)


def _network_mode_from_api(value: Any) -> str:
    return "bridge" if value in (None, "", "default") else str(value)


def _parse_env(name: str, value: Any, params: Mapping[str, Any]) -> List[str]:
    """``env`` over ``env_file`` (the env option wins for a name in both), classic expressions included."""
    entries = parse_env(value)
    if params.get("env_file") is None:
        return entries
    named = {entry.split("=", 1)[0] for entry in entries if "=" in entry}
    from_file = ["%s=%s" % (key, item) for key, item in read_env_file(params["env_file"]).items() if key not in named]
    return from_file + entries


def _parse_networks(name: str, value: Any, params: Mapping[str, Any]) -> List[Dict[str, Any]]:
    return parse_networks(value, params.get("network_mode"))


def _restart_retries(name: str, value: Any, params: Mapping[str, Any]) -> int:
    return parse_restart_retries(value, params.get("restart_policy"))


def _log_options(name: str, value: Any, params: Mapping[str, Any]) -> Dict[str, str]:
    if params.get("log_driver") is None:
        raise ContainerOptionError("log_options needs log_driver (give json-file for the engine's usual driver)")
    return parse_text_dict(value, name)


def _capabilities(name: str, value: Any, params: Mapping[str, Any]) -> List[str]:
    return parse_capabilities(value, name)


def _namespace(name: str, value: Any, params: Mapping[str, Any]) -> str:
    return parse_namespace_mode(value, name)


def _not_empty(name: str, value: Any, params: Mapping[str, Any]) -> str:
    text = parse_text(value, name).strip()
    if not text:
        raise ContainerOptionError("%s must not be empty" % name)
    return text


HEALTHCHECK_SPEC = {"type": "dict", "options": {
    "test": {"type": "raw"}, "test_cli_compatible": {"type": "bool", "default": False}, "interval": STR,
    "timeout": STR, "start_period": STR, "retries": INT}}
NETWORKS_SPEC = {"type": "list", "elements": "dict", "options": {
    "name": {"type": "str", "required": True}, "aliases": STR_LIST, "ipv4_address": STR, "ipv6_address": STR,
    "links": STR_LIST}}

CONTAINER_TABLE = (
    Option("name", {"type": "str", "required": True}, _not_empty, summary="the create call's name"),
    Option("image", STR, lambda name, value, params: image_reference(_not_empty(name, value, params)),
           comparison=STRICT, **engine_field("Image", from_api=lambda value: image_reference(value or ""))),
    Option("command", RAW, lambda name, value, params: parse_command(value, name), comparison=STRICT, **engine_field("Cmd")),
    Option("entrypoint", RAW, lambda name, value, params: parse_command(value, name), comparison=STRICT, **engine_field("Entrypoint")),
    Option("env", RAW, _parse_env, comparison=ALLOW_MORE, view=sorted, given_with=("env_file",),
           **engine_field("Env", from_api=lambda value: sorted(value or []))),
    Option("env_file", {"type": "path"}, summary="Config.Env (with env)"),
    Option("labels", DICT, lambda name, value, params: parse_labels(value), comparison=ALLOW_MORE,
           read=lambda inspect: dict(dig(inspect, ("Config", "Labels")) or {}), summary="Config.Labels"),
    Option("ports", dict(STR_LIST, aliases=["published_ports"]), lambda name, value, params: parse_ports(value),
           comparison=RESERVED, view=lambda ports: sorted(port_view(port) for port in ports), write=_write_ports,
           read=read_ports, summary="HostConfig.PortBindings, Config.ExposedPorts"),
    Option("exposed_ports", dict(STR_LIST, aliases=["exposed", "expose"]), _parse_exposed, comparison=ALLOW_MORE,
           write=_write_exposed, read=lambda inspect: sorted((dig(inspect, ("Config", "ExposedPorts")) or {}).keys()),
           summary="Config.ExposedPorts"),
    Option("volumes", STR_LIST, lambda name, value, params: parse_volumes(value), comparison=ALLOW_MORE,
           view=lambda volumes: sorted(volumes.binds + volumes.anonymous), write=_write_volumes, read=_read_volumes,
           summary="HostConfig.Binds, Config.Volumes"),
    Option("volumes_from", STR_LIST, lambda name, value, params: parse_text_list(value or [], name), comparison=RESERVED,
           view=sorted, write=lambda body, value: value and put(body, ("HostConfig", "VolumesFrom"), value),
           read=lambda inspect: sorted(dig(inspect, ("HostConfig", "VolumesFrom")) or []), summary="HostConfig.VolumesFrom"),
    Option("links", STR_LIST, lambda name, value, params: parse_links(value), comparison=RESERVED, view=sorted,
           write=lambda body, value: value and put(body, ("HostConfig", "Links"), value), read=read_links,
           summary="HostConfig.Links"),
    Option("network_mode", STR, _parse_network_mode, comparison=RESERVED,
           **engine_field("HostConfig", "NetworkMode", from_api=_network_mode_from_api)),
    Option("networks", NETWORKS_SPEC, _parse_networks, comparison=ALLOW_MORE, matches=networks_match,
           write=lambda body, value: put(body, ("NetworkingConfig", "EndpointsConfig"), networks_to_api(value)),
           read=lambda inspect: networks_from_api(dig(inspect, ("NetworkSettings", "Networks"))),
           summary="NetworkingConfig.EndpointsConfig (the first at create, the others joined before start)"),
    Option("cpus", {"type": "float"}, lambda name, value, params: parse_cpus(value), comparison=RESERVED,
           write=lambda body, value: value and put(body, ("HostConfig", "NanoCpus"), int(round(value * 1e9))),
           read=lambda inspect: _cpus_from_nano(dig(inspect, ("HostConfig", "NanoCpus"))), summary="HostConfig.NanoCpus"),
    Option("memory", STR, lambda name, value, params: parse_memory(value), comparison=RESERVED,
           write=lambda body, value: value and put(body, ("HostConfig", "Memory"), value),
           read=lambda inspect: int(dig(inspect, ("HostConfig", "Memory")) or 0), summary="HostConfig.Memory"),
    Option("memory_reservation", STR, _memory_reservation, comparison=STRICT,
           **engine_field("HostConfig", "MemoryReservation", from_api=lambda value: int(value or 0))),
    Option("memory_swap", STR, _memory_swap, comparison=STRICT,
           **engine_field("HostConfig", "MemorySwap", from_api=lambda value: int(value or 0))),
    Option("shm_size", STR, _size, comparison=STRICT, **engine_field("HostConfig", "ShmSize", from_api=lambda value: int(value or 0))),
    Option("restart_policy", {"type": "str", "choices": list(RESTART_POLICIES)},
           lambda name, value, params: parse_restart_policy(value), comparison=STRICT,
           **engine_field("HostConfig", "RestartPolicy", "Name", to_api=lambda value: "" if value == "no" else value,
                          from_api=lambda value: value or "no")),
    Option("restart_retries", INT, _restart_retries, comparison=STRICT,
           **engine_field("HostConfig", "RestartPolicy", "MaximumRetryCount", from_api=lambda value: int(value or 0))),
    Option("hostname", STR, _text, comparison=STRICT, **engine_field("Hostname")),
    Option("domainname", STR, _text, comparison=STRICT, **engine_field("Domainname")),
    Option("user", STR, _text, comparison=STRICT, **engine_field("User")),
    Option("working_dir", STR, lambda name, value, params: parse_absolute_path(value, name), comparison=STRICT,
           **engine_field("WorkingDir")),
    Option("healthcheck", HEALTHCHECK_SPEC, lambda name, value, params: parse_healthcheck(value), comparison=ALLOW_MORE,
           **engine_field("Healthcheck", to_api=healthcheck_to_api, from_api=healthcheck_from_api)),
    Option("stop_signal", STR, _not_empty, comparison=STRICT, **engine_field("StopSignal")),
    Option("stop_timeout", INT, _integer(0), comparison=STRICT, setting=True, **engine_field("StopTimeout")),
    Option("tty", BOOL, _flag, comparison=STRICT, **_bool_field("Tty")),
    Option("interactive", BOOL, _flag, comparison=STRICT, **_bool_field("OpenStdin")),
    Option("init", BOOL, _flag, comparison=STRICT, **_bool_field("HostConfig", "Init")),
    Option("privileged", BOOL, _flag, comparison=STRICT, **_bool_field("HostConfig", "Privileged")),
    Option("read_only", BOOL, _flag, comparison=STRICT, **_bool_field("HostConfig", "ReadonlyRootfs")),
    Option("auto_remove", BOOL, _flag, comparison=STRICT, **_bool_field("HostConfig", "AutoRemove")),
    Option("capabilities", STR_LIST, _capabilities, comparison=ALLOW_MORE,
           **engine_field("HostConfig", "CapAdd", from_api=capabilities_from_api)),
    Option("cap_drop", STR_LIST, _capabilities, comparison=ALLOW_MORE,
           **engine_field("HostConfig", "CapDrop", from_api=capabilities_from_api)),
    Option("devices", STR_LIST, lambda name, value, params: parse_devices(value), comparison=ALLOW_MORE,
           **engine_field("HostConfig", "Devices", to_api=devices_to_api, from_api=devices_from_api)),
    Option("ulimits", STR_LIST, lambda name, value, params: parse_ulimits(value), comparison=ALLOW_MORE,
           **engine_field("HostConfig", "Ulimits", to_api=ulimits_to_api, from_api=ulimits_from_api)),
    Option("tmpfs", STR_LIST, lambda name, value, params: parse_tmpfs(value), comparison=ALLOW_MORE, **_dict_field("HostConfig", "Tmpfs")),
    Option("sysctls", DICT, _text_dict, comparison=ALLOW_MORE, **_dict_field("HostConfig", "Sysctls")),
    Option("security_opts", STR_LIST, _texts, comparison=ALLOW_MORE, **_list_field("HostConfig", "SecurityOpt")),
    Option("dns_servers", STR_LIST, _texts, comparison=STRICT, **_list_field("HostConfig", "Dns")),
    Option("dns_search_domains", STR_LIST, _texts, comparison=STRICT, **_list_field("HostConfig", "DnsSearch")),
    Option("dns_opts", STR_LIST, _texts, comparison=ALLOW_MORE, **_list_field("HostConfig", "DnsOptions")),
    Option("etc_hosts", DICT, lambda name, value, params: parse_etc_hosts(value), comparison=ALLOW_MORE,
           **_list_field("HostConfig", "ExtraHosts")),
    Option("groups", STR_LIST, _texts, comparison=ALLOW_MORE, **_list_field("HostConfig", "GroupAdd")),
    Option("log_driver", STR, _not_empty, comparison=STRICT, **engine_field("HostConfig", "LogConfig", "Type")),
    Option("log_options", dict(DICT, aliases=["log_opt"]), _log_options, comparison=ALLOW_MORE,
           **_dict_field("HostConfig", "LogConfig", "Config")),
    Option("pid_mode", STR, _namespace, comparison=STRICT, **engine_field("HostConfig", "PidMode")),
    Option("ipc_mode", STR, _namespace, comparison=STRICT, **engine_field("HostConfig", "IpcMode")),
    Option("userns_mode", STR, _text, comparison=STRICT, **engine_field("HostConfig", "UsernsMode")),
    Option("uts", STR, _text, comparison=STRICT, **engine_field("HostConfig", "UTSMode")),
    Option("runtime", STR, _not_empty, comparison=STRICT, **engine_field("HostConfig", "Runtime")),
    Option("cgroup_parent", STR, _text, comparison=STRICT, **engine_field("HostConfig", "CgroupParent")),
    Option("pids_limit", INT, lambda name, value, params: max(parse_int(value, name), 0), comparison=STRICT,
           **engine_field("HostConfig", "PidsLimit", from_api=lambda value: max(int(value or 0), 0))),
    Option("cpu_shares", INT, _integer(0), comparison=STRICT,
           **engine_field("HostConfig", "CpuShares", from_api=lambda value: int(value or 0))),
    Option("oom_score_adj", INT, _integer(-1000, 1000), comparison=STRICT,
           **engine_field("HostConfig", "OomScoreAdj", from_api=lambda value: int(value or 0))),
)


def _cpus_from_nano(nano: Any) -> float:
    cpus = (nano or 0) / 1e9
    return int(cpus) if float(cpus).is_integer() else round(cpus, 3)
