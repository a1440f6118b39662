# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""In-memory stand-ins for py-consul, etcd3gw and kazoo (unit tests only).

They model just the store semantics the backends rely on: Consul sessions with
behavior=delete/release and acquire/release, etcd leases, ZooKeeper ephemeral znodes.
"""

from __future__ import annotations

import itertools
import types
from typing import Any, Dict, List, Optional

import requests


# ----------------------------------------------------------------------------------------- Consul
class ConsulException(Exception):
    pass


class NotFound(ConsulException):
    pass


class ACLPermissionDenied(ConsulException):
    pass


class ConsulTimeout(ConsulException):
    pass


class ConsulServer:
    """The shared state of a fake Consul datacenter."""

    def __init__(self) -> None:
        self.kv: Dict[str, Dict[str, Any]] = {}
        self.sessions: Dict[str, Dict[str, Any]] = {}
        self.index = itertools.count(10)
        self.ids = itertools.count(1)
        self.down: List[str] = []  # endpoints ("host:port") that refuse connections
        self.deny = False
        self.answer_error: Optional[str] = None  # what py-consul raises when something else answers on the port
        self.calls: List[str] = []

    def expire(self, session: str) -> None:
        """What Consul does when a session's TTL runs out."""
        data = self.sessions.pop(session)
        for key in [k for k, v in self.kv.items() if v.get("Session") == session]:
            if data["behavior"] == "delete":
                del self.kv[key]
            else:
                self.kv[key]["Session"] = None
                self.kv[key]["ModifyIndex"] = next(self.index)

    def module(self) -> Any:
        server = self
        return types.SimpleNamespace(
            Consul=lambda **kwargs: ConsulClient(server, **kwargs), ConsulException=ConsulException,
            NotFound=NotFound, ACLPermissionDenied=ACLPermissionDenied, Timeout=ConsulTimeout,
        )


class ConsulClient:
    def __init__(self, server: ConsulServer, host: str, port: int, scheme: str, verify: Any, cert: Any,
                 connections_timeout: float) -> None:
        self.server = server
        self.endpoint = "%s:%d" % (host, port)
        self.scheme, self.verify, self.cert = scheme, verify, cert
        self.token: Optional[str] = None
        self.kv = _ConsulKV(self)
        self.session = _ConsulSession(self)

    def check(self, what: str) -> ConsulServer:
        if self.endpoint in self.server.down:
            raise requests.exceptions.ConnectionError("Failed to establish a new connection: [Errno 111] Connection refused")
        if self.server.deny:
            raise ACLPermissionDenied("Permission denied")
        if self.server.answer_error:
            raise ConsulException(self.server.answer_error)
        self.server.calls.append("%s %s" % (self.endpoint, what))
        return self.server


class _ConsulKV:
    def __init__(self, client: ConsulClient) -> None:
        self.client = client

    def get(self, key: str, index: Any = None, recurse: bool = False, wait: Any = None, consistency: Any = None) -> Any:
        server = self.client.check("kv.get %s" % key)
        assert not key.startswith("/")
        current = str(max([v["ModifyIndex"] for v in server.kv.values()] + [1]))
        if recurse:
            items = [dict(v, Key=k) for k, v in sorted(server.kv.items()) if k.startswith(key)]
            return current, items or None
        value = server.kv.get(key)
        return current, dict(value, Key=key) if value else None

    def put(self, key: str, value: Any, acquire: Optional[str] = None, release: Optional[str] = None) -> bool:
        server = self.client.check("kv.put %s" % key)
        entry = server.kv.get(key, {"Session": None})
        if acquire:
            if acquire not in server.sessions or entry.get("Session") not in (None, acquire):
                return False
            entry["Session"] = acquire
        if release:
            if entry.get("Session") != release:
                return False
            entry["Session"] = None
        entry["Value"] = value.encode() if isinstance(value, str) else value
        entry["ModifyIndex"] = next(server.index)
        server.kv[key] = entry
        return True

    def delete(self, key: str) -> bool:
        self.client.check("kv.delete %s" % key).kv.pop(key, None)
        return True


class _ConsulSession:
    def __init__(self, client: ConsulClient) -> None:
        self.client = client

    def create(self, name: str = "", behavior: str = "release", ttl: Optional[int] = None, lock_delay: int = 15) -> str:
        server = self.client.check("session.create")
        assert ttl is None or 10 <= ttl <= 86400
        session = "s%d" % next(server.ids)
        server.sessions[session] = {"name": name, "behavior": behavior, "ttl": ttl, "renewals": 0}
        return session

    def renew(self, session: str) -> Dict[str, Any]:
        server = self.client.check("session.renew")
        if session not in server.sessions:
            raise NotFound("session not found")
        server.sessions[session]["renewals"] += 1
        return {"ID": session}

    def destroy(self, session: str) -> bool:
        server = self.client.check("session.destroy")
        if session in server.sessions:
            server.expire(session)
        return True


# ------------------------------------------------------------------------------------------- etcd
class Etcd3Exception(Exception):
    def __init__(self, detail_text: Optional[str] = None, *args: Any) -> None:
        super().__init__(detail_text, *args)
        self.detail_text = detail_text


class ConnectionFailedError(Etcd3Exception):
    pass


class ConnectionTimeoutError(Etcd3Exception):
    pass


