# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the registrator agent's backends share: desired state, what was written, one lock.

The agent hands a backend the complete list of current services; the backend writes only what
differs from what it believes Consul holds (``written``), or, on a full sync, from what Consul
really holds. So watchers of the KV prefix or the catalog are not woken for nothing. A failed
write leaves ``dirty`` set and the keeper thread applies the rest later (``keepalive``).
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError

LOG = logging.getLogger("dockyard.swarm.registrator")


class Changes(NamedTuple):
    """What one sync wrote: ids (or keys) registered/updated and removed."""

    registered: List[str]
    deregistered: List[str]

    @property
    def empty(self) -> bool:
        return not self.registered and not self.deregistered


class RegistryBackend:
    """Base of the consulkv and consul catalog backends; every public method holds ``lock``."""

    kind = "backend"

    def __init__(self, hostname: str) -> None:
        self.hostname = hostname
        self.lock = threading.RLock()
        self.desired: Dict[str, Any] = {}
        self.written: Dict[str, Any] = {}
        self.dirty = False
        self.failing = False

    def owns_id(self, service_id: str) -> bool:
        """Service ids this host made (``<hostname>:...``): the ones a resync may remove."""
        return service_id.startswith(self.hostname + ":")

    def sync(self, services: Iterable[Any], full: bool = False) -> Changes:
        """Make the backend hold exactly ``services``; ``full`` compares with what Consul holds."""
        with self.lock:
            self.desired = self._desired(services)
            try:
                changes = self._sync(full)
            except DiscoveryError as exc:
                self._outcome(exc)
                raise
            self._outcome(None)
            return changes

    def _sync(self, full: bool) -> Changes:
        return self._apply(self._plan_full() if full else self._plan_incremental())

    def _desired(self, services: Iterable[Any]) -> Dict[str, Any]:
        """{key or id: what to write} of the current services."""
        raise NotImplementedError

    def _plan_full(self) -> Tuple[Dict[str, Any], List[str]]:
        """(puts, deletes) against what Consul holds; what is already right goes into ``written``."""
        raise NotImplementedError

    def _plan_incremental(self) -> Tuple[Dict[str, Any], List[str]]:
        """(puts, deletes) against what this agent wrote."""
        puts = {key: value for key, value in self.desired.items() if self.written.get(key) != value}
        deletes = [key for key in self.written if key not in self.desired]
        return puts, deletes

    def _put(self, key: str, value: Any) -> bool:
        """Write one entry; False when it was left alone (logged)."""
        raise NotImplementedError

    def _delete(self, key: str) -> None:
        raise NotImplementedError

    def _describe(self, key: str, value: Any) -> str:
        return "%s = %s" % (key, value)

    def _apply(self, plan: Tuple[Dict[str, Any], List[str]]) -> Changes:
        """Write the puts, then the deletes; ``dirty`` stays set if one fails (the keeper retries)."""
        puts, deletes = plan
        changes = Changes([], [])
        self.dirty = True
        for key in sorted(puts):
            if self._put(key, puts[key]):
                self.written[key] = puts[key]
                changes.registered.append(key)
                LOG.info("registered %s", self._describe(key, puts[key]))
        for key in sorted(deletes):
            self._delete(key)
            self.written.pop(key, None)
            changes.deregistered.append(key)
            LOG.info("deregistered %s", key)
        self.dirty = False
        return changes

    def keepalive(self) -> None:
        """Called every few seconds by the keeper thread: renew what must be renewed, finish dirty writes."""
        raise NotImplementedError

    def stop(self, deregister: bool) -> None:
        """The agent stops; ``deregister`` removes everything this agent registered."""
        raise NotImplementedError

    def _outcome(self, error: Optional[BaseException]) -> None:
        """Log the first failure of a run of failures and the recovery, not every retry."""
        if error is not None:
            if not self.failing:
                LOG.warning("%s: %s (retrying)", self.kind, error)
            else:
                LOG.debug("%s still failing: %s", self.kind, error)
            self.failing = True
        elif self.failing:
            LOG.info("%s: reachable again", self.kind)
            self.failing = False
