# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATION ONLY: the state of one fake Docker engine (containers, images, events), no I/O.

benchmarks/fakedocker.py serves it over HTTP. The answers follow Docker 20.10's shapes, status codes and
messages closely enough for a Docker-API manager and the docker SDK; nothing runs. Every change happens
under the engine's lock and is published as Docker events (in order) to the subscribers and to a bounded
history, so a watcher can replay with ``since``.
"""

from __future__ import annotations

import collections
import datetime
import hashlib
import json
import os
import random
import re
import threading
import time
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Tuple

API_VERSION = "1.41"
SIMULATION_OS = "fakedocker simulation (not a Docker engine)"
ZONES = ("internal", "external")
DISKS = ("ssd", "hdd")
GIB = 1 << 30
MIB = 1 << 20
MAX_CONTAINERS = 500  # per engine, canned ones included
HISTORY = 1024  # events kept per engine for `since`
EPHEMERAL_PORTS = (32768, 60999)
ZERO_TIME = "0001-01-01T00:00:00Z"
SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15}
_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")

Reply = Tuple[int, Any]  # (HTTP status, JSON-able body or None)


def _hex(rng: random.Random) -> str:
    return "%064x" % rng.getrandbits(256)


def engine_data(index: int, containers: int, foreign: int) -> Dict[str, Any]:
    """Deterministic answers of simulated engine ``index``: ``containers`` of which ``foreign`` lack reservation labels."""
    rng = random.Random(index)
    name = "sim-%04d" % (index + 1)
    info = {
        "ID": "SIM%05d:%s" % (index, _hex(rng)[:20].upper()), "Name": name, "NCPU": rng.choice((2, 4, 8, 16)),
        "MemTotal": rng.choice((4, 8, 16, 32)) * GIB, "Labels": ["zone=%s" % ZONES[index % 2], "disk=%s" % DISKS[index % 3 % 2],
                                                                 "simulated=true"],
        "Driver": "overlay2", "KernelVersion": "6.1.0-sim", "OperatingSystem": SIMULATION_OS, "OSType": "linux",
        "ServerVersion": "20.10.24-sim", "Containers": containers,
    }
    summaries: List[Dict[str, Any]] = []
    inspects: Dict[str, Dict[str, Any]] = {}
    for number in range(containers):
        cid = _hex(rng)
        running = number % 4 != 3
        port = 8000 + number
        summary = {
            "Id": cid, "Names": ["/%s-c%02d" % (name, number)], "Image": "busybox:latest", "ImageID": "sha256:" + "b" * 64,
            "State": "running" if running else "exited", "Status": "Up" if running else "Exited (0)",
            "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": port, "Type": "tcp"}] if running else [],
            "HostConfig": {"NetworkMode": "default"}, "Labels": {"app": "svc%02d" % (number % 7)},
        }
        if number >= foreign:  # created by dockyard.swarm: the reservation is in the labels
            summary["Labels"].update({
                "com.dockyard.swarm.cpus": "1", "com.dockyard.swarm.memory": str(256 * MIB),
                "com.dockyard.swarm.ports": json.dumps([{"host_ip": "0.0.0.0", "host_port": port, "container_port": 80,
                                                         "protocol": "tcp"}]),
            })
        inspects[cid] = {
            "Id": cid, "Name": summary["Names"][0], "State": {"Status": summary["State"]},
            "Config": {"Image": "busybox:latest", "ExposedPorts": {"80/tcp": {}}, "Labels": summary["Labels"]},
            "HostConfig": {"NetworkMode": "default", "Memory": 128 * MIB, "NanoCpus": 500000000,
                           "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": str(port)}]}},
        }
        summaries.append(summary)
    images = [{"Id": "sha256:" + "b" * 64, "RepoTags": ["busybox:latest"], "Size": 1 << 20}]
    return {"info": info, "containers": summaries, "inspects": inspects, "images": images}


def _rfc3339(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_image(ref: str) -> str:
    """busybox -> busybox:latest, docker.io/library/x:1 -> x:1; digests and registries kept."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/", "library/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    if "@" not in ref and ":" not in ref.rsplit("/", 1)[-1]:
        ref += ":latest"
    return ref


