# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery URL parsing (the forms of docs/discovery.md).

Accepted forms, as classic Swarm took them: `nodes://h1:2376,h2:2376` or a bare list with
`[from:to]` ranges, `file:///path`, `consul://h1[,h2][:8500]/<prefix>`, `etcd://h1,h2/<prefix>`,
`zk://h1,h2/<prefix>`. A store URL without hosts (`consul:///swarm`) takes them from the
store's environment variable (see options.py). Errors show the expected form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, List, Set, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import normalize_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.ranges import LIMIT_TEXT, MAX_ADDRESSES, expand_range

STORE_PORTS = {"consul": 8500, "etcd": 2379, "zk": 2181}

FORMS = {
    "nodes": "nodes://10.0.0.1:2376,10.0.0.2:2376 (or the bare list, or a range such as 10.0.0.[10:20]:2376)",
    "file": "file:///etc/swarm/cluster.conf (one host:port per line)",
    "consul": "consul://127.0.0.1:8500/<prefix> (several agents: consul://h1,h2:8500/<prefix>)",
    "etcd": "etcd://h1:2379,h2:2379/<prefix>",
    "zk": "zk://h1:2181,h2:2181/<prefix>",
}

TOKEN_SHUTDOWN = (
    "token:// discovery used Docker Hub's hosted discovery service, which Docker shut down in 2019 "
    "(deprecated in Swarm 1.2.7, removed on 2019-06-19); it cannot work any more. Use consul://, etcd://, "
    "zk://, file:// or a nodes:// list instead."
)


@dataclass(frozen=True)
class DiscoveryURL:
    """A parsed discovery URL.

    ``entries`` are engine addresses for `nodes`, store endpoints (``host:port``) for stores,
    empty for `file`. ``prefix`` is the store key prefix without surrounding slashes.
    """

    scheme: str
    entries: Tuple[str, ...] = ()
    path: str = ""
    prefix: str = ""
    source: str = field(default="", compare=False)

    @property
    def is_store(self) -> bool:
        """True for the key/value backends (consul, etcd, zk) that support registration."""
        return self.scheme in STORE_PORTS

    def __str__(self) -> str:
        if self.scheme == "file":
            return "file://" + self.path
        text = "%s://%s" % (self.scheme, ",".join(self.entries))
        return text + ("/" + self.prefix if self.prefix else "")


def _expected(scheme: str) -> str:
    return "expected " + FORMS[scheme]


def _supported() -> str:
    return "; ".join(FORMS[name] for name in ("nodes", "file", "consul", "etcd", "zk"))


def add_addresses(addresses: List[str], seen: Set[str], text: str, what: str = "node") -> None:
    """Append the new addresses ``text`` stands for; DiscoveryError past MAX_ADDRESSES in all."""
    for entry in expand_range(text):
        address = normalize_address(entry, None, what)
        if address in seen:
            continue
        if len(addresses) >= MAX_ADDRESSES:
            raise DiscoveryError("Discovery lists more than %d engine addresses (the limit was reached at entry %r); %s."
                                 % (MAX_ADDRESSES, text, LIMIT_TEXT))
        seen.add(address)
        addresses.append(address)


def parse_node_list(items: Iterable[str], what: str = "node") -> List[str]:
    """Expand and validate static engine addresses; ``tcp://`` prefixes are accepted and dropped."""
    addresses: List[str] = []
    seen: Set[str] = set()
    for item in items:
        text = str(item).strip()
        if text:
            add_addresses(addresses, seen, text, what)
    return addresses


def _parse_nodes(rest: str, source: str) -> DiscoveryURL:
    try:
        entries = parse_node_list(rest.split(","))
    except DiscoveryError as exc:
        raise DiscoveryError("%s In discovery URL %r: %s." % (exc, source, _expected("nodes"))) from None
    if not entries:
        raise DiscoveryError("Discovery URL %r lists no nodes: %s." % (source, _expected("nodes")))
    return DiscoveryURL("nodes", tuple(entries), source=source)


def _parse_file(rest: str, source: str) -> DiscoveryURL:
    if not rest.strip():
        raise DiscoveryError("Discovery URL %r names no file: %s." % (source, _expected("file")))
    return DiscoveryURL("file", path=rest.strip(), source=source)


def _parse_store(scheme: str, rest: str, source: str) -> DiscoveryURL:
    hosts_text, _sep, prefix = rest.partition("/")
    endpoints: List[str] = []
    for item in hosts_text.split(","):
        if not item.strip():
            continue
        try:
            endpoint = normalize_address(item, STORE_PORTS[scheme], "%s host" % scheme)
        except DiscoveryError as exc:
            raise DiscoveryError("%s In discovery URL %r: %s." % (exc, source, _expected(scheme))) from None
        if endpoint not in endpoints:
            endpoints.append(endpoint)
    clean_prefix = "/".join(part for part in prefix.split("/") if part)
    if any(part in (".", "..") for part in clean_prefix.split("/")):
        raise DiscoveryError("Discovery URL %r has '.' or '..' in its prefix: %s." % (source, _expected(scheme)))
    return DiscoveryURL(scheme, tuple(endpoints), prefix=clean_prefix, source=source)


def parse_discovery_url(url: str) -> DiscoveryURL:
    """Parse a discovery URL or a bare node list; raise DiscoveryError with the expected form."""
    source = (url or "").strip()
    if not source:
        raise DiscoveryError("The discovery URL is empty; supported forms: %s." % _supported())
    scheme, sep, rest = source.partition("://")
    if not sep:
        return _parse_nodes(source, source)
    scheme = scheme.lower()
    if scheme == "tcp":  # `tcp://h1:2376,tcp://h2:2376`: engine URLs, i.e. a node list
        return _parse_nodes(source, source)
    if scheme == "token":
        raise DiscoveryError(TOKEN_SHUTDOWN)
    if scheme == "nodes":
        return _parse_nodes(rest, source)
    if scheme == "file":
        return _parse_file(rest, source)
    if scheme in STORE_PORTS:
        return _parse_store(scheme, rest, source)
    raise DiscoveryError("Unsupported discovery URL scheme %r in %r; supported forms: %s." % (scheme, source, _supported()))
