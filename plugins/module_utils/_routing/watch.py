# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing watcher: keep the proxy's routes following ``<prefix>/`` in Consul.

A loop of Consul blocking queries on ``<prefix>/?recurse`` (the client rules of Consul's
blocking-query documentation: the index is reset when it goes backwards, never below 1, and
the loop is rate limited by a token bucket). A change starts consul-template's ``wait {min max}``
coalescing: the render waits for ``wait_min`` of quiet, at most ``wait_max`` after the first
change, so a burst of registrations gives one reload. A render is parsed (``parse_kv``),
rendered, staged, validated and swapped (``apply_config``) and the proxy is reloaded only when
the file changed. A file the proxy refuses leaves the old one in place (logged at ERROR, retried
with the next change); an unreachable Consul leaves the config as it is and is retried with a
bounded backoff. The first successful read renders at once.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Set

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.kv import normalise_prefix, parse_kv
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.nginx import Rendered
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import valid_name
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.staging import Applied

LOG = logging.getLogger("dockyard.swarm.routing")
Services = Dict[str, List[str]]

# sync() outcomes
UNCHANGED = "unchanged"
RELOADED = "reloaded"
INVALID = "invalid"
RELOAD_FAILED = "reload-failed"

MIN_QUERY_WAIT = 0.05  # below this the loop sleeps instead of asking Consul for a shorter block
RELOAD_RETRY = 5.0


def with_vanished(services: Services, known: Set[str]) -> Services:
    """``services`` plus every name in ``known`` that is gone, with no backends (the proxy answers 502/503, not 404)."""
    merged = {name: [] for name in known if name not in services}
    merged.update(services)
    return {name: merged[name] for name in sorted(merged)}


def next_index(previous: int, returned: Any) -> int:
    """The index for the next blocking query, by Consul's client rules.

    An index that went backwards (snapshot restore, the newest key deleted) resets to 0: the next
    read does not block and re-reads everything. Anything below 1 (or unreadable) becomes 1, as
    0 would make every query return at once.
    """
    try:
        index = int(returned)
    except (TypeError, ValueError):
        index = 0
    if index < previous:
        return 0
    return max(index, 1)


class Coalescer:
    """consul-template's ``wait {min max}`` as pure decisions on clock values.

    ``change(now)`` records a change; the render is due ``wait_min`` after the last change, but
    never later than ``wait_max`` after the first one since the last render.
    """

    def __init__(self, wait_min: float = 0.5, wait_max: float = 5.0) -> None:
        if wait_min < 0 or wait_max < wait_min:
            raise RoutingError("wait_min must be >= 0 and wait_max >= wait_min, got %s and %s" % (wait_min, wait_max))
        self.wait_min = wait_min
        self.wait_max = wait_max
        self.first: Optional[float] = None
        self.last: Optional[float] = None

    @property
    def pending(self) -> bool:
        return self.first is not None

    def change(self, now: float) -> None:
        if self.first is None:
            self.first = now
        self.last = now

    def due(self) -> Optional[float]:
        """When the render should happen (None: nothing pending)."""
        if self.first is None or self.last is None:
            return None
        return min(self.last + self.wait_min, self.first + self.wait_max)

    def ready(self, now: float) -> bool:
        due = self.due()
        return due is not None and now >= due

    def reset(self) -> None:
        self.first = self.last = None


class TokenBucket:
    """Rate limit for the query loop (Consul's advice: a token bucket, small burst)."""

    def __init__(self, burst: int = 2, refill: float = 0.25, now: float = 0.0) -> None:
        self.burst = float(burst)
        self.refill = refill  # seconds per token
        self.tokens = float(burst)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """0 when a token is available (and takes it), else how long until one is."""
        if self.refill > 0:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) / self.refill)
        else:
            self.tokens = self.burst
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) * self.refill


def backoff(failures: int, base: float = 1.0, ceiling: float = 30.0) -> float:
    """1, 2, 4 ... seconds, at most ``ceiling``."""
    return min(ceiling, base * (2 ** max(0, min(failures - 1, 16))))


