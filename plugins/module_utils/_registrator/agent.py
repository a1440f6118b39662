# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registrator host agent: Docker events in, Registrator's services out to a Consul backend.

Level-triggered: an event only names a container; the agent inspects it and decides from its
state (running and not paused: its services; otherwise none, except Registrator's
``--deregister on-success`` keeping the services of a container that died with a plain non-zero
exit code). Events are read in windows (``since``/``until`` in the engine's own clock, so clock
skew cannot lose one): the first window starts before the initial full sync, each next one where
the last ended, and a full sync runs every ``resync`` seconds, so nothing is missed and a replayed
event does no harm. The backend writes only differences. A failing engine is reconnected with
bounded backoff and resynced; a failing Consul is retried by the backend (keeper thread).
"""
from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, List, Optional, Set
from urllib.parse import urlparse

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import engine_addr, explain
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.backend import LOG, RegistryBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.metadata import service_metadata
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.services import Service, container_services

EVENTS = ("start", "unpause", "die", "stop", "pause", "destroy")
CLOCK_MARGIN = 1.0       # the first window starts this long before the engine's "now" (replays are harmless)
MAX_WINDOW = 300.0       # an events request never stays open longer than this
EARLY_END_SLACK = 1.0    # a window that ends this much early means the stream broke (engine restarted)
MAX_BACKOFF = 30.0
DEFAULT_RESYNC = 60.0     # seconds between full syncs; the CLI and the registrator role default to it
SIGNAL_BIT = 128
SYSTEM_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")


@dataclass
class AgentOptions:
    """The agent's behaviour (the CLI's flags)."""

    hostname: str
    host_ip: Optional[str] = None        # what a wildcard binding stands for
    ip: Optional[str] = None             # --ip: replaces every binding address
    internal: bool = False
    tags: Optional[str] = None
    explicit: bool = False
    deregister: str = "always"           # or on-success
    resync: float = DEFAULT_RESYNC       # 0: never (windows of MAX_WINDOW)
    retry_interval: float = 2.0
    keepalive: float = 10.0              # keeper period (ttl/3 for consulkv)
    deregister_on_exit: bool = False


def parse_system_time(text: str) -> float:
    """Epoch seconds of Docker's ``SystemTime`` (RFC 3339 with nanoseconds, any offset)."""
    match = SYSTEM_TIME.match(str(text).strip())
    if not match:
        raise RegistratorError("unexpected SystemTime %r from the engine" % (text,))
    stamp = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    zone = match.group(3)
    if zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        stamp -= sign * timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
    fraction = float("0." + match.group(2)) if match.group(2) else 0.0
    return stamp.timestamp() + fraction


