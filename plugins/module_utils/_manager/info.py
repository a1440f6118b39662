# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`GET /info` in classic Swarm's layout, from the live picture (no engine is asked).

Classic put its cluster description (Role, Strategy, Filters, Nodes and one block per node) in
``SystemStatus``. Both docker CLIs in use (20.10 and 28.x, at API 1.41) print it right under
"Server Version", so it is the only place the node list goes (``DriverStatus`` would print it a
second time with both). NCPU and MemTotal are the engines' totals with overcommit, like classic.
"""

from __future__ import annotations

import datetime
import json
import platform
import socket
import time
from typing import Any, Dict, List, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.version import SERVER_VERSION
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import DEFAULT_FILTERS, overcommit_ratio, with_overcommit
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.model import name_order

UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def bytes_size(value: float) -> str:
    """go-units BytesSize: '0 B', '20 MiB', '2.053 GiB' (4 significant digits)."""
    size = float(value)
    unit = 0
    while size >= 1024 and unit < len(UNITS) - 1:
        size /= 1024
        unit += 1
    text = ("%.4g" % size)
    return "%s %s" % (text, UNITS[unit])


def rfc3339(timestamp: float) -> str:
    if not timestamp:
        return "never"
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def number(value: float) -> str:
    return ("%d" % value) if float(value).is_integer() else ("%g" % value)


def _signature(engine: Any, counts: Tuple[int, int, int], ratio: int) -> Tuple[Any, ...]:
    """Everything one engine's block shows: equal signatures, equal blocks."""
    health = engine.health
    return (engine.name, engine.addr, engine.node_id, health.state, health.error, health.updated_at, counts,
            engine.sched.usage(), engine.sched.cpus, engine.sched.memory, ratio, engine.labels,
            engine.version.get("Version"), engine.info.get("ServerVersion"))


def node_lines(engine: Any, ratio: int, counts: Tuple[int, int, int]) -> List[Tuple[str, str]]:
    """One engine's block, classic's wording ('└ Status: Healthy' ...); ``counts`` (containers, running, paused)."""
    lines = [(engine.name if engine.health.validated else "(unknown)", engine.addr),
             (" └ ID", engine.node_id if engine.health.validated else ""),
             (" └ Status", engine.health.state)]
    total, running, paused = counts
    if engine.healthy:
        lines.append((" └ Containers", "%d (%d Running, %d Paused, %d Stopped)"
                      % (total, running, paused, total - running - paused)))
    else:
        lines.append((" └ Containers", str(total)))
    used_m, used_memory = engine.sched.usage()
    lines.append((" └ Reserved CPUs", "%s / %d" % (number(used_m / 1000.0), with_overcommit(engine.sched.cpus, ratio))))
    lines.append((" └ Reserved Memory", "%s / %s" % (bytes_size(used_memory), bytes_size(with_overcommit(engine.sched.memory, ratio)))))
    labels = ", ".join("%s=%s" % (k, v) for k, v in sorted(engine.labels.items()))
    lines.append((" └ Labels", labels))
    if engine.health.error:
        lines.append((" └ Error", engine.health.error))
    lines.append((" └ UpdatedAt", rfc3339(engine.health.updated_at)))
    lines.append((" └ ServerVersion", str(engine.version.get("Version") or engine.info.get("ServerVersion") or "")))
    return lines


def _block(picture: Any, engine: Any, ratio: int) -> Tuple[List[Tuple[str, str]], str]:
    """One engine's lines and their JSON text, built again only when something they show changed
    (``docker info`` at 1,000 engines is 10,000 lines: rebuilding them all per call cost ~60-200 ms)."""
    counts = picture.state_counts(engine)
    signature = _signature(engine, counts, ratio)
    cached = picture.info_blocks.get(engine)
    if cached is not None and cached[0] == signature:
        return cached[1], cached[2]
    lines = node_lines(engine, ratio, counts)
    text = json.dumps([[key, value] for key, value in lines])[1:-1]
    picture.info_blocks[engine] = (signature, lines, text)
    return lines, text


def _head(cluster: Any, count: int) -> List[Tuple[str, str]]:
    filters = cluster.config.filters if cluster.config.filters is not None else list(DEFAULT_FILTERS)
    return [("Role", "primary"), ("Strategy", cluster.config.strategy), ("Filters", ", ".join(filters)),
            ("Nodes", str(count))]


def _ordered(cluster: Any) -> List[Any]:
    return sorted(cluster.engines.values(), key=lambda e: name_order(e.name))


