# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Consul session lock under the discovery prefix (`<prefix>/docker/swarm/locks/<name>`).

Placement holds it from snapshot to create so that parallel runs (AWX jobs, `ansible -f 20`)
never see the same free resources. The recipe is Consul's: a session with a TTL and
``behavior=release``, `PUT ?acquire=` until it succeeds, blocking reads of the key between
attempts instead of polling, renewal in a background thread, `?release=` and destroy at the end.
A holder that dies loses the lock when its session TTL runs out.

A holder that was paused (SIGSTOP, a VM freeze, a long GC) for longer than the TTL has lost
it too, without knowing: ``ensure_held()`` finds that out with one read of the key (held by
our session?) and raises ``LockLost``, so callers check it right before each create.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError, LockLost
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import lock_key
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

MIN_POLL_GAP = 0.05


class ConsulLock:
    """``with ConsulLock(config, "placement"):`` holds the lock for the block; times out with DiscoveryError."""

    def __init__(self, config: StoreConfig, name: str, ttl: int = 15, timeout: float = 60.0,
                 holder: Optional[str] = None) -> None:
        if config.scheme != "consul":
            raise DiscoveryError("A Consul lock needs consul:// discovery, not %s." % config.url)
        self.store = ConsulStore(config)
        self.key = lock_key(config.prefix, name)
        self.ttl = max(10, min(86400, int(ttl)))
        self.timeout = float(timeout)
        self.holder = holder or "%s pid %d" % (socket.gethostname(), os.getpid())
        self.session: Optional[str] = None
        self.lost = False
        self.lost_reason = ""
        self.lost_at: Optional[float] = None
        self.confirmed_at: Optional[float] = None
        self._stop = threading.Event()
        self._renewer: Optional[threading.Thread] = None

    def acquire(self) -> None:
        """Block until the lock is held or ``timeout`` seconds have passed."""
        deadline = time.monotonic() + self.timeout
        session = self.store.call(
            lambda client: client.session.create(name="dockyard-swarm lock %s" % self.key, behavior="release",
                                                 ttl=self.ttl, lock_delay=0),
            "create a lock session for %s" % self.key,
        )
        index: Optional[str] = None
        try:
            while not self.store.call(lambda client: client.kv.put(self.key, self.holder, acquire=session),
                                      "acquire %s" % self.key):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise DiscoveryError(
                        "Timed out after %.0fs waiting for the Consul lock %s at %s, held by %s."
                        % (self.timeout, self.key, self.store.config.url, self._current_holder())
                    )
                started = time.monotonic()
                index = self._wait_for_change(index, remaining)
                if time.monotonic() - started < MIN_POLL_GAP:
                    time.sleep(MIN_POLL_GAP)
        except BaseException:
            self._destroy(session)
            raise
        self.session = session
        self.lost, self.lost_reason, self.lost_at = False, "", None
        self.confirmed_at = time.time()
        self._stop.clear()
        self._renewer = threading.Thread(target=self._renew_loop, name="consul-lock-renew", daemon=True)
        self._renewer.start()

    def _wait_for_change(self, index: Optional[str], remaining: float) -> Optional[str]:
        """A blocking read of the key: returns when it changes (e.g. released) or after a while."""
        wait = "%ds" % max(1, min(int(remaining), 10))
        new_index, _data = self.store.call(lambda client: client.kv.get(self.key, index=index, wait=wait),
                                           "watch %s" % self.key)
        if new_index is None or (index is not None and int(new_index) < int(index)):
            return None  # the index went backwards: start over, as Consul's docs advise
        return new_index

    def _current_holder(self) -> str:
        _index, data = self.store.call(lambda client: client.kv.get(self.key), "read %s" % self.key)
        value = (data or {}).get("Value") if isinstance(data, dict) else None
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else "another session"

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3.0):
            try:
                self.store.call(self._renew, "renew the lock session of %s" % self.key)
            except DiscoveryError:
                continue  # Consul unreachable for a moment; the next attempt may succeed before the TTL
            if self.lost:
                return

    def _renew(self, client: Any) -> None:
        try:
            client.session.renew(self.session)
        except self.store.consul.NotFound:
            self._mark_lost("Consul no longer knows its session %s (invalidated, or its TTL of %ds ran out before it "
                            "was renewed)" % (self.session, self.ttl))
            return
        self.confirmed_at = time.time()

    def _mark_lost(self, reason: str) -> None:
        """Once lost, always lost (until the next acquire): the first reason seen is the one reported."""
        if not self.lost:
            self.lost_reason, self.lost_at, self.lost = reason, time.time(), True

    @property
    def description(self) -> str:
        """The lock for messages: key and store URL."""
        return "%s at %s" % (self.key, self.store.config.url)

    def ensure_held(self) -> None:
        """Raise LockLost unless Consul says, now, that our session still holds the key.

        One read of the key (consistent mode, so a stale follower cannot vouch for us). The lock
        is lost when it was never taken or already released, when renewal found the session
        gone, when the key is held by no session or another one, or when Consul cannot be asked.
        """
        session = self.session
        if session is None:
            raise LockLost(self.description, "it is not held (never acquired, or already released)")
        if self.lost:
            raise LockLost(self.description, self.lost_reason, self.lost_at, self.confirmed_at)
        try:
            _index, data = self.store.call(lambda client: client.kv.get(self.key, consistency="consistent"),
                                           "check %s" % self.key)
        except DiscoveryError as exc:
            raise LockLost(self.description, "Consul could not confirm it: %s" % exc, None, self.confirmed_at) from None
        holder = data.get("Session") if isinstance(data, dict) else None
        if holder != session:
            held_by = "no session" if not holder else "another session (%s)" % holder
            self._mark_lost("the key is held by %s, not by our session %s (its TTL of %ds ran out or it was "
                            "invalidated)" % (held_by, session, self.ttl))
            raise LockLost(self.description, self.lost_reason, self.lost_at, self.confirmed_at)
        self.confirmed_at = time.time()

    def release(self) -> None:
        """Release the lock and end its session (safe to call twice)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
            self._renewer = None
        session, self.session = self.session, None
        if session is None:
            return
        try:
            self.store.call(lambda client: client.kv.put(self.key, self.holder, release=session), "release %s" % self.key)
        finally:
            self._destroy(session)

    def _destroy(self, session: str) -> None:
        try:
            self.store.call(lambda client: client.session.destroy(session), "end the lock session of %s" % self.key)
        except DiscoveryError:
            pass  # the session's TTL ends it anyway

    def __enter__(self) -> "ConsulLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()