def parse_filters(raw: Optional[str]) -> Dict[str, List[str]]:
    """Docker's `filters` query value: {"key": ["v", ...]} or the old {"key": {"v": true}}; ValueError if bad."""
    if not raw:
        return {}
    parsed = json.loads(raw)
    if not isinstance(parsed, dict):
        raise ValueError("filters must be a JSON object")
    result = {}
    for key, values in parsed.items():
        if isinstance(values, dict):
            values = [value for value, enabled in values.items() if enabled]
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValueError("filter %r must be a list of strings" % key)
        result[key] = values
    return result


def parse_timestamp(raw: Optional[str]) -> Optional[float]:
    """`since`/`until`: Unix seconds with an optional fraction (what the docker CLI and SDK send)."""
    if raw in (None, ""):
        return None
    if not re.match(r"^\d+(\.\d{1,9})?$", raw):
        raise ValueError("invalid timestamp %r (expected seconds[.nanoseconds])" % raw)
    return float(raw)


def _label_matches(labels: Dict[str, str], wanted: Iterable[str]) -> bool:
    """Every `key` or `key=value` in wanted holds (Docker ANDs label filters)."""
    for item in wanted:
        key, sep, value = item.partition("=")
        if key not in labels or (sep and labels[key] != value):
            return False
    return True


class Container:
    """One container: its summary (`/containers/json`) and inspect documents, kept in step with its state."""

    def __init__(self, summary: Dict[str, Any], inspect: Dict[str, Any], created: float) -> None:
        self.summary = summary
        self.inspect = inspect
        self.created = created
        self.id: str = summary["Id"]
        self.name: str = summary["Names"][0].lstrip("/")
        self.state: str = summary["State"]
        self.ip = ""

    def complete(self, now: float) -> None:
        """Fill in what a canned inspect lacks (State flags, Created, Config.Env, NetworkSettings.Ports), keeping what it has."""
        doc = self.inspect
        doc.setdefault("Created", _rfc3339(now))
        doc.setdefault("Image", self.summary.get("ImageID", ""))
        config = doc.setdefault("Config", {})
        for key, value in (("Image", self.image), ("Env", []), ("Cmd", ["sh"]), ("Labels", self.labels), ("ExposedPorts", None)):
            config.setdefault(key, value)
        host = doc.setdefault("HostConfig", {})
        for key, value in (("NetworkMode", "default"), ("PortBindings", {}), ("NanoCpus", 0), ("Memory", 0), ("CpuShares", 0),
                           ("RestartPolicy", {"Name": "no", "MaximumRetryCount": 0})):
            host.setdefault(key, value)
        running = self.state in ("running", "paused")
        exit_code = int(re.sub(r"\D", "", self.summary.get("Status", "")) or 0) if self.state == "exited" else 0
        state = doc.setdefault("State", {})
        for key, value in (("Status", self.state), ("Running", running), ("Paused", self.state == "paused"), ("Restarting", False),
                           ("OOMKilled", False), ("Dead", False), ("Pid", 0), ("ExitCode", exit_code), ("Error", ""),
                           ("StartedAt", _rfc3339(now) if running else ZERO_TIME), ("FinishedAt", ZERO_TIME)):
            state.setdefault(key, value)
        ports: Dict[str, Any] = {}
        for entry in self.summary.get("Ports") or []:
            binding = [{"HostIp": entry.get("IP", "0.0.0.0"), "HostPort": str(entry["PublicPort"])}] if "PublicPort" in entry else None
            ports.setdefault("%d/%s" % (entry["PrivatePort"], entry["Type"]), binding)
        doc.setdefault("NetworkSettings", {"Ports": ports, "IPAddress": "", "Networks": {}})

    @property
    def labels(self) -> Dict[str, str]:
        return self.summary.get("Labels") or {}

    @property
    def image(self) -> str:
        return self.summary.get("Image", "")

    def bindings(self) -> List[Tuple[str, str, str, str]]:
        """(container port/proto, host ip, host port, proto) for each requested binding."""
        result = []
        for port, binds in ((self.inspect.get("HostConfig") or {}).get("PortBindings") or {}).items():
            proto = port.split("/", 1)[1] if "/" in port else "tcp"
            for bind in binds or [{}]:
                result.append((port, bind.get("HostIp") or "0.0.0.0", str(bind.get("HostPort") or ""), proto))
        return result

    def attributes(self) -> Dict[str, str]:
        attrs = dict(self.labels)
        attrs.update({"image": self.image, "name": self.name})
        return attrs

    def set_state(self, state: str, now: float, exit_code: int = 0, ports: Optional[Dict[str, Any]] = None) -> None:
        """Move to created/running/paused/exited and refresh both documents."""
        previous, self.state = self.state, state
        state_doc = self.inspect.setdefault("State", {})
        running = state in ("running", "paused")
        state_doc.update({"Status": state, "Running": running, "Paused": state == "paused", "Restarting": False,
                          "OOMKilled": False, "Dead": False, "Pid": 0, "ExitCode": exit_code if state == "exited" else 0,
                          "Error": ""})
        state_doc.setdefault("StartedAt", ZERO_TIME)
        state_doc.setdefault("FinishedAt", ZERO_TIME)
        if state == "running" and previous not in ("running", "paused"):
            state_doc["StartedAt"] = _rfc3339(now)
        if state == "exited":
            state_doc["FinishedAt"] = _rfc3339(now)
        settings = self.inspect.setdefault("NetworkSettings", {})
        settings["Ports"] = ports if running else {}
        summary_ports: List[Dict[str, Any]] = []
        if running:
            for port, binds in sorted((ports or {}).items()):
                number, proto = int(port.split("/")[0]), port.split("/")[-1] if "/" in port else "tcp"
                for bind in binds or []:
                    summary_ports.append({"IP": bind["HostIp"], "PrivatePort": number, "PublicPort": int(bind["HostPort"]),
                                          "Type": proto})
                if not binds:
                    summary_ports.append({"PrivatePort": number, "Type": proto})
        self.summary["Ports"] = summary_ports
        self.summary["State"] = state
        self.summary["Status"] = {"created": "Created", "running": "Up", "paused": "Up (Paused)"}.get(
            state, "Exited (%d)" % exit_code)


