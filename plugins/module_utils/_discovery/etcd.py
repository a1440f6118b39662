# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`etcd://` discovery over etcd's v3 HTTP gateway (etcd3gw): list, and register with a lease.

Keys are `/<prefix>/docker/swarm/nodes/<addr>` (etcd keys are flat; the leading slash keeps
the path form etcdctl users expect). A registration puts the key with a lease of ``ttl``
seconds and each heartbeat keeps the lease alive; an expired lease gets a new one.
"""

from __future__ import annotations

from typing import Any, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import split_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration, clean_addresses
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.failover import Failover
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import node_key, nodes_dir
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.libraries import require
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig


class EtcdStore:
    """etcd3gw clients for each endpoint, with TLS, optional user/password auth and failover."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.etcd3gw = require("etcd3gw", "etcd3gw", "etcd:// discovery")
        self.requests = require("requests", "requests", "etcd:// discovery")
        exceptions = self.etcd3gw.exceptions
        unreachable = (exceptions.ConnectionFailedError, exceptions.ConnectionTimeoutError)
        clients = [self._client(endpoint) for endpoint in config.endpoints]
        self.failover = Failover("etcd", config, clients, unreachable, "ETCDCTL_CACERT")

    def _client(self, endpoint: str) -> Any:
        host, port = split_address(endpoint)
        config = self.config
        session = self.requests.Session()
        session.trust_env = False  # else REQUESTS_CA_BUNDLE would replace the store's CA (requests issue 3829)
        session.verify = config.ca_cert if (config.validate_certs and config.ca_cert) else config.validate_certs
        if config.client_cert:
            session.cert = (config.client_cert, config.client_key)
        return self.etcd3gw.client(
            host=host, port=port, protocol="https" if config.use_tls else "http", timeout=config.timeout, session=session
        )

    def _authenticate(self, client: Any) -> None:
        """Trade user/password for a token (etcd's gateway expects it in the Authorization header)."""
        if not self.config.username or client.session.headers.get("Authorization"):
            return
        answer = client.post(client.get_url("/auth/authenticate"),
                             json={"name": self.config.username, "password": self.config.password or ""})
        client.session.headers["Authorization"] = answer["token"]

    def call(self, action: Any, what: str) -> Any:
        """Run ``action(client)`` with failover; authenticate first; translate etcd's errors."""
        def run(client: Any) -> Any:
            self._authenticate(client)
            try:
                return action(client)
            except self.etcd3gw.exceptions.Etcd3Exception as exc:
                if "auth" not in str(getattr(exc, "detail_text", exc)).lower() or not self.config.username:
                    raise
                client.session.headers.pop("Authorization", None)  # token expired: log in again once
                self._authenticate(client)
                return action(client)

        try:
            return self.failover.call(run, what)
        except DiscoveryError:
            raise
        except self.etcd3gw.exceptions.Etcd3Exception as exc:
            detail = getattr(exc, "detail_text", None) or str(exc)
            raise DiscoveryError("etcd at %s failed to %s: %s" % (self.config.url, what, detail)) from None


def etcd_key(prefix: str, addr: str) -> str:
    """The etcd key of a registered address."""
    return "/" + node_key(prefix, addr)


class EtcdRegistration(Registration):
    """One address kept in etcd with a lease."""

    def __init__(self, store: EtcdStore, key: str, addr: str, ttl: int) -> None:
        self.store = store
        self.key = key
        self.addr = addr
        self.ttl = int(ttl)
        self.lease: Optional[Any] = None
        self.leases_granted = 0
        self._grant_and_put()

    def _grant_and_put(self) -> None:
        self.lease = self.store.call(lambda client: client.lease(self.ttl), "grant a lease for %s" % self.key)
        self.leases_granted += 1
        self._put()

    def _put(self) -> None:
        lease = self.lease
        self.store.call(lambda client: client.put(self.key, self.addr, lease=lease), "register %s" % self.key)

    def refresh(self) -> None:
        lease = self.lease
        if lease is None:
            self._grant_and_put()
            return
        remaining = self.store.call(lambda client: _lease_for(client, lease).refresh(), "keep the lease of %s alive" % self.key)
        if remaining <= 0:
            self._grant_and_put()
        else:
            self._put()

    def close(self, deregister: bool = True) -> None:
        lease, self.lease = self.lease, None
        if lease is not None and deregister:
            self.store.call(lambda client: _lease_for(client, lease).revoke(), "deregister %s" % self.key)


def _lease_for(client: Any, lease: Any) -> Any:
    """The same lease bound to the client that answers (failover may have switched endpoints)."""
    return type(lease)(lease.id, client)


class EtcdBackend(Backend):
    """Lists and registers engines under `/<prefix>/docker/swarm/nodes/` in etcd."""

    description = "etcd:// discovery"
    can_register = True

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.store = EtcdStore(config)

    def list_nodes(self) -> List[str]:
        folder = "/" + nodes_dir(self.config.prefix) + "/"
        items = self.store.call(lambda client: client.get_prefix(folder), "list %s" % folder)
        values = []
        for value, meta in items:
            name = _text(meta.get("key", b""))[len(folder):]
            if name and "/" not in name:
                values.append(_text(value).strip() or name)
        return clean_addresses(values)

    def register(self, addr: str, ttl: int) -> Registration:
        return EtcdRegistration(self.store, etcd_key(self.config.prefix, addr), addr, ttl)

    def put_node(self, addr: str) -> str:
        key = etcd_key(self.config.prefix, addr)
        # a put without a lease also detaches the key from a lease it had
        self.store.call(lambda client: client.put(key, addr), "register %s" % key)
        return key

    def deregister(self, addr: str) -> bool:
        key = etcd_key(self.config.prefix, addr)
        return bool(self.store.call(lambda client: client.delete(key), "delete %s" % key))


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
