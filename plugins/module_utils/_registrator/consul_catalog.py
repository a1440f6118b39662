# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrator's ``consul://`` backend: services (with their check) on the local Consul agent.

``/v1/agent/service/register`` with ID, Name, Port, Address, Tags, Meta (the attrs whose keys
Consul accepts) and the check of ``checks.build_check``; ``/v1/agent/service/deregister``. The
agent, not a session, owns these: when the host dies its serfHealth check fails and health
queries drop its services. A full sync removes agent services whose ID starts with
``<hostname>:`` and that are no longer current (Registrator's ``-cleanup``, always on).
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.backend import LOG, RegistryBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.checks import build_check, unsupported_check

META_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
META_MAX_PAIRS = 64
META_MAX_VALUE = 512


def service_meta(service_id: str, attrs: Dict[str, str], warned: Optional[Set[str]] = None) -> Dict[str, str]:
    """The attrs Consul accepts as service Meta: keys ``[A-Za-z0-9_-]`` up to 64 characters, not ``consul-*``,
    values up to 512 characters, 64 pairs at most; the rest is dropped (logged once per service and key)."""
    meta: Dict[str, str] = {}
    for key in sorted(attrs):
        value = str(attrs[key])
        reason = None
        if not META_KEY.match(key) or key.lower().startswith("consul-"):
            reason = "key not allowed by Consul"
        elif len(value) > META_MAX_VALUE:
            reason = "value longer than %d characters" % META_MAX_VALUE
        elif len(meta) >= META_MAX_PAIRS:
            reason = "more than %d meta entries" % META_MAX_PAIRS
        if reason is None:
            meta[key] = value
            continue
        marker = "%s %s" % (service_id, key)
        if warned is None or marker not in warned:
            LOG.warning("consul: meta %r of service %s dropped: %s", key, service_id, reason)
            if warned is not None:
                warned.add(marker)
    return meta


def registration(service: Any, warned: Optional[Set[str]] = None) -> Dict[str, Any]:
    """The register payload of one Service, as py-consul's ``agent.service.register`` keywords."""
    return {
        "name": service.name,
        "service_id": service.id,
        "address": service.ip,
        "port": int(service.port),
        "tags": list(service.tags),
        "meta": service_meta(service.id, dict(service.attrs), warned),
        "check": build_check(service),
    }


class ConsulCatalogBackend(RegistryBackend):
    """``consul://host:port``: services registered with the (local) Consul agent."""

    kind = "consul"

    def __init__(self, store: ConsulStore, hostname: str) -> None:
        super().__init__(hostname)
        self.store = store
        self.warned: Set[str] = set()

    def start(self) -> None:
        with self.lock:
            self.store.call(lambda client: client.agent.services(), "list the agent's services")

    def _desired(self, services: Iterable[Any]) -> Dict[str, Dict[str, Any]]:
        desired = {}
        for service in services:
            problem = unsupported_check(service)
            if problem and ("check_cmd " + service.id) not in self.warned:
                self.warned.add("check_cmd " + service.id)
                LOG.warning("consul: %s", problem)
            desired[service.id] = registration(service, self.warned)
        return desired

    @staticmethod
    def _same(payload: Dict[str, Any], actual: Dict[str, Any], checked: Set[str]) -> bool:
        return (actual.get("Service") == payload["name"] and int(actual.get("Port") or 0) == payload["port"]
                and (actual.get("Address") or "") == payload["address"]
                and sorted(actual.get("Tags") or []) == sorted(payload["tags"])
                and dict(actual.get("Meta") or {}) == payload["meta"]
                and (payload["check"] is None or payload["service_id"] in checked))

    def _plan_full(self) -> Tuple[Dict[str, Dict[str, Any]], List[str]]:
        services = self.store.call(lambda client: client.agent.services(), "list the agent's services") or {}
        checks = self.store.call(lambda client: client.agent.checks(), "list the agent's checks") or {}
        checked = {str(check.get("ServiceID")) for check in checks.values() if isinstance(check, dict)}
        known = dict(self.written)
        self.written = {}
        puts = {}
        for sid, payload in self.desired.items():
            actual = services.get(sid)
            if isinstance(actual, dict) and self._same(payload, actual, checked):
                self.written[sid] = payload
            else:
                puts[sid] = payload
        deletes = [sid for sid in services if sid not in self.desired and (self.owns_id(sid) or sid in known)]
        return puts, deletes

    def _put(self, key: str, value: Any) -> bool:
        self.store.call(lambda client: _register(client, value), "register service %s" % key)
        return True

    def _delete(self, key: str) -> None:
        self.store.call(lambda client: client.agent.service.deregister(key), "deregister service %s" % key)

    def _describe(self, key: str, value: Any) -> str:
        return "%s %s at %s:%s%s" % (value["name"], key, value["address"], value["port"], " with a check" if value["check"] else "")

    def keepalive(self) -> None:
        with self.lock:
            if not self.dirty:
                return
            try:
                self._apply(self._plan_incremental())
            except DiscoveryError as exc:
                self._outcome(exc)
                raise
            self._outcome(None)

    def stop(self, deregister: bool) -> None:
        with self.lock:
            if not deregister:
                LOG.info("consul: leaving %d services registered with the agent", len(self.written))
                return
            self.desired = {}
            self._apply(self._plan_incremental())


def _register(client: Any, payload: Dict[str, Any]) -> Any:
    """Register (replacing the service's previous checks, so a removed check goes too)."""
    arguments = {key: value for key, value in payload.items() if value is not None}
    return client.agent.service.register(replace_existing_checks=True, **arguments)
