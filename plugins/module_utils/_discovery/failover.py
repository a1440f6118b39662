# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Try a store call on each endpoint in turn (the first that answers wins, and is remembered).

Consul and etcd clients talk to one endpoint each; a URL may name several. Only failures to
reach an endpoint move on to the next one: an answer that is an error is the store's answer.
"""

from __future__ import annotations

from typing import Any, Callable, List, Sequence, Tuple, Type, TypeVar

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

T = TypeVar("T")

TLS_MARKERS = ("SSL", "CERTIFICATE", "TLS", "WRONG_VERSION_NUMBER")
SHORT_REASONS = ("Connection refused", "timed out", "Name or service not known", "No route to host", "Connection reset")


def short_reason(exc: BaseException) -> str:
    """A few words for a connection failure instead of a urllib3 traceback string."""
    text = str(exc)
    if any(marker in text.upper() for marker in TLS_MARKERS):
        return "TLS error: " + text[:300]
    for reason in SHORT_REASONS:
        if reason in text:
            return reason
    return text[:300] or type(exc).__name__


def tls_hint(config: StoreConfig, ca_var: str) -> str:
    """What to check when the TLS handshake with a store failed."""
    return (
        " TLS to the store failed (https, validate_certs=%s): check discovery_ca_cert/%s (the CA that signed the "
        "store's certificate, whose SANs must include the address used), discovery_client_cert/discovery_client_key "
        "when the store verifies clients, or set discovery_tls=false if it speaks plain HTTP."
        % (config.validate_certs, ca_var)
    )


class Failover:
    """Endpoints with one client each; ``call`` tries them in order starting at the last good one."""

    def __init__(self, store_name: str, config: StoreConfig, clients: Sequence[Any],
                 unreachable: Tuple[Type[BaseException], ...], ca_var: str) -> None:
        self.store_name = store_name
        self.config = config
        self.clients = list(clients)
        self.unreachable = unreachable
        self.ca_var = ca_var
        self.current = 0

    def call(self, action: Callable[[Any], T], what: str) -> T:
        """Run ``action(client)``; on connection failures try the next endpoint; else raise DiscoveryError."""
        failures: List[str] = []
        count = len(self.clients)
        for step in range(count):
            index = (self.current + step) % count
            try:
                result = action(self.clients[index])
            except self.unreachable as exc:
                failures.append("%s: %s" % (self.config.endpoints[index], short_reason(exc)))
                continue
            self.current = index
            return result
        hint = tls_hint(self.config, self.ca_var) if any("TLS error" in text for text in failures) else ""
        raise DiscoveryError(
            "Cannot reach %s at %s to %s: %s.%s" % (self.store_name, self.config.url, what, "; ".join(failures), hint)
        )
