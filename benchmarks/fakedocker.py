# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIMULATION ONLY: a light fake of the Docker Engine API, N "engines" on 127.0.0.1 ports.

It exists to measure how the snapshot, the inventory and a Docker-API manager scale to hundreds of
engines on one machine. It is not Docker: nothing runs, answers follow Docker 20.10's shapes, plain
HTTP/1.1 with keep-alive only. Every engine reports OperatingSystem "fakedocker simulation".
Each engine starts with canned, deterministic containers (benchmarks/fakedocker_engine.py holds the
state) and then changes as a manager drives it:

    GET|HEAD /_ping   GET /version  /info  /images/json  /images/{name}/json  /networks  /volumes
    GET  /containers/json?all=&filters={"id","name","label","status"}   /containers/{id}/json
    POST /containers/create?name=   (201 {"Id"}; 409 name in use; 404 No such image)
    POST /containers/{id}/start|stop|kill|restart|pause|unpause   (204; 304 already so; 409)
    DELETE /containers/{id}?force=   (204; 409 running without force)
    POST /images/create?fromImage=&tag=   (an instant successful pull; the image joins the engine)
    GET  /events?since=&until=&filters={"type","event","container","image","label"}
         (chunked, one JSON event per line, Docker's format, open until the client leaves or `until`)
    (with or without a /v1.NN prefix; anything else -> 404)

Simulation controls on every engine's port (never proxied by a manager; for benchmarks in another process):

    POST /_fakedocker/direct/create?name=&image=&start=1   body: optional {"Labels": {...}}
    POST /_fakedocker/direct/{id}/{start|stop|kill|restart|pause|unpause|remove}
    GET  /_fakedocker/stats      {"name", "containers", "subscribers", "requests"}

One asyncio loop in one background thread serves every port (so 1,000 engines cost one thread, not
1,000). Bounded: at most MAX_ENGINES engines, ``max_containers`` per engine, bounded request bodies,
event history and subscriber queues, only 127.0.0.1, and the fleet stops by itself after ``lifetime``
seconds. ``latency`` (seconds) delays every answer, to model a real engine.

As a library::

    from fakedocker import FakeDockerFleet          # with benchmarks/ on sys.path
    with FakeDockerFleet(count=500, containers=10, latency=0.002) as fleet:
        fleet.addresses                              # ["127.0.0.1:41234", ...]
        fleet.create_direct(7, "outside-1")          # made "on the engine", events and all

As a program (prints the addresses as JSON on one line, then serves until stopped or the lifetime ends)::

    python benchmarks/fakedocker.py --count 500 --containers 10 --lifetime 120 [--latency-ms 2]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import re
import signal
import sys
import threading
import time
import urllib.parse
from typing import Any, Deque, Dict, List, Optional, Tuple

from fakedocker_engine import API_VERSION, MAX_CONTAINERS, SimEngine, engine_data, parse_filters, parse_timestamp

__all__ = ["FakeDockerFleet", "engine_data", "MAX_ENGINES", "HOST"]

MAX_ENGINES = 2000
HOST = "127.0.0.1"
MAX_BODY = 1 << 20
MAX_QUEUED_EVENTS = 10000  # per /events client; a client that falls this far behind is disconnected
CACHE_ENTRIES = 256  # cached GET answers per engine
REASONS = {200: "OK", 201: "Created", 204: "No Content", 304: "Not Modified", 400: "Bad Request", 404: "Not Found",
           409: "Conflict", 413: "Payload Too Large", 500: "Internal Server Error"}
NETWORKS = [{"Name": name, "Id": "sim-" + name, "Driver": driver, "Scope": "local", "Internal": False, "Labels": {}}
            for name, driver in (("bridge", "bridge"), ("host", "host"), ("none", "null"))]
_ACTION = re.compile(r"^/containers/([^/]+)/(start|stop|kill|restart|pause|unpause)$")
_DIRECT = re.compile(r"^/_fakedocker/direct/([^/]+)/(start|stop|kill|restart|pause|unpause|remove)$")


class _Lines(list):
    """A body sent as newline-delimited JSON (a pull's progress), not as one JSON document."""


class _Request:
    def __init__(self, method: str, target: str, version: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.target = target
        path, _sep, query = target.partition("?")
        if path.startswith("/v1."):
            path = "/" + path.split("/", 2)[2] if path.count("/") >= 2 else "/"
        self.path = urllib.parse.unquote(path)
        self.query = {key: values[-1] for key, values in urllib.parse.parse_qs(query, keep_blank_values=True).items()}
        self.headers = headers
        self.body = body
        connection = headers.get("connection", "").lower()
        self.keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"

    def json(self) -> Any:
        return json.loads(self.body.decode() or "{}")


def _truthy(value: Optional[str]) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def _response(status: int, body: Any, keep_alive: bool = True, head_only: bool = False) -> bytes:
    """A whole HTTP response: JSON, text (/_ping) or JSON lines; 204/304 have no body."""
    if status in (204, 304) or body is None:
        payload, kind = b"", None
    elif isinstance(body, str):
        payload, kind = body.encode(), b"text/plain; charset=utf-8"
    elif isinstance(body, _Lines):  # chunked, a line per chunk: the docker SDK decodes a stream only so
        payload = b"".join(b"%x\r\n%s\r\n" % (len(data), data) for data in (json.dumps(line).encode() + b"\r\n" for line in body))
        payload, kind = payload + b"0\r\n\r\n", b"application/json"
    else:
        payload, kind = json.dumps(body).encode(), b"application/json"
    head = [b"HTTP/1.1 %d %s" % (status, REASONS.get(status, "Error").encode()), b"Api-Version: " + API_VERSION.encode(),
            b"Server: fakedocker-simulation"]
    if kind:
        head.append(b"Content-Type: " + kind)
    if isinstance(body, _Lines):
        head.append(b"Transfer-Encoding: chunked")
    elif status not in (204, 304):
        head.append(b"Content-Length: %d" % len(payload))
    if not keep_alive:
        head.append(b"Connection: close")
    return b"\r\n".join(head) + b"\r\n\r\n" + (b"" if head_only else payload)


def _chunk(events: List[Dict[str, Any]]) -> bytes:
    data = b"".join(json.dumps(event).encode() + b"\n" for event in events)
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


async def _read_request(reader: asyncio.StreamReader, first: bytes) -> Optional[_Request]:
    """One request (headers, then a Content-Length or chunked body); None on a malformed one."""
    line = (first + await reader.readline()).decode("latin-1").split()
    if len(line) != 3:
        return None
    headers: Dict[str, str] = {}
    while True:
        raw = await reader.readline()
        if raw in (b"\r\n", b"\n", b""):
            break
        name, _sep, value = raw.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                break
            if len(body) + size > MAX_BODY:
                raise ValueError("body too large")
            body += await reader.readexactly(size)
            await reader.readline()
    elif headers.get("content-length"):
        length = int(headers["content-length"])
        if length > MAX_BODY:
            raise ValueError("body too large")
        body = await reader.readexactly(length)
    return _Request(line[0], line[1], line[2], headers, body)


class FakeDockerFleet:
    """``count`` simulated engines on 127.0.0.1, served by one asyncio thread; stops after ``lifetime`` s."""

    def __init__(self, count: int, containers: int = 10, foreign: int = 2, lifetime: float = 600.0,
                 latency: float = 0.0, max_containers: int = MAX_CONTAINERS) -> None:
        if not 0 < count <= MAX_ENGINES:
            raise ValueError("count must be 1..%d" % MAX_ENGINES)
        if not 0 <= containers <= max_containers:
            raise ValueError("containers must be 0..max_containers (%d)" % max_containers)
        self.count = count
        self.lifetime = lifetime
        self.latency = latency
        self.engines = [engine_data(index, containers, min(foreign, containers)) for index in range(count)]
        self.sims = [SimEngine(data, max_containers=max_containers) for data in self.engines]
        self.addresses: List[str] = []
        self.requests = 0
        self._cache: List[Tuple[int, Dict[str, bytes]]] = [(-1, {}) for unused in range(count)]
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._error: Optional[BaseException] = None
        self._main_task: Optional[asyncio.Task] = None
        self._handlers: Dict[asyncio.StreamWriter, Optional[asyncio.Task]] = {}

    # -- out-of-band changes (as if someone used the engine directly) -----------------------------------

    def create_direct(self, index: int, name: str, image: str = "busybox:latest", labels: Optional[Dict[str, str]] = None,
                      start: bool = True) -> str:
        """Create (and start) a container on engine ``index`` behind the manager's back; its events are emitted."""
        status, body = self._direct_create(self.sims[index], name, image, labels or {}, start)
        if status not in (200, 201):
            raise RuntimeError("create_direct on engine %d: %d %s" % (index, status, body.get("message")))
        return body["Id"]

    def change_direct(self, index: int, ref: str, verb: str, force: bool = True) -> Tuple[int, Any]:
        """start|stop|kill|restart|pause|unpause|remove a container on engine ``index`` directly."""
        return self.sims[index].action(ref, verb, force=force)

    @staticmethod
    def _direct_create(sim: SimEngine, name: str, image: str, labels: Dict[str, str], start: bool) -> Tuple[int, Any]:
        status, body = sim.create(name, {"Image": image, "Labels": labels})
        if status == 201 and start:
            started, failure = sim.action(body["Id"], "start")
            if started != 204:
                return started, failure
        return status, body

    # -- HTTP ------------------------------------------------------------------------------------------

    def _dispatch(self, index: int, req: _Request) -> Tuple[int, Any]:
        sim, path, method, query = self.sims[index], req.path, req.method, req.query
        if path == "/_ping" and method in ("GET", "HEAD"):
            return 200, "OK"
        if method == "GET":
            if path == "/version":
                return 200, {"ApiVersion": API_VERSION, "MinAPIVersion": "1.12", "Version": "20.10.24-sim", "Os": "linux",
                             "Arch": "amd64", "Components": [{"Name": "fakedocker", "Version": "simulation"}]}
            if path == "/info":
                return 200, sim.info()
            if path == "/containers/json":
                return sim.list_containers(_truthy(query.get("all")), parse_filters(query.get("filters")))
            if path == "/images/json":
                return 200, sim.data["images"]
            if path == "/networks":
                return 200, NETWORKS
            if path == "/volumes":
                return 200, {"Volumes": [], "Warnings": None}
            if path.startswith("/containers/") and path.endswith("/json"):
                return sim.inspect(path[len("/containers/"):-len("/json")])
            if path.startswith("/images/") and path.endswith("/json"):
                return sim.image_inspect(path[len("/images/"):-len("/json")])
            if path == "/_fakedocker/stats":
                return 200, {"name": sim.data["info"]["Name"], "containers": len(sim.containers),
                             "subscribers": sim.subscribers, "requests": self.requests}
        if method == "POST":
            if path == "/containers/create":
                return sim.create(query.get("name"), req.json())
            if path == "/images/create":
                status, body = sim.pull(query.get("fromImage", ""), query.get("tag"))
                return status, _Lines(body) if status == 200 else body
            action = _ACTION.match(path)
            if action:
                return sim.action(action.group(1), action.group(2), signal=query.get("signal"))
            if path == "/_fakedocker/direct/create":
                labels = (req.json() or {}).get("Labels") or {}
                return self._direct_create(sim, query.get("name", ""), query.get("image", "busybox:latest"), labels,
                                           _truthy(query.get("start", "1")))
            direct = _DIRECT.match(path)
            if direct:
                return sim.action(direct.group(1), direct.group(2), force=True)
        if method == "DELETE" and path.startswith("/containers/") and path.count("/") == 2:
            return sim.action(path[len("/containers/"):], "remove", force=_truthy(query.get("force")))
        return 404, {"message": "page not found (fakedocker simulates a subset of the Docker API)"}

    def _answer(self, index: int, req: _Request) -> bytes:
        """The response bytes; GET answers are cached per engine until its state changes."""
        sim = self.sims[index]
        cacheable = req.method == "GET" and req.keep_alive and not req.path.startswith("/_fakedocker/")
        if cacheable:
            version, cache = self._cache[index]
            if version == sim.version and req.target in cache:
                return cache[req.target]
        try:
            version = sim.version
            status, body = self._dispatch(index, req)
        except ValueError as exc:  # bad JSON body or filters
            return _response(400, {"message": "fakedocker: bad request: %s" % exc}, req.keep_alive)
        data = _response(status, body, req.keep_alive, head_only=req.method == "HEAD")
        if cacheable and status == 200:
            cached_version, cache = self._cache[index]
            if cached_version != version or len(cache) >= CACHE_ENTRIES:
                cache = {}
                self._cache[index] = (version, cache)
            cache[req.target] = data
        return data

    async def _events(self, index: int, req: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Stream events until the client leaves, `until` passes or the fleet stops; True to keep the connection."""
        sim = self.sims[index]
        try:
            since = parse_timestamp(req.query.get("since"))
            until = parse_timestamp(req.query.get("until"))
            filters = parse_filters(req.query.get("filters"))
        except ValueError as exc:
            writer.write(_response(400, {"message": str(exc)}, req.keep_alive))
            return req.keep_alive
        if until is not None and since is None:
            since = 0.0
        loop = asyncio.get_running_loop()
        loop_thread = threading.get_ident()
        limit = None if until is None else int(until * 1e9)
        pending: Deque[Dict[str, Any]] = collections.deque()  # filled under the engine's lock: publish order
        wake = asyncio.Event()
        overflow = []

        def offer(event: Dict[str, Any]) -> None:  # under the engine's lock, from the loop or any other thread
            if not sim.event_matches(event, filters):
                return
            if len(pending) >= MAX_QUEUED_EVENTS:
                overflow.append(True)  # this client fell too far behind: it is disconnected
            else:
                pending.append(event)
            if threading.get_ident() == loop_thread:
                wake.set()
            else:
                loop.call_soon_threadsafe(wake.set)

        token, backlog = sim.subscribe(offer, since, until)
        try:
            head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                    b"Api-Version: %s\r\nServer: fakedocker-simulation\r\n\r\n" % API_VERSION.encode())
            writer.write(head + _chunk([event for event in backlog if sim.event_matches(event, filters)]))
            await writer.drain()
            if limit is not None and time.time_ns() >= limit:
                writer.write(b"0\r\n\r\n")
                return req.keep_alive
            leaving = asyncio.ensure_future(reader.read(1))  # EOF: the client went away
            try:
                while True:
                    timeout = None if limit is None else max(0.0, (limit - time.time_ns()) / 1e9)
                    waiter = asyncio.ensure_future(wake.wait())
                    done, unused_pending = await asyncio.wait({waiter, leaving}, timeout=timeout,
                                                              return_when=asyncio.FIRST_COMPLETED)
                    if waiter not in done:
                        waiter.cancel()
                    if leaving in done or overflow:
                        return False
                    if not done:  # `until` has passed: end the stream as Docker does
                        writer.write(b"0\r\n\r\n")
                        await writer.drain()
                        return False
                    wake.clear()
                    batch = []
                    while pending:
                        batch.append(pending.popleft())
                    writer.write(_chunk([event for event in batch if limit is None or event["timeNano"] <= limit]))
                    await writer.drain()
            finally:
                leaving.cancel()
        finally:
            sim.unsubscribe(token)

    async def _serve(self, index: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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
                try:
                    req = await _read_request(reader, first)
                except ValueError:
                    writer.write(_response(413, {"message": "request too large or malformed (simulation)"}, keep_alive=False))
                    await writer.drain()
                    break
                if req is None:
                    break
                if self.latency:
                    await asyncio.sleep(self.latency)
                self.requests += 1
                if req.method == "GET" and req.path == "/events":
                    if not await self._events(index, req, reader, writer):
                        break
                    continue
                writer.write(self._answer(index, req))  # one write: no small-segment stalls
                await writer.drain()
                if not req.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
            pass
        finally:
            self._handlers.pop(writer, None)
            writer.close()

    async def _main(self) -> None:
        servers = []
        try:
            for index in range(self.count):
                server = await asyncio.start_server(lambda r, w, i=index: self._serve(i, r, w), HOST, 0, backlog=128)
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
    parser = argparse.ArgumentParser(description="SIMULATION: N fake Docker engines on 127.0.0.1 ports.")
    parser.add_argument("--count", type=int, default=100, help="engines to simulate (max %d)" % MAX_ENGINES)
    parser.add_argument("--containers", type=int, default=10, help="canned containers per engine at start")
    parser.add_argument("--foreign", type=int, default=2, help="canned containers per engine without reservation labels")
    parser.add_argument("--max-containers", type=int, default=MAX_CONTAINERS, help="containers an engine may hold")
    parser.add_argument("--lifetime", type=float, default=300.0, help="seconds before the fleet stops by itself")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added delay per request")
    args = parser.parse_args(argv)
    fleet = FakeDockerFleet(args.count, args.containers, args.foreign, args.lifetime, args.latency_ms / 1000.0,
                            max_containers=args.max_containers).start()
    signal.signal(signal.SIGTERM, lambda *_args: fleet.stop())
    print(json.dumps({"simulation": True, "addresses": fleet.addresses}), flush=True)
    try:
        fleet.wait()
    except KeyboardInterrupt:
        fleet.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
