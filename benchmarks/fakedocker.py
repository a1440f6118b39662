# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATION ONLY: a light fake of the Docker Engine API, N "engines" on 127.0.0.1 ports.

It exists to measure how the snapshot (and the inventory) scale to hundreds of engines on one
machine. It is not Docker: it answers the read-only calls the snapshot makes, with canned,
deterministic data, plain HTTP only. Every engine reports OperatingSystem "fakedocker simulation".

    GET /_ping  /version  /info  /containers/json  /containers/{id}/json  /images/json
    (with or without a /v1.NN prefix; anything else -> 404)

One asyncio loop in one background thread serves every port (so 500 engines cost one thread,
not 500). Bounded: at most MAX_ENGINES engines, only 127.0.0.1, and the fleet stops by itself
after ``lifetime`` seconds.

As a library::

    from fakedocker import FakeDockerFleet          # with benchmarks/ on sys.path
    with FakeDockerFleet(count=500, containers=10) as fleet:
        fleet.addresses                              # ["127.0.0.1:41234", ...]

As a program (prints the addresses as JSON on one line, then serves until stopped or the lifetime ends)::

    python benchmarks/fakedocker.py --count 500 --containers 10 --lifetime 120
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import sys
import threading
from typing import Any, Dict, List, Optional, Tuple

MAX_ENGINES = 2000
HOST = "127.0.0.1"
API_VERSION = "1.41"
SIMULATION_OS = "fakedocker simulation (not a Docker engine)"
ZONES = ("internal", "external")
DISKS = ("ssd", "hdd")
GIB = 1 << 30
MIB = 1 << 20


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


def _route(data: Dict[str, Any], path: str) -> Tuple[int, Any]:
    """(status, body) for a GET path; body is a str for /_ping, else JSON-able."""
    path = path.split("?", 1)[0]
    if path.startswith("/v1."):
        path = "/" + path.split("/", 2)[2] if path.count("/") >= 2 else "/"
    if path == "/_ping":
        return 200, "OK"
    if path == "/version":
        return 200, {"ApiVersion": API_VERSION, "MinAPIVersion": "1.12", "Version": "20.10.24-sim", "Os": "linux",
                     "Arch": "amd64", "Components": [{"Name": "fakedocker", "Version": "simulation"}]}
    if path == "/info":
        return 200, data["info"]
    if path == "/containers/json":
        return 200, data["containers"]
    if path == "/images/json":
        return 200, data["images"]
    if path.startswith("/containers/") and path.endswith("/json"):
        cid = path[len("/containers/"):-len("/json")]
        if cid in data["inspects"]:
            return 200, data["inspects"][cid]
        return 404, {"message": "No such container: %s" % cid}
    return 404, {"message": "page not found (fakedocker simulates read-only calls only)"}


def _response(data: Dict[str, Any], method: str, path: str) -> bytes:
    """The whole HTTP response for a request, cached per engine and path (the data never changes)."""
    cache = data.setdefault("responses", {})
    key = (method, path)
    if key not in cache:
        status, body = (405, {"message": "read-only simulation"}) if method != "GET" else _route(data, path)
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        kind = b"text/plain" if isinstance(body, str) else b"application/json"
        reason = b"OK" if status == 200 else b"Error"
        head = b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nApi-Version: %s\r\nServer: fakedocker-simulation\r\n\r\n"
        cache[key] = head % (status, reason, kind, len(payload), API_VERSION.encode()) + payload
    return cache[key]


