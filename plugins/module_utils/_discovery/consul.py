# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`consul://` discovery: list the node keys, register with a session that deletes the key.

Registration follows libkv's recipe (what classic `swarm join` did): a session with a TTL
and ``behavior=delete`` acquires `<prefix>/docker/swarm/nodes/<addr>`; each heartbeat renews
the session and re-acquires the key; when the session is gone (404) a new one is created.
When the host stops, Consul invalidates the session and deletes the key.
"""

from __future__ import annotations

from typing import Any, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration, clean_addresses
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore, holder, session_ttl
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import node_key, nodes_dir
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

SESSION_NAME = "dockyard-swarm join %s"


class ConsulRegistration(Registration):
    """One address kept in Consul by a TTL session with behavior=delete."""

    def __init__(self, store: ConsulStore, key: str, addr: str, ttl: int) -> None:
        self.store = store
        self.key = key
        self.addr = addr
        self.ttl = ttl
        self.session: Optional[str] = None
        self.sessions_created = 0
        self._create_and_acquire()

    def _create_session(self) -> str:
        ttl = session_ttl(self.ttl)
        name = SESSION_NAME % self.addr
        session = self.store.call(
            lambda client: client.session.create(name=name, behavior="delete", ttl=ttl, lock_delay=0),
            "create a session for %s" % self.key,
        )
        self.sessions_created += 1
        return session

    def _acquire(self) -> bool:
        session = self.session
        return bool(self.store.call(
            lambda client: client.kv.put(self.key, self.addr, acquire=session), "register %s" % self.key
        ))

    def _create_and_acquire(self) -> None:
        self.session = self._create_session()
        if self._acquire():
            return
        # The key is held by an older session for the same address (an agent restarted before
        # its previous session expired): that registration is ours, so end it and take over.
        stale = holder(self.store, self.key)
        if stale and stale != self.session:
            self.store.call(lambda client: client.session.destroy(stale), "remove the stale session of %s" % self.key)
        if not self._acquire():
            raise DiscoveryError("Consul did not let session %s acquire %s." % (self.session, self.key))

    def _renew(self, client: Any) -> bool:
        try:
            client.session.renew(self.session)
        except self.store.consul.NotFound:
            return False
        return True

    def refresh(self) -> None:
        if self.session is None or not self.store.call(self._renew, "renew the session of %s" % self.key):
            self._create_and_acquire()
            return
        if not self._acquire():
            self._create_and_acquire()

    def close(self, deregister: bool = True) -> None:
        session, self.session = self.session, None
        if session is None:
            return
        # Destroying a behavior=delete session deletes the key it holds.
        if deregister:
            self.store.call(lambda client: client.session.destroy(session), "deregister %s" % self.key)
        else:
            self.store.call(lambda client: client.kv.put(self.key, self.addr, release=session), "release %s" % self.key)


class ConsulBackend(Backend):
    """Lists and registers engines under `<prefix>/docker/swarm/nodes/` in Consul's KV store."""

    description = "consul:// discovery"
    can_register = True

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.store = ConsulStore(config)

    def list_nodes(self) -> List[str]:
        folder = nodes_dir(self.config.prefix) + "/"
        _index, items = self.store.call(lambda client: client.kv.get(folder, recurse=True), "list %s" % folder)
        values = []
        for item in items or []:
            name = item.get("Key", "")[len(folder):]
            if not name or "/" in name:
                continue
            value = item.get("Value") or b""
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
            values.append(text.strip() or name)
        return clean_addresses(values)

    def register(self, addr: str, ttl: int) -> Registration:
        return ConsulRegistration(self.store, node_key(self.config.prefix, addr), addr, ttl)

    def _end_session_of(self, key: str) -> bool:
        """End the session holding ``key`` (with behavior=delete that deletes it); whether the key existed."""
        _index, data = self.store.call(lambda client: client.kv.get(key), "read %s" % key)
        if data and data.get("Session"):
            session = data["Session"]
            self.store.call(lambda client: client.session.destroy(session), "end the session of %s" % key)
        return bool(data)

    def put_node(self, addr: str) -> str:
        key = node_key(self.config.prefix, addr)
        self._end_session_of(key)  # a key still held by a session would vanish with it
        self.store.call(lambda client: client.kv.put(key, addr), "register %s" % key)
        return key

    def deregister(self, addr: str) -> bool:
        key = node_key(self.config.prefix, addr)
        if not self._end_session_of(key):
            return False
        self.store.call(lambda client: client.kv.delete(key), "delete %s" % key)
        return True
