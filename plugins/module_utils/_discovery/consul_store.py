# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A py-consul client over one or several Consul agents, with failover and clear errors.

Shared by the Consul discovery backend and the Consul lock, so both talk to Consul the same
way: TLS and ACL token from ``StoreConfig``, the next agent on a connection failure, and a
``DiscoveryError`` that names the agents and says what to check.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import split_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.failover import Failover
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.libraries import require
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

T = TypeVar("T")


class ConsulStore:
    """Calls py-consul on the first agent that answers and turns Consul's errors into DiscoveryError."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.consul = require("consul", "py-consul", "consul:// discovery")
        requests = require("requests", "requests", "consul:// discovery")
        clients = [self._client(endpoint) for endpoint in config.endpoints]
        unreachable = (requests.exceptions.ConnectionError, requests.exceptions.Timeout, self.consul.Timeout)
        self.failover = Failover("Consul", config, clients, unreachable, "CONSUL_CACERT")

    def _client(self, endpoint: str) -> Any:
        host, port = split_address(endpoint)
        config = self.config
        verify: Any = config.ca_cert if (config.validate_certs and config.ca_cert) else config.validate_certs
        cert = (config.client_cert, config.client_key) if config.client_cert else None
        client = self.consul.Consul(
            host=host, port=port, scheme="https" if config.use_tls else "http", verify=verify, cert=cert,
            connections_timeout=config.timeout,
        )
        client.token = config.token  # py-consul would let CONSUL_HTTP_TOKEN override an explicit token
        return client

    def call(self, action: Callable[[Any], T], what: str) -> T:
        """Run ``action(client)`` on the agents in turn until one answers; translate Consul's errors."""
        try:
            return self.failover.call(action, what)
        except self.consul.ACLPermissionDenied as exc:
            raise DiscoveryError(
                "Consul at %s refused to %s: permission denied by ACL (%s). Give a token with key and session "
                "write rights on the prefix with discovery_token or CONSUL_HTTP_TOKEN." % (self.config.url, what, exc)
            ) from None
        except self.consul.ConsulException as exc:
            not_consul = not_consul_reason(str(exc))
            if not_consul:
                raise DiscoveryError(
                    "Consul at %s failed to %s: the address does not look like a Consul HTTP API (%s). Check that the "
                    "host and port are a Consul agent's HTTP API (port 8500 by default, not a web server or proxy in "
                    "front of it) and that discovery_tls matches it." % (self.config.url, what, not_consul)
                ) from None
            raise DiscoveryError("Consul at %s failed to %s: %s" % (self.config.url, what, exc)) from None


def not_consul_reason(text: str) -> Optional[str]:
    """Why an HTTP answer py-consul choked on was not Consul's (None when it looks like Consul's own error)."""
    lowered = text.lower()
    if "missing index header" in lowered:
        return "its answer had no X-Consul-Index header"
    if "failed to decode json" in lowered:
        return "its answer was not Consul's JSON"
    if "<html" in lowered or "<!doctype" in lowered:
        return "it answered with an HTML page: %s" % " ".join(text.split())[:120]
    return None


def session_ttl(ttl: int) -> int:
    """Consul session TTL for a registration that must vanish about ``ttl`` seconds after the last beat.

    Consul may take up to twice the session TTL to reap a session, so, like libkv, half the
    wanted TTL is asked for; Consul accepts 10 s to 86400 s.
    """
    return max(10, min(86400, int(ttl) // 2))


def holder(store: ConsulStore, key: str) -> Optional[str]:
    """The session id holding ``key``, if any."""
    _index, data = store.call(lambda client: client.kv.get(key), "read %s" % key)
    return data.get("Session") if isinstance(data, dict) else None