class SimEngine:
    """One simulated engine. Thread-safe: every read and change takes ``lock``; events keep their order."""

    def __init__(self, data: Dict[str, Any], max_containers: int = MAX_CONTAINERS, history: int = HISTORY) -> None:
        self.data = data  # the canned answers (info, images) that callers may adjust before serving
        self.lock = threading.RLock()
        self.max_containers = max_containers
        self.version = 0  # bumped by every change: cached answers older than this are stale
        self.containers: Dict[str, Container] = {}
        self.names: Dict[str, str] = {}  # name -> id
        self.history: Deque[Dict[str, Any]] = collections.deque(maxlen=history)
        self._subscribers: Dict[int, Callable[[Dict[str, Any]], None]] = {}
        self._next_subscriber = 0
        self._ips = 1
        now = time.time()
        for summary in data["containers"]:
            inspect = data["inspects"].get(summary["Id"]) or {"Id": summary["Id"], "Name": summary["Names"][0]}
            container = Container(summary, inspect, now)
            container.complete(now)
            self.containers[container.id] = container
            self.names[container.name] = container.id

    # -- lookups ---------------------------------------------------------------------------------------

    def find(self, ref: str) -> Optional[Container]:
        """By full id, name (with or without '/'), or a unique id prefix, as Docker resolves references."""
        with self.lock:
            if ref in self.containers:
                return self.containers[ref]
            by_name = self.names.get(ref.lstrip("/"))
            if by_name is not None:
                return self.containers[by_name]
            if re.match(r"^[0-9a-f]+$", ref):
                matches = [c for c in self.containers.values() if c.id.startswith(ref)]
                if len(matches) == 1:
                    return matches[0]
            return None

    def find_image(self, ref: str) -> Optional[Dict[str, Any]]:
        wanted = normalize_image(ref)
        with self.lock:
            for image in self.data["images"]:
                tags = [normalize_image(tag) for tag in image.get("RepoTags") or []]
                digests = image.get("RepoDigests") or []
                image_id = image["Id"]
                if wanted in tags or ref in digests or ref == image_id or (
                        len(ref) >= 12 and re.match(r"^(sha256:)?[0-9a-f]+$", ref) and image_id[7:].startswith(ref.split(":")[-1])):
                    return image
            return None

    # -- events ----------------------------------------------------------------------------------------

    def _publish(self, kind: str, action: str, actor_id: str, attributes: Dict[str, str],
                 legacy_from: Optional[str] = None) -> Dict[str, Any]:
        stamp = time.time_ns()
        event: Dict[str, Any] = {"Type": kind, "Action": action, "Actor": {"ID": actor_id, "Attributes": attributes},
                                 "scope": "local", "time": stamp // 1_000_000_000, "timeNano": stamp}
        if kind in ("container", "image"):  # the fields older clients read
            event.update({"status": action, "id": actor_id})
            if legacy_from is not None:
                event["from"] = legacy_from
        self.history.append(event)
        for callback in list(self._subscribers.values()):
            callback(event)
        return event

    def _container_event(self, container: Container, action: str, **extra: str) -> None:
        attributes = container.attributes()
        attributes.update(extra)
        self._publish("container", action, container.id, attributes, container.image)

    def subscribe(self, callback: Callable[[Dict[str, Any]], None], since: Optional[float] = None,
                  until: Optional[float] = None) -> Tuple[int, List[Dict[str, Any]]]:
        """Register ``callback`` for new events; return its token and the kept events from ``since`` (atomically)."""
        with self.lock:
            backlog = []
            if since is not None:
                low = int(since * 1e9)
                high = int(until * 1e9) if until is not None else None
                backlog = [e for e in self.history if e["timeNano"] >= low and (high is None or e["timeNano"] <= high)]
            token = self._next_subscriber
            self._next_subscriber += 1
            self._subscribers[token] = callback
            return token, backlog

    def unsubscribe(self, token: int) -> None:
        with self.lock:
            self._subscribers.pop(token, None)

    @property
    def subscribers(self) -> int:
        with self.lock:
            return len(self._subscribers)

    @staticmethod
    def event_matches(event: Dict[str, Any], filters: Dict[str, List[str]]) -> bool:
        """Docker's event filters: type, event, container (id, prefix or name), image, label."""
        actor = event["Actor"]
        attributes = actor.get("Attributes") or {}
        for key, values in filters.items():
            if not values:
                continue
            if key == "type" and event["Type"] not in values:
                return False
            if key == "event" and event["Action"] not in values:
                return False
            if key == "container" and (event["Type"] != "container" or not any(
                    actor["ID"].startswith(v) or attributes.get("name") == v.lstrip("/") for v in values)):
                return False
            if key == "image":
                image = attributes.get("image") or (actor["ID"] if event["Type"] == "image" else "")
                if not any(normalize_image(v) == normalize_image(image) or v == image.rsplit(":", 1)[0] for v in values):
                    return False
            if key == "label" and not _label_matches(attributes, values):
                return False
        return True

    # -- reads -----------------------------------------------------------------------------------------

    def info(self) -> Dict[str, Any]:
        with self.lock:
            info = dict(self.data["info"])
            states = collections.Counter(c.state for c in self.containers.values())
            info.update({"Containers": len(self.containers), "ContainersRunning": states["running"],
                         "ContainersPaused": states["paused"],
                         "ContainersStopped": len(self.containers) - states["running"] - states["paused"],
                         "Images": len(self.data["images"])})
            return info

    def list_containers(self, all_containers: bool, filters: Dict[str, List[str]]) -> Reply:
        """`GET /containers/json`: newest first; filters id, name, label, status (status implies all)."""
        with self.lock:
            if filters.get("status"):
                all_containers = True
            try:
                name_patterns = [re.compile(pattern) for pattern in filters.get("name", [])]
            except re.error as exc:
                return 400, {"message": "invalid name filter: %s" % exc}
            found = []
            for container in reversed(list(self.containers.values())):
                if not all_containers and container.state not in ("running", "paused"):
                    continue
                if filters.get("id") and not any(container.id.startswith(v) for v in filters["id"]):
                    continue
                if name_patterns and not any(p.search("/" + container.name) for p in name_patterns):
                    continue
                if filters.get("label") and not _label_matches(container.labels, filters["label"]):
                    continue
                if filters.get("status") and container.state not in filters["status"]:
                    continue
                found.append(container.summary)
            return 200, found

    def inspect(self, ref: str) -> Reply:
        with self.lock:
            container = self.find(ref)
            if container is None:
                return 404, {"message": "No such container: %s" % ref}
            return 200, container.inspect

    def image_inspect(self, ref: str) -> Reply:
        with self.lock:
            image = self.find_image(ref)
            if image is None:
                return 404, {"message": "No such image: %s" % ref}
            return 200, {"Id": image["Id"], "RepoTags": image.get("RepoTags") or [],
                         "RepoDigests": image.get("RepoDigests") or [], "Created": image.get("Created", ZERO_TIME),
                         "Size": image.get("Size", 0), "Os": "linux", "Architecture": "amd64",
                         "Config": {"Cmd": ["sh"], "Env": ["PATH=/bin"], "Labels": None}}

    # -- changes ---------------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.version += 1

    def create(self, name: Optional[str], config: Dict[str, Any]) -> Reply:
        """`POST /containers/create`: 201 {"Id"}, 409 for a used name, 404 for an image this engine lacks."""
        if not isinstance(config, dict):
            return 400, {"message": "the body must be a JSON object (container config)"}
        image_ref = config.get("Image")
        if not image_ref or not isinstance(image_ref, str):
            return 400, {"message": "Config.Image is required"}
        if name is not None and not _NAME.match(name):
            return 400, {"message": "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" % name}
        with self.lock:
            name = (name or "").lstrip("/") or "sim_%s" % os.urandom(5).hex()
            existing = self.containers.get(self.names.get(name, ""))
            if existing is not None:
                return 409, {"message": 'Conflict. The container name "/%s" is already in use by container "%s". You have to '
                             "remove (or rename) that container to be able to reuse that name." % (name, existing.id)}
            image = self.find_image(image_ref)
            if image is None:
                return 404, {"message": "No such image: %s" % image_ref}
            if len(self.containers) >= self.max_containers:
                return 500, {"message": "fakedocker: this simulated engine already holds %d containers (max_containers)"
                             % self.max_containers}
            cid = os.urandom(32).hex()
            while cid in self.containers:
                cid = os.urandom(32).hex()
            now = time.time()
            container = Container(*self._documents(cid, name, image_ref, image["Id"], config, now), created=now)
            container.set_state("created", now)
            self.containers[cid] = container
            self.names[name] = cid
            self._changed()
            self._container_event(container, "create")
            return 201, {"Id": cid, "Warnings": []}

    @staticmethod
    def _documents(cid: str, name: str, image_ref: str, image_id: str, config: Dict[str, Any],
                   now: float) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        host = config.get("HostConfig") or {}
        labels = dict(config.get("Labels") or {})
        bindings = host.get("PortBindings") or {}
        exposed = dict(config.get("ExposedPorts") or {})
        for port in bindings:
            exposed.setdefault(port, {})
        cmd = config.get("Cmd") or ["sh"]
        if isinstance(cmd, str):
            cmd = [cmd]
        mode = host.get("NetworkMode") or "default"
        summary = {"Id": cid, "Names": ["/" + name], "Image": image_ref, "ImageID": image_id, "Command": " ".join(cmd),
                   "Created": int(now), "Ports": [], "Labels": labels, "State": "created", "Status": "Created",
                   "HostConfig": {"NetworkMode": mode}, "NetworkSettings": {"Networks": {}}, "Mounts": []}
        inspect = {
            "Id": cid, "Created": _rfc3339(now), "Path": cmd[0], "Args": cmd[1:], "Image": image_id, "Name": "/" + name,
            "RestartCount": 0, "Driver": "overlay2", "Platform": "linux", "Mounts": [],
            "State": {},
            "Config": {"Hostname": cid[:12], "Image": image_ref, "Env": list(config.get("Env") or []), "Cmd": cmd,
                       "Entrypoint": config.get("Entrypoint"), "Labels": labels, "ExposedPorts": exposed or None,
                       "Tty": bool(config.get("Tty")), "OpenStdin": bool(config.get("OpenStdin"))},
            "HostConfig": {"NetworkMode": mode, "PortBindings": bindings, "NanoCpus": int(host.get("NanoCpus") or 0),
                           "Memory": int(host.get("Memory") or 0), "CpuShares": int(host.get("CpuShares") or 0),
                           "RestartPolicy": host.get("RestartPolicy") or {"Name": "no", "MaximumRetryCount": 0},
                           "Binds": host.get("Binds"), "Privileged": bool(host.get("Privileged"))},
            "NetworkSettings": {"Ports": {}, "IPAddress": "", "Networks": {}},
        }
        return summary, inspect

    def _allocate_ports(self, container: Container) -> Reply:
        """The published ports of a starting container, or Docker's 500 when a host port is taken."""
        used = set()
        for other in self.containers.values():
            if other is not container and other.state in ("running", "paused"):
                for entry in other.summary.get("Ports") or []:
                    if "PublicPort" in entry:
                        used.add((entry.get("IP", "0.0.0.0"), entry["PublicPort"], entry["Type"]))
        ports: Dict[str, Any] = {}
        for port, host_ip, host_port, proto in container.bindings():
            if host_port:
                number = int(host_port.split("-")[0])
                clash = any(p == number and t == proto and (ip == host_ip or "0.0.0.0" in (ip, host_ip)) for ip, p, t in used)
                if clash:
                    return 500, {"message": "driver failed programming external connectivity on endpoint %s (%s): Bind for "
                                 "%s:%d failed: port is already allocated" % (container.name, container.id, host_ip, number)}
            else:
                number = next((p for p in range(*EPHEMERAL_PORTS) if not any(p == q and t == proto for unused_ip, q, t in used)), 0)
            used.add((host_ip, number, proto))
            ports.setdefault(port, []).append({"HostIp": host_ip, "HostPort": str(number)})
        for port in (container.inspect.get("Config") or {}).get("ExposedPorts") or {}:
            ports.setdefault(port, None)
        return 200, ports

    def _run(self, container: Container, now: float) -> Reply:
        status, ports = self._allocate_ports(container)
        if status != 200:
            return status, ports
        container.set_state("running", now, ports=ports)
        if not container.ip:
            self._ips += 1
            container.ip = "172.17.%d.%d" % (self._ips // 250, self._ips % 250 + 2)
        self._set_network(container, container.ip)
        self._container_event(container, "start")
        return 204, None

    def _set_network(self, container: Container, ip: str) -> None:
        mode = (container.inspect.get("HostConfig") or {}).get("NetworkMode") or "default"
        if mode in ("host", "none") or mode.startswith("container:"):
            return
        network = "bridge" if mode == "default" else mode
        settings = container.inspect.setdefault("NetworkSettings", {})
        settings["IPAddress"] = ip
        settings["Networks"] = {network: {"IPAddress": ip, "Gateway": "172.17.0.1" if ip else "", "NetworkID": "sim-" + network}}
        container.summary["NetworkSettings"] = {"Networks": {network: {"IPAddress": ip}}}

    def _halt(self, container: Container, signal: str, exit_code: int, now: float, then: Optional[str]) -> None:
        """kill (signal) -> die (exitCode) [-> stop]: the events Docker emits when a running container ends."""
        self._container_event(container, "kill", signal=signal)
        container.set_state("exited", now, exit_code=exit_code)
        self._set_network(container, "")
        self._container_event(container, "die", exitCode=str(exit_code))
        if then:
            self._container_event(container, then)

    def action(self, ref: str, verb: str, signal: Optional[str] = None, force: bool = False) -> Reply:
        """start|stop|kill|restart|pause|unpause|remove, with Docker's codes (204, 304, 404, 409)."""
        with self.lock:
            container = self.find(ref)
            if container is None:
                return 404, {"message": "No such container: %s" % ref}
            now = time.time()
            state = container.state
            reply: Reply = (204, None)
            if verb == "start":
                if state == "paused":
                    return 409, {"message": "cannot start a paused container, try unpause instead"}
                if state == "running":
                    return 304, None
                reply = self._run(container, now)
            elif verb == "stop":
                if state not in ("running", "paused"):
                    return 304, None
                self._halt(container, "15", 0, now, "stop")
            elif verb == "kill":
                if state not in ("running", "paused"):
                    return 409, {"message": "Cannot kill container: %s: Container %s is not running" % (ref, container.id)}
                raw = (signal or "KILL").upper()
                raw = raw[3:] if raw.startswith("SIG") else raw
                number = int(raw) if raw.isdigit() else SIGNALS.get(raw)
                if number is None:
                    return 400, {"message": "Invalid signal: %s" % signal}
                self._halt(container, str(number), 128 + number, now, None)
            elif verb == "restart":
                if state in ("running", "paused"):
                    self._halt(container, "15", 0, now, "stop")
                reply = self._run(container, now)
                if reply[0] == 204:
                    self._container_event(container, "restart")
            elif verb == "pause":
                if state == "paused":
                    return 409, {"message": "Container %s is already paused" % container.id}
                if state != "running":
                    return 409, {"message": "Container %s is not running" % container.id}
                container.set_state("paused", now, ports=container.inspect["NetworkSettings"]["Ports"])
                self._container_event(container, "pause")
            elif verb == "unpause":
                if state != "paused":
                    return 409, {"message": "Container %s is not paused" % container.id}
                container.set_state("running", now, ports=container.inspect["NetworkSettings"]["Ports"])
                self._container_event(container, "unpause")
            elif verb == "remove":
                if state in ("running", "paused"):
                    if not force:
                        return 409, {"message": "You cannot remove a running container %s. Stop the container before "
                                     "attempting removal or force remove" % container.id}
                    self._halt(container, "9", 137, now, None)
                del self.containers[container.id]
                del self.names[container.name]
                self._container_event(container, "destroy")
            else:
                return 404, {"message": "page not found"}
            self._changed()
            return reply

    def pull(self, from_image: str, tag: Optional[str]) -> Reply:
        """`POST /images/create`: instant success; the image joins this engine's list (a create may use it)."""
        if not from_image:
            return 400, {"message": "fromImage is required (fakedocker does not import images)"}
        ref = normalize_image("%s:%s" % (from_image, tag) if tag and "@" not in from_image and
                              ":" not in from_image.rsplit("/", 1)[-1] else from_image)
        repository = ref.split("@")[0].rsplit(":", 1)[0]
        digest = "sha256:" + hashlib.sha256(("digest " + ref).encode()).hexdigest()
        with self.lock:
            present = self.find_image(ref) is not None
            if not present:
                self.data["images"].append({"Id": "sha256:" + hashlib.sha256(ref.encode()).hexdigest(), "RepoTags": [ref],
                                            "RepoDigests": ["%s@%s" % (repository, digest)], "Size": 1 << 20,
                                            "Created": _rfc3339(time.time())})
                self._changed()
            self._publish("image", "pull", ref, {"name": repository})
        progress = [{"status": "Pulling from %s" % repository, "id": ref.rsplit(":", 1)[-1]},
                    {"status": "Digest: %s" % digest},
                    {"status": "Status: %s for %s" % ("Image is up to date" if present else "Downloaded newer image", ref)}]
        return 200, progress
