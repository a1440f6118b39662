# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One engine in the live picture: validation, the full read, its event stream and refresh loop.

Classic Swarm's engine life: Pending until ``/info`` (non-zero NCPU and MemTotal) and ``/version``
answered (the API version is negotiated then), a full read (containers with their reservations,
images, networks, volumes), then Healthy. The ``/events`` stream keeps the picture current
(a container event re-reads that one container; image/network/volume events refresh that kind);
a full refresh runs every ``refresh_min..refresh_max`` seconds to repair anything missed, sooner
while the engine is unhealthy. Connection failures count toward health (``EngineHealth``).
Engines send nothing when idle, so an engine that died without closing its connections (host
gone, process frozen) would go unnoticed: one that has been quiet for ``quiet()`` seconds (no event,
no answer) is sent a ``GET /_ping`` with a short timeout; unanswered pings count as connection
failures, and when they make the engine Unhealthy its silent event stream is dropped and reopened.
Reservations come from the labels this project writes, else from one inspect (cached by id).
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import socket
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import AsyncEngineClient, is_unreachable
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.reservations import (
    Reservation,
    from_inspect,
    from_labels,
    is_recorded,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import engine_labels, image_dict
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine_state import HEALTHY, PENDING, EngineHealth
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.events import normalize, node_object

LOG = logging.getLogger("dockyard.swarm.manager.engine")
CONTAINER_ACTIONS = frozenset(("create", "start", "restart", "die", "stop", "kill", "pause", "unpause", "rename", "update",
                               "oom", "health_status", "commit"))
IMAGE_ACTIONS = frozenset(("pull", "tag", "untag", "delete", "import", "load", "push", "save"))
EVENTS_BACKOFF_MAX = 10.0
PENDING_RETRY_MAX = 30.0
UNHEALTHY_RETRY = 5.0
INSPECT_CONCURRENCY = 8
COALESCE = 0.02  # seconds: a burst of events for one object becomes one re-read
PING_RETRY = 0.5  # seconds between two pings when the last one failed
# TCP keepalive on the event stream (idle, interval, probes): the kernel ends a stream whose peer vanished
KEEPALIVE = (30, 10, 3)


class Engine:
    """The picture's view of one engine, and the tasks that keep it current."""

    def __init__(self, addr: str, client: AsyncEngineClient, picture: Any, publish: Callable[[Dict[str, Any]], None],
                 failure_retry: int = 3, refresh_min: float = 30.0, refresh_max: float = 60.0,
                 on_state: Optional[Callable[["Engine", str], None]] = None,
                 quiet: Callable[[], float] = lambda: 5.0, ping_timeout: float = 2.0,
                 validations: Optional[asyncio.Semaphore] = None) -> None:
        self.addr = addr
        self.client = client
        self.picture = picture
        self.publish = publish
        self.refresh_min = refresh_min
        self.refresh_max = refresh_max
        self.on_state = on_state
        self.health = EngineHealth(failure_retry)
        self.info: Dict[str, Any] = {}
        self.version: Dict[str, Any] = {}
        self.node_id = addr
        self.name = addr
        self.records: Dict[str, Any] = {}
        self.pending: List[Any] = []
        self.labels: Dict[str, str] = {}
        self.images: List[Dict[str, Any]] = []
        self.networks: List[Dict[str, Any]] = []
        self.volumes: List[Dict[str, Any]] = []
        self.reservations: Dict[str, Reservation] = {}
        self.sched = placement.new_node(addr, addr, addr)
        self.wake = asyncio.Event()
        self.tasks: List["asyncio.Task[Any]"] = []
        self.refreshing: Dict[str, "asyncio.Task[Any]"] = {}
        self.again: Set[str] = set()
        self.stopped = False
        self.quiet = quiet
        self.ping_timeout = ping_timeout
        self.validations = validations
        self.last_heard = time.monotonic()  # the last answer or event from the engine
        self.events_response: Any = None

    # --- facts ---------------------------------------------------------------------------------
    @property
    def ip(self) -> str:
        return self.client.host

    @property
    def api_version(self) -> Optional[str]:
        return self.client.api_version

    @property
    def node_info(self) -> Dict[str, str]:
        return node_object(self.name, self.node_id, self.addr, self.ip)

    @property
    def healthy(self) -> bool:
        return self.health.state == HEALTHY

    def _set_health_fields(self) -> None:
        placement.set_health(self.sched, self.health.indicator)

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self.tasks.append(asyncio.ensure_future(self._life()))

    async def stop(self) -> None:
        self.stopped = True
        self.health.disconnect()
        for task in self.tasks + list(self.refreshing.values()):
            task.cancel()
        for task in self.tasks:
            try:
                await task
            except BaseException:  # cancelled or failed: the engine is going away either way
                pass
        await self.client.close()

    async def _life(self) -> None:
        """Validate (retrying while Pending), then follow events and refresh until stopped."""
        attempt = 0
        while not self.stopped and self.health.state == PENDING:
            try:
                if self.validations is not None:
                    async with self.validations:  # bounded: 1,000 engines at once starve the loop
                        await self.validate()
                else:
                    await self.validate()
            except Exception as exc:  # EngineError, or an engine answer we cannot read: stay Pending, retry
                if not isinstance(exc, EngineError):
                    LOG.warning("engine %s: unexpected answer during validation", self.addr, exc_info=True)
                attempt += 1
                self.health.validation_failed(str(exc))
                delay = min(PENDING_RETRY_MAX, 2.0 ** min(attempt, 5))
                LOG.warning("engine %s is not usable yet (retry in %.0fs): %s", self.addr, delay, exc)
                await asyncio.sleep(delay)
        if self.stopped:
            return
        self.tasks.append(asyncio.ensure_future(self._events_loop()))
        self.tasks.append(asyncio.ensure_future(self._heartbeat_loop()))
        await self._refresh_loop()

    async def validate(self) -> None:
        """Classic validation: version (API negotiated), info with CPUs and memory, then a full read."""
        self.version = await self.client.negotiate()
        info = await self.client.call("GET", "/info")
        if not info.get("NCPU") or not info.get("MemTotal"):
            raise EngineError("Engine %s reports no CPUs or memory: make sure it is a Docker Engine, not a Swarm manager."
                              % self.addr, self.addr)
        self._apply_info(info)
        duplicate = next((other for other in self.picture.validated_engines()
                          if other is not self and other.info.get("ID") == info.get("ID")), None)
        if duplicate is not None and duplicate.name == self.name:
            raise EngineError("Engine %s: ID duplicated with engine %s (%s): the same engine is listed twice in "
                              "discovery." % (self.addr, duplicate.addr, info.get("ID")), self.addr)
        if duplicate is not None:
            self.node_id = "%s@%s" % (info.get("ID"), self.addr)
            self._apply_info(info)
        await self.full_read()
        event = self.health.validation_complete()
        self.last_heard = time.monotonic()
        self._set_health_fields()
        self.picture.membership_changed()
        LOG.info("engine %s (%s) is healthy: API %s, %s containers", self.name, self.addr, self.api_version,
                 len(self.records))
        self._emit(event)

    def _apply_info(self, info: Dict[str, Any]) -> None:
        self.info = info
        name = info.get("Name") or self.addr
        if name != self.name and self.records:
            self.picture.names_changed()
        self.name = name
        if "@" not in self.node_id or not self.node_id.startswith(str(info.get("ID"))):
            self.node_id = info.get("ID") or self.addr
        self.labels = engine_labels(info)
        placement.set_facts(self.sched, self.node_id, self.name, self.labels, int(info.get("NCPU") or 0),
                            int(info.get("MemTotal") or 0))

    def _emit(self, action: Optional[str]) -> None:
        if action and self.on_state is not None:
            self.on_state(self, action)

    # --- health --------------------------------------------------------------------------------
    async def guarded(self, call: Awaitable[Any]) -> Any:
        """Run one engine call, counting connection failures and successes toward health."""
        try:
            result = await call
        except EngineError as exc:
            if is_unreachable(exc):
                self.failed(exc)
            raise
        self.succeeded()
        return result

    def failed(self, exc: BaseException) -> None:
        """A failure to reach the engine (other errors are answers, and do not count)."""
        if self.health.state == PENDING or not is_unreachable(exc):
            return
        event = self.health.failure(str(exc))
        self._set_health_fields()
        if event:
            LOG.warning("engine %s (%s) is unhealthy after %d failures: %s", self.name, self.addr, self.health.failures, exc)
            self.picture.membership_changed()
            self._drop_event_stream()
            self._emit(event)

    def _drop_event_stream(self) -> None:
        """An engine that stopped answering may never write on its open stream again (a new process
        after a reboot will not): close it, so the events loop reconnects and repairs when it is back."""
        response = self.events_response
        if response is not None:
            self.events_response = None
            response.close()

    def succeeded(self) -> None:
        self.last_heard = time.monotonic()
        if self.health.state == PENDING:
            return
        was = self.health.indicator
        event = self.health.success()
        if event or was != self.health.indicator:
            self._set_health_fields()
        if event:
            LOG.info("engine %s (%s) came back to life", self.name, self.addr)
            self.picture.membership_changed()
            self.wake.set()
            self._emit(event)

    # --- reading -------------------------------------------------------------------------------
    async def full_read(self) -> None:
        read_at = time.monotonic()
        summaries = await self.client.call("GET", "/containers/json", params={"all": "1"})
        entries = await self._with_reservations(summaries or [])
        self.picture.replace_containers(self, entries, read_at)
        await asyncio.gather(self.refresh_images(), self.refresh_networks(), self.refresh_volumes())
        self.health.touch()

    async def _with_reservations(self, summaries: List[Dict[str, Any]]) -> List[Tuple[Dict[str, Any], Reservation]]:
        unknown = [s for s in summaries if not is_recorded(s.get("Labels")) and s.get("Id") not in self.reservations]
        if unknown:
            limit = asyncio.Semaphore(INSPECT_CONCURRENCY)

            async def inspect(container_id: str) -> None:
                async with limit:
                    try:
                        data = await self.client.call("GET", "/containers/%s/json" % container_id)
                    except EngineAPIError as exc:
                        if exc.status_code == 404:
                            return
                        raise
                    self.reservations[container_id] = from_inspect(data, int(self.info.get("NCPU") or 0))

            await asyncio.gather(*(inspect(s["Id"]) for s in unknown))
        entries = []
        records = self.records
        for summary in summaries:
            labels = summary.get("Labels") or {}
            if is_recorded(labels):
                known = records.get(summary.get("Id"))  # same labels, same reservation: not parsed again
                if known is not None and (known.summary.get("Labels") or {}) == labels:
                    entries.append((summary, known.reservation))
                else:
                    entries.append((summary, from_labels(labels)))
            elif summary.get("Id") in self.reservations:
                entries.append((summary, self.reservations[summary["Id"]]))
        return entries

    async def read_container(self, container_id: str, inspect_again: bool = False) -> Optional[Any]:
        """Re-read one container into the picture; None (and dropped) when the engine no longer has it."""
        if inspect_again:
            self.reservations.pop(container_id, None)
        read_at = time.monotonic()
        summaries = await self.client.call("GET", "/containers/json",
                                           params={"all": "1", "filters": json.dumps({"id": [container_id]})})
        summaries = [s for s in summaries or [] if s.get("Id") == container_id]
        if not summaries:
            self.reservations.pop(container_id, None)
            self.picture.drop_container(container_id, read_at)
            return None
        entries = await self._with_reservations(summaries)
        if not entries:
            return None
        summary, reservation = entries[0]
        return self.picture.put_container(self, summary, reservation, read_at)

    async def list_now(self) -> Tuple[float, List[Tuple[Dict[str, Any], Reservation]]]:
        """(when the read began, the engine's containers with reservations), without storing them."""
        read_at = time.monotonic()
        summaries = await self.client.call("GET", "/containers/json", params={"all": "1"})
        return read_at, await self._with_reservations(summaries or [])

    async def refresh_images(self) -> None:
        self.images = await self.client.call("GET", "/images/json") or []
        placement.set_images(self.sched, [image_dict(image) for image in self.images])

    async def refresh_networks(self) -> None:
        self.networks = await self.client.call("GET", "/networks") or []

    async def refresh_volumes(self) -> None:
        answer = await self.client.call("GET", "/volumes") or {}
        self.volumes = answer.get("Volumes") or []

    def refresh_soon(self, kind: str, action: Callable[[], Awaitable[Any]]) -> None:
        """One refresh of a kind at a time; events during a refresh make it run once more (nothing missed)."""
        running = self.refreshing.get(kind)
        if running is not None and not running.done():
            self.again.add(kind)
            return

        async def run() -> None:
            await asyncio.sleep(COALESCE)
            try:
                while not self.stopped:
                    self.again.discard(kind)
                    try:
                        await self.guarded(action())
                    except EngineError as exc:
                        LOG.debug("engine %s: %s refresh failed: %s", self.addr, kind, exc)
                    except Exception:  # an odd answer: logged, the next event or refresh repairs it
                        LOG.warning("engine %s: %s refresh failed", self.addr, kind, exc_info=True)
                    if kind not in self.again:
                        break
            finally:
                if self.refreshing.get(kind) is task:
                    del self.refreshing[kind]

        task = asyncio.ensure_future(run())
        self.refreshing[kind] = task

    # --- loops ---------------------------------------------------------------------------------
    async def _refresh_loop(self) -> None:
        while not self.stopped:
            if self.healthy:
                pause = self.refresh_min + random.uniform(0, max(0.0, self.refresh_max - self.refresh_min))
            else:
                pause = min(self.refresh_min, UNHEALTHY_RETRY)
            try:
                await asyncio.wait_for(self.wake.wait(), pause)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()
            if self.stopped:
                return
            try:
                info = await self.guarded(self.client.call("GET", "/info"))
                self._apply_info(info)
                await self.guarded(self.full_read())
            except EngineError as exc:
                LOG.debug("engine %s: refresh failed: %s", self.addr, exc)
            except Exception:  # never let one odd answer end the refresh loop
                LOG.warning("engine %s: refresh failed", self.addr, exc_info=True)

    async def _heartbeat_loop(self) -> None:
        """Ping a healthy engine that has been quiet for ``quiet()`` seconds; a ping that is not answered
        within ``ping_timeout`` is a connection failure (``failure_retry`` in a row: Unhealthy)."""
        while not self.stopped:
            wait = self.last_heard + self.quiet() - time.monotonic()
            if wait > 0 or not self.healthy:
                await asyncio.sleep(wait if wait > 0 else self.quiet())
                continue
            try:
                await self.guarded(self.client.request("GET", "/_ping", timeout=self.ping_timeout))
            except EngineError as exc:
                LOG.debug("engine %s: ping failed (%d in a row): %s", self.addr, self.health.failures, exc)
                await asyncio.sleep(PING_RETRY)
            except Exception:  # never let one odd answer end the heartbeat
                LOG.warning("engine %s: ping failed", self.addr, exc_info=True)
                await asyncio.sleep(self.quiet())

    async def _events_loop(self) -> None:
        """Follow /events; on a broken stream back off, reconnect and repair with a full read."""
        backoff = 0
        first = True
        while not self.stopped:
            try:
                response = await self.client.open("GET", self.client.path("/events"), streaming=True)
            except EngineError as exc:
                self.failed(exc)
                backoff = min(backoff + 1, int(EVENTS_BACKOFF_MAX))
                await asyncio.sleep(backoff)
                continue
            try:
                if response.status != 200:
                    raise EngineError("Engine %s: /events answered %s" % (self.addr, response.status), self.addr)
                self.succeeded()
                self.events_response = response
                keep_alive(response)
                backoff = 0
                if not first:
                    self.wake.set()  # events were missed while disconnected: repair now
                first = False
                while not self.stopped:
                    line = await response.content.readline()
                    if not line:
                        break
                    self.last_heard = time.monotonic()
                    self._handle_line(line)
            except EngineError as exc:
                LOG.debug("engine %s: events: %s", self.addr, exc)
            except Exception as exc:  # a broken stream: count it, reconnect (unless this side dropped it)
                if self.events_response is response:
                    self.failed(self.client.error(exc))
            finally:
                if self.events_response is response:
                    self.events_response = None
                response.release()
            if not self.stopped:
                backoff = min(backoff + 1, int(EVENTS_BACKOFF_MAX))
                await asyncio.sleep(backoff)

    def _handle_line(self, line: bytes) -> None:
        try:
            event = json.loads(line)
        except ValueError:
            return
        if not isinstance(event, dict):
            return
        self.on_event(event)
        self.publish(normalize(event, self.node_info))

    def on_event(self, event: Dict[str, Any]) -> None:
        """Targeted refreshes for one engine event."""
        kind = event.get("Type") or "container"
        action = (event.get("Action") or event.get("status") or "").split(":", 1)[0]
        actor_id = (event.get("Actor") or {}).get("ID") or event.get("id") or ""
        if kind == "container" and actor_id:
            if action == "destroy":
                self.reservations.pop(actor_id, None)
                self.picture.drop_container(actor_id)
            elif action in CONTAINER_ACTIONS:
                self.refresh_soon("container:" + actor_id,
                                  lambda: self.read_container(actor_id, inspect_again=action == "update"))
            if action == "commit":
                self.refresh_soon("images", self.refresh_images)
        elif kind == "image" and action in IMAGE_ACTIONS:
            self.refresh_soon("images", self.refresh_images)
        elif kind == "network":
            self.refresh_soon("networks", self.refresh_networks)
        elif kind == "volume":
            self.refresh_soon("volumes", self.refresh_volumes)
        elif kind == "daemon" and action == "reload":
            self.wake.set()


def keep_alive(response: Any) -> None:
    """TCP keepalive on a streamed answer's connection (no cost while the peer is alive)."""
    try:
        sock = response.connection.transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        idle, interval, probes = KEEPALIVE
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, idle)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, interval)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, probes)
    except (AttributeError, OSError):  # no socket (unix, tests) or options this platform lacks
        pass