class FakeDockerFleet:
    """``count`` simulated engines on 127.0.0.1, served by one asyncio thread; stops after ``lifetime`` s."""

    def __init__(self, count: int, containers: int = 10, foreign: int = 2, lifetime: float = 600.0,
                 latency: float = 0.0) -> None:
        if not 0 < count <= MAX_ENGINES:
            raise ValueError("count must be 1..%d" % MAX_ENGINES)
        self.count = count
        self.lifetime = lifetime
        self.latency = latency
        self.engines = [engine_data(index, containers, min(foreign, containers)) for index in range(count)]
        self.addresses: List[str] = []
        self.requests = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._error: Optional[BaseException] = None
        self._main_task: Optional[asyncio.Task] = None
        self._handlers: Dict[asyncio.StreamWriter, Optional[asyncio.Task]] = {}

    async def _serve(self, data: Dict[str, Any], reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._handlers[writer] = asyncio.current_task()
        try:
            while True:
                first = await reader.read(1)
                if not first:
                    break
                if first == b"\x16":  # a TLS handshake: answer as a plain-HTTP Docker engine (Go) does
                    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                                 b"400 Bad Request")
                    await writer.drain()
                    break
                request = first + await reader.readline()
                length = 0
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b"\n", b""):
                        break
                    name, _sep, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip() or 0)
                if length:
                    await reader.readexactly(length)
                parts = request.decode("latin-1").split()
                if self.latency:
                    await asyncio.sleep(self.latency)
                self.requests += 1
                writer.write(_response(data, parts[0], parts[1]))  # one write: no small-segment stalls
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, IndexError):
            pass
        finally:
            self._handlers.pop(writer, None)
            writer.close()

    async def _main(self) -> None:
        servers = []
        try:
            for data in self.engines:
                server = await asyncio.start_server(lambda r, w, d=data: self._serve(d, r, w), HOST, 0, backlog=64)
                servers.append(server)
                self.addresses.append("%s:%d" % (HOST, server.sockets[0].getsockname()[1]))
        except BaseException as exc:  # report bind failures to start()
            self._error = exc
            self._ready.set()
            raise
        self._ready.set()
        try:
            await asyncio.sleep(self.lifetime)
        except asyncio.CancelledError:
            pass
        finally:
            for server in servers:
                server.close()
            handlers = [task for task in self._handlers.values() if task is not None]
            for writer in list(self._handlers):
                writer.close()  # the handlers then read EOF and end by themselves
            if handlers:
                await asyncio.wait(handlers, timeout=2)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._main_task = self._loop.create_task(self._main())
            self._loop.run_until_complete(self._main_task)
        except (asyncio.CancelledError, OSError):
            pass
        finally:
            self._loop.close()
            self._stopped.set()

    def start(self) -> "FakeDockerFleet":
        self._thread = threading.Thread(target=self._run, name="fakedocker", daemon=True)
        self._thread.start()
        self._ready.wait(timeout=60)
        if self._error is not None:
            raise RuntimeError("fakedocker could not start: %s" % self._error)
        return self

    def stop(self) -> None:
        loop, task = self._loop, self._main_task
        if loop is not None and task is not None and not self._stopped.is_set():
            loop.call_soon_threadsafe(task.cancel)
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait(self) -> None:
        """Block until the lifetime ends or stop() is called."""
        self._stopped.wait()

    def __enter__(self) -> "FakeDockerFleet":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="SIMULATION: N fake Docker engines (read-only API) on 127.0.0.1 ports.")
    parser.add_argument("--count", type=int, default=100, help="engines to simulate (max %d)" % MAX_ENGINES)
    parser.add_argument("--containers", type=int, default=10, help="containers per engine")
    parser.add_argument("--foreign", type=int, default=2, help="containers per engine without reservation labels")
    parser.add_argument("--lifetime", type=float, default=300.0, help="seconds before the fleet stops by itself")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added delay per request")
    args = parser.parse_args(argv)
    fleet = FakeDockerFleet(args.count, args.containers, args.foreign, args.lifetime, args.latency_ms / 1000.0).start()
    signal.signal(signal.SIGTERM, lambda *_args: fleet.stop())
    print(json.dumps({"simulation": True, "addresses": fleet.addresses}), flush=True)
    try:
        fleet.wait()
    except KeyboardInterrupt:
        fleet.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
