# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrator's consulkv layout held by one Consul session per agent, so a dead host's entries expire.

Keys ``<prefix>/<service>/<id>`` = ``ip:port`` are written with ``?acquire=<session>``; the session
(``behavior=delete``, a TTL, lock delay 0) is renewed by the agent's keeper thread every ttl/3.
When Consul says the session is gone (renew 404: it expired during an outage, or Consul lost its
state) a new one is created and every current key is put again. The session is named after the
host and prefix, so a restarted agent finds its previous, still live session and keeps using it:
the keys never disappear during a restart. Other live sessions of that name are stale: their keys
are taken over (release, then acquire: the key stays in place) and the sessions destroyed.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import parse_duration
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.backend import LOG, Changes, RegistryBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.kv import decode_value, kv_key, kv_value, normalise_prefix

SESSION_NAME = "dockyard-registrator %s %s"  # hostname, prefix


class SessionLost(DiscoveryError):
    """Our session vanished in the middle of a sync (a new one was made; the sync is redone)."""


class ConsulKVBackend(RegistryBackend):
    """``consulkv://host:port/<prefix>``: the seed's /services layout, held by a TTL session."""

    kind = "consulkv"

    def __init__(self, store: ConsulStore, prefix: str, hostname: str, ttl: int) -> None:
        super().__init__(hostname)
        if not 10 <= int(ttl) <= 86400:
            raise DiscoveryError("The session TTL must be 10 s to 86400 s (Consul's limits), got %ss." % ttl)
        self.store = store
        self.prefix = normalise_prefix(prefix)
        self.ttl = int(ttl)
        self.session_name = SESSION_NAME % (hostname, self.prefix)
        self.session: Optional[str] = None
        self.stale: List[str] = []
        self.sessions_created = 0
        self.labels: Dict[str, str] = {}

    # ----------------------------------------------------------------------------- session
    def _renew(self, session: str) -> bool:
        def renew(client: Any) -> bool:
            try:
                client.session.renew(session)
            except self.store.consul.NotFound:
                return False
            return True

        return self.store.call(renew, "renew session %s" % session)

    def _create(self) -> str:
        name, ttl = self.session_name, self.ttl
        session = self.store.call(lambda client: client.session.create(name=name, behavior="delete", ttl=ttl, lock_delay=0),
                                  "create the session %r" % name)
        self.sessions_created += 1
        LOG.info("consulkv: created session %s (%r, ttl %ss, behavior delete)", session, name, ttl)
        return session

    def _ttl_matches(self, text: Any) -> bool:
        try:
            return int(parse_duration(str(text), "session TTL")) == self.ttl
        except DiscoveryError:
            return False

    def start(self) -> str:
        """Find this agent's live session (a restart) or create one; remember other ones as stale."""
        with self.lock:
            _index, sessions = self.store.call(lambda client: client.session.list(), "list sessions")
            ours = [item for item in sessions or [] if item.get("Name") == self.session_name]
            ours.sort(key=lambda item: item.get("CreateIndex") or 0, reverse=True)
            chosen = None
            for item in ours:
                if chosen is None and self._ttl_matches(item.get("TTL")) and item.get("Behavior") in (None, "delete") \
                        and self._renew(item["ID"]):
                    chosen = item["ID"]
                    LOG.info("consulkv: reusing live session %s (%r)", chosen, self.session_name)
            self.stale = [item["ID"] for item in ours if item["ID"] != chosen]
            self.session = chosen or self._create()
            self.written = {}
            self.dirty = True
            return self.session

    def _lost(self) -> None:
        LOG.warning("consulkv: session %s is gone (expired or Consul lost it): new session, %d keys put again",
                    self.session, len(self.desired))
        self.session = self._create()
        self.written = {}
        self.dirty = True

    def keepalive(self) -> None:
        with self.lock:
            try:
                if self.session is None:
                    self.start()
                elif not self._renew(self.session):
                    self._lost()
                if self.dirty:
                    self._apply(self._plan_incremental())
            except DiscoveryError as exc:
                self._outcome(exc)
                raise
            self._outcome(None)

    # ------------------------------------------------------------------------------- writes
    def _desired(self, services: Iterable[Any]) -> Dict[str, str]:
        desired: Dict[str, str] = {}
        labels: Dict[str, str] = {}
        for service in services:
            key = kv_key(self.prefix, service)
            desired[key] = kv_value(service)
            labels[key] = "%s %s" % (getattr(service, "name", "?"), getattr(service, "id", "?"))
        self.labels = labels
        return desired

    def _read_prefix(self) -> List[Dict[str, Any]]:
        root = self.prefix + "/"
        _index, items = self.store.call(lambda client: client.kv.get(root, recurse=True), "list %s" % root)
        return [item for item in items or [] if isinstance(item, dict) and str(item.get("Key", "")).startswith(root)]

    def _ours(self, key: str, session: Optional[str]) -> bool:
        """A key this agent may remove: held by our (or a stale) session, or with an id ``<hostname>:...``."""
        if session and (session == self.session or session in self.stale):
            return True
        parts = key[len(self.prefix) + 1:].split("/")
        return len(parts) == 2 and self.owns_id(parts[1])

    def _plan_full(self) -> Tuple[Dict[str, str], List[str]]:
        """Compare the desired keys with what Consul holds; record what is already right as written."""
        actual: Dict[str, Tuple[Optional[str], Optional[str]]] = {}
        for item in self._read_prefix():
            actual[item["Key"]] = (decode_value(item.get("Value")), item.get("Session"))
        self.written = {}
        puts: Dict[str, str] = {}
        for key, value in self.desired.items():
            held = actual.get(key)
            if held is not None and held[0] == value and held[1] == self.session:
                self.written[key] = value
            else:
                puts[key] = value
        deletes = [key for key, (unused_value, session) in actual.items() if key not in self.desired and self._ours(key, session)]
        return puts, deletes

    def _holder(self, key: str) -> Optional[str]:
        _index, data = self.store.call(lambda client: client.kv.get(key), "read %s" % key)
        return data.get("Session") if isinstance(data, dict) else None

    def _is_stale(self, session: str) -> bool:
        if session in self.stale:
            return True
        _index, info = self.store.call(lambda client: client.session.info(session), "read session %s" % session)
        if isinstance(info, list):
            info = info[0] if info else None
        if isinstance(info, dict) and info.get("Name") == self.session_name:
            self.stale.append(session)
            return True
        return False

    def _acquire(self, key: str, value: str) -> bool:
        session = self.session
        return bool(self.store.call(lambda client: client.kv.put(key, value, acquire=session), "put %s" % key))

    def _put(self, key: str, value: str) -> bool:
        """Put ``key`` with our session; take it over from a stale session of ours without a gap."""
        if self._acquire(key, value):
            return True
        holder = self._holder(key)
        if holder and holder != self.session and self._is_stale(holder):
            # release keeps the key (delete only happens when the session ends), then we acquire it
            self.store.call(lambda client: client.kv.put(key, value, release=holder), "take over %s" % key)
            return self._acquire(key, value)
        if holder is None or holder == self.session:
            if not self._renew(str(self.session)):
                self._lost()
                raise SessionLost("consulkv: session lost while writing %s" % key)
            if self._acquire(key, value):
                return True
        LOG.warning("consulkv: %s is held by session %s, not this agent's: left alone (two agents with hostname %r?)",
                    key, holder, self.hostname)
        return False

    def _apply(self, plan: Tuple[Dict[str, str], List[str]]) -> Changes:
        try:
            return super()._apply(plan)
        except SessionLost:
            return super()._apply((dict(self.desired), plan[1]))  # the new session holds nothing yet

    def _delete(self, key: str) -> None:
        self.store.call(lambda client: client.kv.delete(key), "delete %s" % key)

    def _describe(self, key: str, value: Any) -> str:
        return "%s: %s = %s" % (self.labels.get(key, key), key, value)

    def _sync(self, full: bool) -> Changes:
        if self.session is None:
            self.start()
            full = True
        changes = super()._sync(full)
        if full and self.stale:
            self._destroy_stale()
        return changes

    def _destroy_stale(self) -> None:
        for session in self.stale:
            self.store.call(lambda client, session=session: client.session.destroy(session), "destroy session %s" % session)
            LOG.info("consulkv: destroyed stale session %s of %r", session, self.session_name)
        self.stale = []

    def stop(self, deregister: bool) -> None:
        with self.lock:
            session, self.session = self.session, None
            if session is None:
                return
            if deregister:
                # behavior=delete: destroying the session deletes every key it holds
                self.store.call(lambda client: client.session.destroy(session), "destroy session %s" % session)
                LOG.info("consulkv: destroyed session %s: %d keys removed", session, len(self.written))
            else:
                LOG.info("consulkv: leaving session %s (%d keys) to a restarted agent or to expire after its TTL (%ss)",
                         session, len(self.written), self.ttl)
