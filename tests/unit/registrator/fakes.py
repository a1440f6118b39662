# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-ins for the registrator agent's unit tests: a Docker engine with scripted events, and the
discovery tests' fake Consul extended with what the agent uses (session list/info, agent services)."""
from __future__ import annotations

import importlib
import itertools
from typing import Any, Dict, List, Optional

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import consul_store
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

from ..discovery.fakes import ConsulClient, ConsulServer, _ConsulSession

ENGINE_TIME = "2026-03-01T12:00:00.250000000Z"


# ------------------------------------------------------------------------------------------ Consul
class RegistratorConsul(ConsulServer):
    """The fake Consul plus agent services and session listing."""

    def __init__(self) -> None:
        super().__init__()
        self.services: Dict[str, Dict[str, Any]] = {}
        self.checks: Dict[str, Dict[str, Any]] = {}
        self.created = itertools.count(100)

    def module(self) -> Any:
        module = super().module()
        server = self
        module.Consul = lambda **kwargs: RegistratorClient(server, **kwargs)
        return module

    def writes(self) -> List[str]:
        """The write calls seen so far (puts, deletes, registers, deregisters)."""
        verbs = ("kv.put", "kv.delete", "agent.register", "agent.deregister")
        return [call.split(" ", 1)[1] for call in self.calls if call.split(" ", 2)[1] in verbs]

    def store(self, monkeypatch: pytest.MonkeyPatch, endpoint: str = "127.0.0.1:8500") -> ConsulStore:
        module = self.module()
        monkeypatch.setattr(consul_store, "require",
                            lambda name, pip, purpose: module if name == "consul" else importlib.import_module(name))
        return ConsulStore(StoreConfig(scheme="consul", endpoints=(endpoint,), prefix=""))


class RegistratorClient(ConsulClient):
    def __init__(self, server: RegistratorConsul, **kwargs: Any) -> None:
        super().__init__(server, **kwargs)
        self.session = _Session(self)
        self.agent = _Agent(self)


class _Session(_ConsulSession):
    def create(self, name: str = "", behavior: str = "release", ttl: Optional[int] = None, lock_delay: int = 15) -> str:
        session = super().create(name=name, behavior=behavior, ttl=ttl, lock_delay=lock_delay)
        server = self.client.server
        server.sessions[session].update(create_index=next(server.created), lock_delay=lock_delay)
        return session

    def _describe(self, session: str) -> Dict[str, Any]:
        data = self.client.server.sessions[session]
        return {"ID": session, "Name": data["name"], "TTL": "%ds" % data["ttl"], "Behavior": data["behavior"],
                "CreateIndex": data.get("create_index", 0)}

    def list(self) -> Any:
        server = self.client.check("session.list")
        return "1", [self._describe(session) for session in server.sessions]

    def info(self, session: str) -> Any:
        server = self.client.check("session.info")
        return "1", self._describe(session) if session in server.sessions else None


class _AgentService:
    def __init__(self, client: RegistratorClient) -> None:
        self.client = client

    def register(self, name: str, service_id: str, address: str = "", port: int = 0, tags: Any = None,
                 meta: Any = None, check: Any = None, replace_existing_checks: bool = False) -> bool:
        server = self.client.check("agent.register %s" % service_id)
        server.services[service_id] = {"ID": service_id, "Service": name, "Address": address, "Port": port,
                                       "Tags": list(tags or []), "Meta": dict(meta or {})}
        server.checks.pop("service:" + service_id, None)
        if check:
            server.checks["service:" + service_id] = {"ServiceID": service_id, "Definition": check}
        return True

    def deregister(self, service_id: str) -> bool:
        server = self.client.check("agent.deregister %s" % service_id)
        server.services.pop(service_id, None)
        server.checks.pop("service:" + service_id, None)
        return True


class _Agent:
    def __init__(self, client: RegistratorClient) -> None:
        self.client = client
        self.service = _AgentService(client)

    def services(self) -> Dict[str, Any]:
        return {key: dict(value) for key, value in self.client.check("agent.services").services.items()}

    def checks(self) -> Dict[str, Any]:
        return {key: dict(value) for key, value in self.client.check("agent.checks").checks.items()}


# ------------------------------------------------------------------------------------------ Docker
class NotFoundError(Exception):
    status_code = 404


def inspect(name: str, port: int = 80, host_port: Optional[int] = 32768, env: Optional[List[str]] = None,
            running: bool = True, paused: bool = False, exit_code: int = 0, image: str = "busybox:latest") -> Dict[str, Any]:
    """``docker inspect`` data of a bridge container publishing ``port`` on ``host_port``."""
    ports = {"%d/tcp" % port: [{"HostIp": "0.0.0.0", "HostPort": str(host_port)}] if host_port and running else None}
    return {
        "Id": "id-" + name, "Name": "/" + name,
        "Config": {"Image": image, "Env": list(env or []), "ExposedPorts": {"%d/tcp" % port: {}}},
        "HostConfig": {"NetworkMode": "bridge"},
        "NetworkSettings": {"IPAddress": "172.17.0.2", "Ports": ports if running else {}},
        "State": {"Running": running, "Paused": paused, "ExitCode": exit_code},
    }


class FakeStream:
    def __init__(self, events: List[Dict[str, Any]]) -> None:
        self.events = list(events)
        self.closed = False

    def __iter__(self) -> Any:
        return iter(self.events)

    def close(self) -> None:
        self.closed = True


class FakeEngine:
    """Containers by id; ``script``: one list of events per events() call; when it runs out, ``on_empty``."""

    def __init__(self, containers: Optional[Dict[str, Dict[str, Any]]] = None) -> None:
        self.state: Dict[str, Dict[str, Any]] = dict(containers or {})
        self.script: List[List[Dict[str, Any]]] = []
        self.requests: List[Dict[str, Any]] = []
        self.on_empty: Any = None
        self.inspections = 0
        self.closed = 0

    def add(self, data: Dict[str, Any]) -> str:
        self.state[data["Id"]] = data
        return data["Id"]

    def containers(self) -> List[Dict[str, Any]]:
        return [{"Id": cid} for cid, data in self.state.items() if data["State"]["Running"]]

    def inspect_container(self, container_id: str) -> Dict[str, Any]:
        self.inspections += 1
        if container_id not in self.state:
            raise NotFoundError("No such container: %s" % container_id)
        return self.state[container_id]

    def info(self) -> Dict[str, Any]:
        return {"SystemTime": ENGINE_TIME}

    def ping(self) -> bool:
        return True

    def events(self, since: str, until: str, decode: bool, filters: Dict[str, Any]) -> FakeStream:
        self.requests.append({"since": since, "until": until, "filters": filters})
        if self.script:
            return FakeStream(self.script.pop(0))
        if self.on_empty is not None:
            self.on_empty()
        return FakeStream([])

    def close(self) -> None:
        self.closed += 1


def event(action: str, container_id: str) -> Dict[str, Any]:
    return {"Type": "container", "Action": action, "status": action, "id": container_id, "Actor": {"ID": container_id}}