class EtcdServer:
    def __init__(self) -> None:
        self.kv: Dict[str, Dict[str, Any]] = {}
        self.leases: Dict[int, int] = {}
        self.ids = itertools.count(100)
        self.down: List[str] = []
        self.clients: List["EtcdClient"] = []

    def expire(self, lease_id: int) -> None:
        self.leases.pop(lease_id, None)
        for key in [k for k, v in self.kv.items() if v["lease"] == lease_id]:
            del self.kv[key]

    def module(self) -> Any:
        server = self
        exceptions = types.SimpleNamespace(Etcd3Exception=Etcd3Exception, ConnectionFailedError=ConnectionFailedError,
                                           ConnectionTimeoutError=ConnectionTimeoutError)

        def client(**kwargs: Any) -> "EtcdClient":
            made = EtcdClient(server, **kwargs)
            server.clients.append(made)
            return made

        return types.SimpleNamespace(client=client, exceptions=exceptions)


class Lease:
    def __init__(self, lease_id: int, client: "EtcdClient") -> None:
        self.id = lease_id
        self.client = client

    def refresh(self) -> int:
        server = self.client.check()
        return server.leases[self.id] if self.id in server.leases else -1

    def revoke(self) -> bool:
        self.client.check().expire(self.id)
        return True


class EtcdClient:
    def __init__(self, server: EtcdServer, host: str, port: int, protocol: str, timeout: float, session: Any) -> None:
        self.server = server
        self.endpoint = "%s:%d" % (host, port)
        self.protocol, self.timeout, self.session = protocol, timeout, session

    def check(self) -> EtcdServer:
        if self.endpoint in self.server.down:
            raise ConnectionFailedError("Connection refused")
        return self.server

    def lease(self, ttl: int) -> Lease:
        server = self.check()
        lease_id = next(server.ids)
        server.leases[lease_id] = ttl
        return Lease(lease_id, self)

    def put(self, key: str, value: str, lease: Optional[Lease] = None) -> bool:
        server = self.check()
        if lease is not None and lease.id not in server.leases:
            raise Etcd3Exception("etcdserver: requested lease not found")
        server.kv[key] = {"value": value.encode(), "lease": lease.id if lease else None}
        return True

    def get_prefix(self, prefix: str) -> List[Any]:
        server = self.check()
        return [(v["value"], {"key": k.encode()}) for k, v in sorted(server.kv.items()) if k.startswith(prefix)]

    def delete(self, key: str) -> bool:
        return self.check().kv.pop(key, None) is not None


# ------------------------------------------------------------------------------------- ZooKeeper
class KazooException(Exception):
    pass


class NoNodeError(KazooException):
    pass


class NodeExistsError(KazooException):
    pass


class NoAuthError(KazooException):
    pass


class ZkServer:
    def __init__(self) -> None:
        self.nodes: Dict[str, Dict[str, Any]] = {}
        self.sessions = itertools.count(7000)
        self.reachable = True
        self.clients: List["KazooClient"] = []

    def expire(self, session_id: int) -> None:
        for path in [p for p, v in self.nodes.items() if v["owner"] == session_id]:
            del self.nodes[path]

    def modules(self) -> Dict[str, Any]:
        server = self

        def client(**kwargs: Any) -> "KazooClient":
            made = KazooClient(server, **kwargs)
            server.clients.append(made)
            return made

        return {
            "kazoo.client": types.SimpleNamespace(KazooClient=client),
            "kazoo.exceptions": types.SimpleNamespace(KazooException=KazooException, NoNodeError=NoNodeError,
                                                      NodeExistsError=NodeExistsError, NoAuthError=NoAuthError),
            "kazoo.security": types.SimpleNamespace(make_digest_acl=lambda user, password, all=False: ("digest", user),
                                                    make_acl=lambda scheme, credential, read=False: (scheme, credential)),
        }


class KazooClient:
    def __init__(self, server: ZkServer, hosts: str, timeout: float, logger: Any = None, **options: Any) -> None:
        self.server = server
        self.hosts, self.timeout, self.options = hosts, timeout, options
        self.client_id = (0, b"")
        self.started = False
        self.waited: List[Optional[float]] = []

    def start_async(self) -> Any:
        """kazoo's: an event set once the session is up (here at once, or never when unreachable)."""
        client = self

        class Live:
            def wait(self, timeout: Optional[float] = None) -> bool:
                client.waited.append(timeout)
                return client.connected

        if self.server.reachable:
            self.client_id = (next(self.server.sessions), b"")
            self.started = True
        return Live()

    @property
    def connected(self) -> bool:
        return self.started

    def stop(self) -> None:
        if self.started:
            self.server.expire(self.client_id[0])
        self.started = False

    def close(self) -> None:
        pass

    def ensure_path(self, path: str, acl: Any = None) -> None:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts) + 1):
            self.server.nodes.setdefault("/" + "/".join(parts[:depth]), {"data": b"", "owner": 0})

    def create(self, path: str, value: bytes, acl: Any = None, ephemeral: bool = False) -> None:
        if path in self.server.nodes:
            raise NodeExistsError(path)
        self.server.nodes[path] = {"data": value, "owner": self.client_id[0] if ephemeral else 0}

    def get(self, path: str) -> Any:
        node = self.server.nodes[path]
        return node["data"], types.SimpleNamespace(ephemeralOwner=node["owner"])

    def exists(self, path: str) -> bool:
        return path in self.server.nodes

    def delete(self, path: str) -> None:
        if path not in self.server.nodes:
            raise NoNodeError(path)
        del self.server.nodes[path]

    def get_children(self, path: str) -> List[str]:
        if path not in self.server.nodes:
            raise NoNodeError(path)
        prefix = path.rstrip("/") + "/"
        return sorted({p[len(prefix):].split("/")[0] for p in self.server.nodes if p.startswith(prefix)})
