# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`zk://` discovery with kazoo: list the node znodes, register with an ephemeral znode.

An ephemeral znode lives as long as the ZooKeeper session of the client that created it, so
a registration owns its own client whose session timeout is the registration's TTL (the
server clamps it to its tickTime range, 4-40 s by default). Listing uses the children's
names, which are the addresses by the key layout, so it costs one round trip.
"""

from __future__ import annotations

import errno
import logging
import socket
import time
from typing import Any, List, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import split_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration, clean_addresses
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import node_key, nodes_dir
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.libraries import require
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

LOG = logging.getLogger("dockyard.swarm.discovery.zk")
LOG.addHandler(logging.NullHandler())
FIRST_WAIT = 1.0  # seconds kazoo gets before the hosts are probed
PROBE_TIMEOUT = 1.0  # seconds per host for that probe
REFUSALS = (errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH)


def refused_everywhere(endpoints: Sequence[str], timeout: float) -> Optional[str]:
    """"h:p: Connection refused; ..." when no endpoint accepts a TCP connection and each says so at once, else None.

    A host that is slow, unresolvable or accepts the connection gives None: kazoo's own
    timeout then decides, as before.
    """
    reasons = []
    for endpoint in endpoints:
        host, port = split_address(endpoint)
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return None
        except OSError as exc:
            if exc.errno not in REFUSALS:
                return None
            reasons.append("%s: %s" % (endpoint, exc.strerror or exc))
    return "; ".join(reasons) or None


def zk_path(prefix: str, addr: Optional[str] = None) -> str:
    """The znode path of the nodes folder, or of one address in it."""
    return "/" + (node_key(prefix, addr) if addr else nodes_dir(prefix))


class ZkSession:
    """A started kazoo client for a StoreConfig; errors become DiscoveryError naming the URL."""

    def __init__(self, config: StoreConfig, session_timeout: Optional[float] = None) -> None:
        self.config = config
        kazoo_client = require("kazoo.client", "kazoo", "zk:// discovery")
        self.kazoo_exceptions = require("kazoo.exceptions", "kazoo", "zk:// discovery")
        self.security = require("kazoo.security", "kazoo", "zk:// discovery")
        options: dict = {}
        if config.use_tls:
            options.update(use_ssl=True, verify_certs=config.validate_certs, ca=config.ca_cert,
                           certfile=config.client_cert, keyfile=config.client_key)
        if config.username:
            options["auth_data"] = [("digest", "%s:%s" % (config.username, config.password or ""))]
        self.client = kazoo_client.KazooClient(
            hosts=",".join(config.endpoints), timeout=session_timeout or config.timeout, logger=LOG, **options
        )
        try:
            self._start()
        except Exception as exc:  # kazoo raises its handler's timeout class or socket errors
            self.client.close()
            hint = " (TLS: check discovery_ca_cert and the client certificate)" if config.use_tls else ""
            within = "" if isinstance(exc, ConnectionRefusedError) else " within %ss" % config.timeout
            raise DiscoveryError(
                "Cannot reach ZooKeeper at %s%s: %s%s." % (config.url, within, exc or type(exc).__name__, hint)
            ) from None

    def _start(self) -> None:
        """kazoo's ``start(timeout)``, except that it gives up at once when every host refuses connections.

        kazoo keeps retrying refused hosts until the timeout; a server that is simply not running
        should not cost the whole ``discovery_timeout``. So after a short wait without a session
        each host is probed once (at most PROBE_TIMEOUT s each); if all refuse, that is the error.
        """
        started = time.monotonic()
        event = self.client.start_async()
        if not event.wait(min(FIRST_WAIT, self.config.timeout)) and not self.client.connected:
            refused = refused_everywhere(self.config.endpoints, min(PROBE_TIMEOUT, self.config.timeout))
            if refused:
                self._give_up()
                raise ConnectionRefusedError("%s (every host refused the connection)" % refused)
            event.wait(max(0.0, self.config.timeout - (time.monotonic() - started)))
        if not self.client.connected:
            self._give_up()
            raise TimeoutError("Connection time-out")

    def _give_up(self) -> None:
        try:
            self.client.stop()
        finally:
            self.client.close()

    def acl(self) -> Optional[list]:
        """World-readable, writable by our digest identity when one is configured."""
        if not self.config.username:
            return None
        digest = self.security.make_digest_acl(self.config.username, self.config.password or "", all=True)
        return [digest, self.security.make_acl("world", "anyone", read=True)]

    def call(self, action: Any, what: str) -> Any:
        """Run ``action(client)``, translating kazoo errors."""
        try:
            return action(self.client)
        except self.kazoo_exceptions.NoAuthError:
            raise DiscoveryError(
                "ZooKeeper at %s refused to %s: not authorized; set discovery_username/discovery_password "
                "(digest auth)." % (self.config.url, what)
            ) from None
        except self.kazoo_exceptions.KazooException as exc:
            raise DiscoveryError("ZooKeeper at %s failed to %s: %s" % (self.config.url, what, exc or type(exc).__name__)) from None

    def stop(self) -> None:
        """Close the session (which removes its ephemeral znodes)."""
        try:
            self.client.stop()
        finally:
            self.client.close()


class ZkRegistration(Registration):
    """One address kept as an ephemeral znode by a dedicated ZooKeeper session."""

    def __init__(self, config: StoreConfig, addr: str, ttl: int) -> None:
        self.session = ZkSession(config, session_timeout=ttl)
        self.key = zk_path(config.prefix, addr)
        self.addr = addr
        self.creations = 0
        try:
            self._create()
        except DiscoveryError:
            self.session.stop()
            raise

    def _create(self) -> None:
        session = self.session
        errors = session.kazoo_exceptions

        def create(client: Any) -> None:
            client.ensure_path(self.key.rsplit("/", 1)[0], acl=session.acl())
            try:
                client.create(self.key, self.addr.encode("utf-8"), acl=session.acl(), ephemeral=True)
            except errors.NodeExistsError:
                _data, stat = client.get(self.key)
                if stat.ephemeralOwner == client.client_id[0]:
                    return
                # A znode of an earlier session of this same address that has not expired yet.
                client.delete(self.key)
                client.create(self.key, self.addr.encode("utf-8"), acl=session.acl(), ephemeral=True)

        session.call(create, "register %s" % self.key)
        self.creations += 1

    def refresh(self) -> None:
        # kazoo pings the session in the background; after an expiry it reconnects with a new
        # session and the ephemeral znode is gone: put it back.
        if not self.session.call(lambda client: client.exists(self.key), "check %s" % self.key):
            self._create()

    def close(self, deregister: bool = True) -> None:
        try:
            if deregister:
                self.session.call(lambda client: client.delete(self.key), "deregister %s" % self.key)
        except DiscoveryError:
            pass  # closing the session below removes the ephemeral znode anyway
        finally:
            self.session.stop()


class ZkBackend(Backend):
    """Lists engines under `/<prefix>/docker/swarm/nodes/` in ZooKeeper; registers ephemeral znodes."""

    description = "zk:// discovery"
    can_register = True

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self._session: Optional[ZkSession] = None

    @property
    def session(self) -> ZkSession:
        if self._session is None:
            self._session = ZkSession(self.config)
        return self._session

    def list_nodes(self) -> List[str]:
        folder = zk_path(self.config.prefix)
        errors = self.session.kazoo_exceptions

        def children(client: Any) -> List[str]:
            try:
                return client.get_children(folder)
            except errors.NoNodeError:
                return []

        return clean_addresses(self.session.call(children, "list %s" % folder))

    def register(self, addr: str, ttl: int) -> Registration:
        return ZkRegistration(self.config, addr, ttl)

    def put_node(self, addr: str) -> str:
        key = zk_path(self.config.prefix, addr)
        session = self.session

        def create(client: Any) -> None:
            if client.exists(key):
                _data, stat = client.get(key)
                if not stat.ephemeralOwner:
                    return
                client.delete(key)  # an ephemeral znode would end with its session: make it lasting
            client.ensure_path(key.rsplit("/", 1)[0], acl=session.acl())
            client.create(key, addr.encode("utf-8"), acl=session.acl())

        session.call(create, "register %s" % key)
        return key

    def deregister(self, addr: str) -> bool:
        key = zk_path(self.config.prefix, addr)
        errors = self.session.kazoo_exceptions

        def delete(client: Any) -> bool:
            try:
                client.delete(key)
            except errors.NoNodeError:
                return False
            return True

        return bool(self.session.call(delete, "delete %s" % key))

    def close(self) -> None:
        if self._session is not None:
            self._session.stop()
            self._session = None