@dataclass(frozen=True)
class ProxyHooks:
    """What the watcher does to the proxy: ``render(services) -> Rendered``; ``apply(text) -> Applied``;
    ``reload() -> error text or None``; ``check_live()`` (optional): a check of the whole live
    configuration after a swap, whose failure puts the old file back (``restore(snapshot())``) before
    any reload. ``proxy`` names it in logs (nginx, haproxy)."""

    render: Callable[[Services], Rendered]
    apply: Callable[[str], Applied]
    reload: Callable[[], Optional[str]]
    check_live: Optional[Callable[[], Optional[str]]] = None
    snapshot: Optional[Callable[[], Optional[str]]] = None
    restore: Optional[Callable[[Optional[str]], None]] = None
    proxy: str = "nginx"


@dataclass(frozen=True)
class WatchSettings:
    """Timing and policy: coalescing (``wait_min``/``wait_max`` seconds), the blocking query's length
    (``block``, capped to Consul's 10 minutes), the ceiling of the backoff after failures, and whether a
    service whose keys all vanished stays with no backends (``keep_vanished``)."""

    wait_min: float = 0.5
    wait_max: float = 5.0
    block: float = 60.0
    max_backoff: float = 30.0
    keep_vanished: bool = True


class RoutingWatcher:
    """The loop, with every effect injected (the proxy hooks, the store, the clock).

    A service whose keys are all gone stays, with no backends, while ``keep_vanished`` is on (the
    default): a client then gets the proxy's "no backend" answer (nginx 502, HAProxy 503) rather than
    404, until the watcher restarts.

    ``store``: anything with ``call(action, what)`` like ``ConsulStore``.
    """

    def __init__(self, store: Any, prefix: str, hooks: ProxyHooks, settings: WatchSettings = WatchSettings(),
                 stop: Optional[threading.Event] = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Optional[Callable[[float], bool]] = None, bucket: Optional[TokenBucket] = None) -> None:
        self.store = store
        self.prefix = normalise_prefix(prefix)
        self.hooks = hooks
        self.settings = settings
        self.coalescer = Coalescer(settings.wait_min, settings.wait_max)
        self.block = max(1.0, min(settings.block, 600.0))  # Consul caps a blocking query at 10 minutes
        self.stop = stop or threading.Event()
        self.clock = clock
        self.sleep = sleep or self.stop.wait
        self.bucket = bucket or TokenBucket(now=clock())
        self.known: Set[str] = set()  # valid service names seen since the start (keep_vanished)
        self.index = 0
        self.latest: Optional[Services] = None
        self.failures = 0
        self.reload_pending = False
        self.retry_at = 0.0
        self.renders = 0
        self.reloads = 0
        self.in_query = False  # a signal handler may abort the blocking query only
        self.throttled = False  # the rate limit skipped a read since the last one

    def read(self, wait: Optional[float] = None) -> Services:
        """One (blocking, when an index is known) read of ``<prefix>/``; updates the index."""
        key = self.prefix + "/"
        index = str(self.index) if self.index else None
        wait_text = "%dms" % max(1, int((wait or self.block) * 1000))
        self.in_query = True
        try:
            new_index, items = self.store.call(lambda client: client.kv.get(key, index=index, wait=wait_text, recurse=True),
                                               "watch %s" % key)
        finally:
            self.in_query = False
        previous = self.index
        self.index = next_index(previous, new_index)
        if self.index == 0:
            LOG.info("Consul's index went backwards (%s -> %s): reading %s again", previous, new_index, key)
        return parse_kv(items or [], self.prefix)

    def sync(self, services: Services) -> str:
        """Render, validate, swap and reload once; the outcome (UNCHANGED, RELOADED, INVALID, RELOAD_FAILED)."""
        self.renders += 1
        if self.settings.keep_vanished:
            self.known.update(name for name in services if valid_name(name))
            services = with_vanished(services, self.known)
        try:
            rendered = self.hooks.render(services)
        except RoutingError as exc:
            LOG.error("cannot render the routes: %s", exc)
            return INVALID
        for reason in rendered.rejected:
            LOG.warning("%s", reason)
        previous = self.hooks.snapshot() if (self.hooks.check_live and self.hooks.snapshot) else None
        result = self.hooks.apply(rendered.text)
        if result.error:
            LOG.error("%s refused the new routes, keeping %s as it was: %s", self.hooks.proxy, result.path, result.error)
            return INVALID
        if not result.reload_needed:
            LOG.debug("routes unchanged (%d services)", len(rendered.services))
            if not self.reload_pending:
                return UNCHANGED
            return RELOADED if self._reload() else RELOAD_FAILED
        if self.hooks.check_live:
            error = self.hooks.check_live()
            if error:
                if self.hooks.restore:
                    self.hooks.restore(previous)
                LOG.error("%s refused its whole configuration with the new routes, %s put back: %s", self.hooks.proxy, result.path, error)
                return INVALID
        backends = sum(len(items) for items in rendered.services.values())
        LOG.info("wrote %s: %d services, %d backends", result.path, len(rendered.services), backends)
        self.reload_pending = True
        return RELOADED if self._reload() else RELOAD_FAILED

    def _reload(self) -> bool:
        error = self.hooks.reload()
        if error:
            self.reload_pending = True
            self.retry_at = self.clock() + RELOAD_RETRY
            LOG.error("reloading %s failed (retrying in %ss): %s", self.hooks.proxy, RELOAD_RETRY, error)
            return False
        self.reload_pending = False
        self.reloads += 1
        LOG.info("reloaded %s", self.hooks.proxy)
        return True

    def once(self) -> str:
        """Read, render and apply once (``--once``); DiscoveryError when Consul cannot be read."""
        services = self.read()
        self.latest = services
        return self.sync(services)

    def step(self) -> None:
        """One turn of the loop: render when due, else one (bounded) query or pause."""
        now = self.clock()
        if self.coalescer.ready(now) and self.latest is not None:
            if self.throttled and not self.failures:
                # the rate limit held reads back: look once more (not blocking) so the quiet time is real
                self._query(None if not self.index else MIN_QUERY_WAIT, now, None)
                return
            self.coalescer.reset()
            self.sync(self.latest)
            return
        if self.reload_pending and now >= self.retry_at:
            self._reload()
            return
        timeout = self.block
        due = self.coalescer.due()
        if due is not None:
            timeout = min(timeout, due - now)
        if self.reload_pending:
            timeout = min(timeout, self.retry_at - now)
        if timeout < MIN_QUERY_WAIT:
            self.sleep(max(0.0, timeout))
            return
        token_wait = self.bucket.wait_time(now)
        if token_wait > 0:
            self.throttled = True
            self.sleep(min(token_wait, timeout))
            return
        self._query(timeout if self.index else None, now, due)

    def _query(self, wait: Optional[float], now: float, due: Optional[float]) -> None:
        """Read once and record what changed; on failure back off (bounded, and never past a pending render)."""
        try:
            services = self.read(wait)
        except DiscoveryError as exc:
            self.failures += 1
            pause = backoff(self.failures, ceiling=self.settings.max_backoff)
            LOG.warning("cannot read Consul (attempt %d, next in %ss); the routes stay as they are: %s", self.failures, pause, exc)
            if due is not None:
                pause = min(pause, max(0.0, due - now))  # a pending change is still rendered on time
            self.sleep(pause)
            return
        except RegistratorError as exc:  # a shape Consul never returns; do not spin on it
            LOG.error("unreadable answer from Consul: %s", exc)
            self.sleep(backoff(1, ceiling=self.settings.max_backoff))
            return
        self.throttled = False
        if self.failures:
            LOG.info("Consul answers again after %d failed attempts", self.failures)
            self.failures = 0
        if self.latest is None:
            self.latest = services
            LOG.info("first read of %s/: %d services", self.prefix, len(services))
            self.sync(services)
        elif services != self.latest:
            self.latest = services
            self.coalescer.change(self.clock())

    def run(self, max_steps: Optional[int] = None) -> None:
        """Loop until ``stop`` is set (or ``max_steps`` turns, for tests)."""
        LOG.info("watching %s/ (wait %ss-%ss, block %ss)", self.prefix, self.coalescer.wait_min, self.coalescer.wait_max,
                 self.block)
        steps = 0
        while not self.stop.is_set() and (max_steps is None or steps < max_steps):
            self.step()
            steps += 1