def engine_time(client: Any) -> float:
    """The engine's clock now (events are filtered with it, so this host's clock does not matter)."""
    return parse_system_time(client.info()["SystemTime"])


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def default_route_address() -> Optional[str]:
    """The source address of this host's default route (a UDP connect sends nothing)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        return probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()


def host_address(docker_host: str, resolve: Callable[[str], str] = socket.gethostbyname,
                 hostname: Callable[[], str] = socket.gethostname,
                 fallback: Callable[[], Optional[str]] = default_route_address) -> Optional[str]:
    """The address a wildcard binding stands for: the engine's host for a network engine, else (unix
    socket, or a loopback engine address) this host's name resolved like Registrator, else the first
    non-loopback address (the default route's)."""
    text = docker_host.strip()
    host = None
    if text.lower().startswith("ssh://"):
        host = urlparse(text).hostname
    elif "://" not in engine_addr(text):
        host = engine_addr(text).rsplit(":", 1)[0].strip("[]") if ":" in engine_addr(text) else engine_addr(text)
    candidates: List[Callable[[], str]] = []
    if host:
        candidates.append(lambda: host if _is_ip(host) else resolve(host))
    candidates.append(lambda: resolve(hostname()))
    for candidate in candidates:
        try:
            address = candidate()
        except OSError:
            continue
        if address and not _is_loopback(address):
            return address
    return fallback()


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _status(exc: BaseException) -> Optional[int]:
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


class RegistratorAgent:
    """One engine, one backend; ``run`` until ``stop`` is set."""

    def __init__(self, options: AgentOptions, backend: RegistryBackend, connect_engine: Callable[[], Any],
                 stop: Optional[threading.Event] = None, engine_name: str = "the engine") -> None:
        self.options = options
        self.backend = backend
        self.connect_engine = connect_engine
        self.stop = stop or threading.Event()
        self.engine_name = engine_name
        self.containers: Dict[str, List[Service]] = {}
        self.kept: Set[str] = set()
        self.stream: Any = None
        self.sync_failed = False
        self.syncs = 0
        self.clock_offset = 0.0  # engine clock minus ours

    # ---------------------------------------------------------------------------- services
    def services(self) -> List[Service]:
        found = [service for services in self.containers.values() for service in services]
        return sorted(found, key=lambda service: service.id)

    def services_of(self, inspect: Dict[str, Any]) -> List[Service]:
        """Registrator's services of one container, with ``--explicit`` applied; bad data is logged, not fatal."""
        options = self.options
        try:
            services = container_services(inspect, options.hostname, host_ip=options.host_ip, ip=options.ip,
                                          internal=options.internal, force_tags=options.tags)
        except RegistratorError as exc:
            LOG.warning("container %s skipped: %s", str(inspect.get("Id", "?"))[:12], exc)
            return []
        if options.explicit:
            config = inspect.get("Config") or {}
            services = [service for service in services if service_metadata(config, service.exposed_port)[0].get("name")]
        return services

    @staticmethod
    def _inspect(client: Any, container_id: str) -> Optional[Dict[str, Any]]:
        """Inspect data, or None when the container no longer exists."""
        try:
            return client.inspect_container(container_id)
        except Exception as exc:  # the SDK's NotFound; anything else is the engine failing
            if _status(exc) == 404:
                return None
            raise

    # ------------------------------------------------------------------------------- syncs
    def _publish(self, full: bool) -> None:
        try:
            self.backend.sync(self.services(), full=full)
            if full:
                self.sync_failed = False
        except DiscoveryError:
            # logged by the backend; it keeps the desired state and the keeper retries the writes
            if full:
                self.sync_failed = True

    def full_sync(self, client: Any) -> None:
        """List the running containers, rebuild every service, write what differs from what Consul holds."""
        found: Dict[str, List[Service]] = {}
        for summary in client.containers():
            container_id = summary.get("Id") or summary.get("ID")
            inspect = self._inspect(client, container_id)
            state = (inspect or {}).get("State") or {}
            if inspect is not None and state.get("Running") and not state.get("Paused"):
                found[container_id] = self.services_of(inspect)
                self.kept.discard(container_id)
        for container_id in sorted(self.kept - set(found)):
            inspect = self._inspect(client, container_id)
            if inspect is None or ((inspect.get("State") or {}).get("Running")):
                self.kept.discard(container_id)
            else:
                found[container_id] = self.containers.get(container_id, [])
        self.containers = {key: value for key, value in found.items() if value}
        self.syncs += 1
        self._publish(full=True)

    def _keep_on_failure(self, container_id: str, state: Dict[str, Any]) -> bool:
        """``--deregister on-success``: a container that died with a non-zero exit code that is not a signal."""
        code = int(state.get("ExitCode") or 0)
        return (self.options.deregister == "on-success" and container_id in self.containers
                and code != 0 and code & SIGNAL_BIT == 0)

    def handle(self, client: Any, event: Dict[str, Any]) -> None:
        """One container event: inspect the container and update its services."""
        action = str(event.get("Action") or event.get("status") or "")
        container_id = event.get("id") or (event.get("Actor") or {}).get("ID")
        if not container_id or action not in EVENTS:
            return
        before = self.containers.get(container_id, [])
        inspect = None if action == "destroy" else self._inspect(client, container_id)
        state = (inspect or {}).get("State") or {}
        name = str((inspect or {}).get("Name") or container_id[:12]).lstrip("/")
        if inspect is not None and state.get("Running") and not state.get("Paused"):
            after = self.services_of(inspect)
            self.kept.discard(container_id)
        elif inspect is not None and action == "die" and not state.get("Running") and self._keep_on_failure(container_id, state):
            if container_id not in self.kept:
                LOG.info("keeping %d service(s) of %s: it exited with code %s (--deregister on-success)",
                         len(before), name, state.get("ExitCode"))
            self.kept.add(container_id)
            after = before
        else:
            after = []
            self.kept.discard(container_id)
        if after:
            self.containers[container_id] = after
        else:
            self.containers.pop(container_id, None)
        if after != before:
            LOG.debug("%s %s: %d -> %d service(s)", action, name, len(before), len(after))
            self._publish(full=False)

    # -------------------------------------------------------------------------------- loop
    def _watch(self, client: Any, since: float) -> None:
        """Read events window after window; resync when due; return to reconnect (stream broke) or stop."""
        next_resync = time.monotonic() + (self.options.resync if self.options.resync > 0 else float("inf"))
        while not self.stop.is_set():
            if self.sync_failed:
                window = self.options.retry_interval
            else:
                window = max(1.0, min(next_resync - time.monotonic(), MAX_WINDOW))
            until = since + window
            started = time.monotonic()
            expected = until - (time.time() + self.clock_offset)  # how long the engine should keep this stream open
            stream = client.events(since="%.9f" % since, until="%.9f" % until, decode=True,
                                   filters={"type": "container", "event": list(EVENTS)})
            self.stream = stream
            try:
                if self.stop.is_set():  # stopped while the request was being made: the keeper may have missed it
                    return
                for event in stream:
                    if self.stop.is_set():
                        return
                    self.handle(client, event)
            finally:
                self.stream = None
                _close(stream)
            if self.stop.is_set():
                return
            since = until
            if time.monotonic() - started < expected - EARLY_END_SLACK:
                client.ping()  # raises if the engine is gone
                LOG.info("the events stream of %s ended early (engine restarted?): resyncing", self.engine_name)
                return
            if self.sync_failed or time.monotonic() >= next_resync:
                self.full_sync(client)
                next_resync = time.monotonic() + (self.options.resync if self.options.resync > 0 else float("inf"))

    def _keeper(self) -> None:
        while not self.stop.wait(self.options.keepalive):
            try:
                self.backend.keepalive()
            except DiscoveryError:
                pass  # logged by the backend
            except Exception as exc:  # never let the keeper die: the keys depend on it
                LOG.warning("keepalive failed: %s", exc)
        _close(self.stream)

    def request_stop(self) -> None:
        """Stop soon (signal handlers call this): the keeper closes the events stream."""
        self.stop.set()

    def run(self, once: bool = False) -> int:
        """Run until stopped (0), or one full sync with ``once`` (0, or 1 when it could not be written)."""
        keeper = None
        if not once:
            keeper = threading.Thread(target=self._keeper, name="registrator-keeper", daemon=True)
            keeper.start()
        failures = 0
        status = 0
        try:
            while not self.stop.is_set():
                client = None
                try:
                    client = self.connect_engine()
                    now = engine_time(client)
                    self.clock_offset = now - time.time()
                    since = now - CLOCK_MARGIN  # taken before the sync: no event is missed
                    self.full_sync(client)
                    if once:
                        status = 1 if self.sync_failed else 0
                        break
                    if failures:
                        LOG.info("connected to %s again", self.engine_name)
                    failures = 0
                    self._watch(client, since)
                except Exception as exc:  # the engine failed: SDK, requests, TLS and socket errors alike
                    if self.stop.is_set():
                        break
                    failures += 1
                    delay = min(MAX_BACKOFF, self.options.retry_interval * 2 ** min(failures - 1, 10))
                    LOG.warning("%s; reconnecting in %.1fs", explain(exc, self.engine_name), delay)
                    if once:
                        status = 1
                        break
                    self.stop.wait(delay)
                finally:
                    _close(client)
        finally:
            self.stop.set()
            if keeper is not None:
                keeper.join(timeout=30)
            try:
                self.backend.stop(self.options.deregister_on_exit)
            except DiscoveryError as exc:
                LOG.warning("on exit: %s", exc)
        return status


def _close(thing: Any) -> None:
    if thing is None:
        return
    try:
        thing.close()
    except Exception:  # closing a broken stream or client may fail; nothing to do about it
        pass