def cluster_status(cluster: Any) -> List[Tuple[str, str]]:
    engines = _ordered(cluster)
    ratio = overcommit_ratio(cluster.config.overcommit)
    status = _head(cluster, len(engines))
    for engine in engines:
        status.extend(_block(cluster.picture, engine, ratio)[0])
    return status


def _status_json(cluster: Any) -> str:
    engines = _ordered(cluster)
    ratio = overcommit_ratio(cluster.config.overcommit)
    parts = [json.dumps([[key, value] for key, value in _head(cluster, len(engines))])[1:-1]]
    parts.extend(_block(cluster.picture, engine, ratio)[1] for engine in engines)
    return "[" + ", ".join(part for part in parts if part) + "]"


def _image_count(engine: Any) -> int:
    return len([i for i in engine.images if [t for t in i.get("RepoTags") or [] if t != "<none>:<none>"]])


def build_info(cluster: Any, with_status: bool = True) -> Dict[str, Any]:
    """The answer of ``GET /info``; ``with_status=False`` leaves ``SystemStatus`` None (``info_json`` adds
    the per-engine blocks as ready JSON text)."""
    ratio = overcommit_ratio(cluster.config.overcommit)
    picture = cluster.picture
    validated = picture.validated_engines()
    counts = [picture.state_counts(engine) for engine in cluster.engines.values()]
    total = sum(c[0] for c in counts)
    running = sum(c[1] for c in counts)
    paused = sum(c[2] for c in counts)
    status = [[key, value] for key, value in cluster_status(cluster)] if with_status else None
    images = sum(_image_count(e) for e in validated)
    now = time.time()
    return {
        "ID": "dockyard-swarm:%s" % socket.gethostname(),
        "Containers": total, "ContainersRunning": running, "ContainersPaused": paused,
        "ContainersStopped": total - running - paused, "Images": images,
        "Driver": "", "DriverStatus": [], "SystemStatus": status,
        "Plugins": {"Volume": [], "Network": [], "Authorization": None, "Log": []},
        "MemoryLimit": True, "SwapLimit": True, "KernelMemory": False, "CpuCfsPeriod": True, "CpuCfsQuota": True,
        "CPUShares": True, "CPUSet": True, "PidsLimit": True, "IPv4Forwarding": True, "BridgeNfIptables": True,
        "BridgeNfIp6tables": True, "Debug": False, "NFd": 0, "OomKillDisable": True, "NGoroutines": 0,
        "SystemTime": datetime.datetime.fromtimestamp(now, datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        "LoggingDriver": "", "CgroupDriver": "", "CgroupVersion": "", "NEventsListener": len(cluster.bus.subscribers),
        "KernelVersion": platform.release(), "OperatingSystem": "dockyard.swarm manager", "OSVersion": "",
        "OSType": "linux", "Architecture": platform.machine(), "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": {"AllowNondistributableArtifactsCIDRs": [], "AllowNondistributableArtifactsHostnames": [],
                           "InsecureRegistryCIDRs": [], "IndexConfigs": {}, "Mirrors": []},
        "NCPU": sum(with_overcommit(e.sched.cpus, ratio) for e in validated),
        "MemTotal": sum(with_overcommit(e.sched.memory, ratio) for e in validated),
        "GenericResources": None, "DockerRootDir": "", "HttpProxy": "", "HttpsProxy": "", "NoProxy": "",
        "Name": socket.gethostname(), "Labels": [], "ExperimentalBuild": False, "ServerVersion": SERVER_VERSION,
        "Runtimes": {}, "DefaultRuntime": "", "LiveRestoreEnabled": False, "Isolation": "", "InitBinary": "",
        "ContainerdCommit": {"ID": "", "Expected": ""}, "RuncCommit": {"ID": "", "Expected": ""},
        "InitCommit": {"ID": "", "Expected": ""}, "SecurityOptions": [], "Warnings": [],
        "Swarm": {"NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive", "ControlAvailable": False, "Error": "",
                  "RemoteManagers": None},
        "ProductLicense": "", "DefaultAddressPools": None, "CDISpecDirs": [], "Containerd": None,
    }


def info_json(cluster: Any) -> bytes:
    """``build_info`` encoded, with the engines' blocks spliced in as the JSON text kept per engine."""
    head, marker, tail = json.dumps(build_info(cluster, with_status=False)).partition('"SystemStatus": null')
    if not marker:  # cannot happen with json's default separators; the plain way if it ever does
        return json.dumps(build_info(cluster)).encode("utf-8")
    return (head + '"SystemStatus": ' + _status_json(cluster) + tail).encode("utf-8")
