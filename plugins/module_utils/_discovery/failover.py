# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Try a store call on each endpoint in turn (the first that answers wins, and is remembered).

Consul and etcd clients talk to one endpoint each; a URL may name several. Only failures to
reach an endpoint move on to the next one: an answer that is an error is the store's answer.
"""

from __future__ import annotations

import re
from typing import Any, Callable, List, Optional, Sequence, Tuple, Type, TypeVar

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import StoreConfig

T = TypeVar("T")

SSL_REASON = re.compile(r"\[SSL: [A-Z0-9_]+\] ([^(]+?)\s*\(_ssl")
# (words in the failure, what to check); the first match wins
TLS_ADVICE = (
    (("alert bad certificate", "certificate required", "alert unknown ca", "alert certificate unknown"),
     "the store refused this client's certificate (none, or not from its CA): set discovery_client_cert and "
     "discovery_client_key"),
    (("certificate verify failed",),
     "the store's certificate is not trusted: point discovery_ca_cert/%(ca_var)s at the CA that signed it (its SANs "
     "must include the address used)"),
    (("wrong version number", "record layer failure", "packet length too long"),
     "the store answers plain HTTP: set discovery_tls=false"),
)
PLAIN_TO_TLS = ("Remote end closed connection without response", "Connection reset by peer")
SHORT_REASONS = ("Connection refused", "timed out", "Name or service not known", "No route to host")


def _chain_text(exc: BaseException) -> str:
    parts: List[str] = []
    current: Optional[BaseException] = exc
    while current is not None and len(parts) < 5:  # the client's error, then what caused it
        part = str(getattr(current, "detail_text", None) or current)
        if part and part not in parts:
            parts.append(part)
        current = current.__cause__ or current.__context__
    return " | ".join(parts) or type(exc).__name__


def short_reason(exc: BaseException, config: StoreConfig, ca_var: str) -> str:
    """A few words, and what to check, for a failure to reach a store (not a urllib3 traceback string)."""
    text = _chain_text(exc)
    ssl = SSL_REASON.search(text)
    if ssl:
        lowered = text.lower()
        for markers, advice in TLS_ADVICE:
            if any(marker in lowered for marker in markers):
                return "TLS error (%s): %s" % (ssl.group(1).strip(), advice % {"ca_var": ca_var})
        return "TLS error (%s)" % ssl.group(1).strip()
    if not config.use_tls and any(marker in text for marker in PLAIN_TO_TLS):
        return "the store closed the connection: if it serves HTTPS, set discovery_tls=true and discovery_ca_cert"
    for reason in SHORT_REASONS:
        if reason in text:
            return reason
    return text.split(" | ")[-1][:200]


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
                failures.append("%s: %s" % (self.config.endpoints[index], short_reason(exc, self.config, self.ca_var)))
                continue
            self.current = index
            return result
        raise DiscoveryError("Cannot reach %s at %s to %s: %s." % (self.store_name, self.config.url, what, "; ".join(failures)))
