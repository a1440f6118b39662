# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrator's consulkv layout: ``<prefix>/<service>/<id>`` = ``ip:port``, written and read back."""
from __future__ import annotations

import base64
import binascii
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError


def normalise_prefix(prefix: Any) -> str:
    """``/services/`` -> ``services``; an empty prefix is an error (Registrator panics on it)."""
    if not isinstance(prefix, str) or not prefix.strip("/"):
        raise RegistratorError("a KV prefix such as 'services' is required, got %r" % (prefix,))
    return prefix.strip("/")


def join_host_port(host: str, port: Any) -> str:
    """``net.JoinHostPort``: IPv6 addresses in brackets (``[::1]:8080``)."""
    return "[%s]:%s" % (host, port) if ":" in host else "%s:%s" % (host, port)


def kv_key(prefix: str, service: Any) -> str:
    """``<prefix>/<service name>/<service id>`` for a Service (or a mapping with name and id)."""
    name, service_id = _field(service, "name"), _field(service, "id")
    return "%s/%s/%s" % (normalise_prefix(prefix), name, service_id)


def kv_value(service: Any) -> str:
    return join_host_port(str(_field(service, "ip")), _field(service, "port"))


def kv_pairs(services: Iterable[Any], prefix: str) -> List[Tuple[str, str]]:
    """(key, value) of every service, in the order given."""
    return [(kv_key(prefix, service), kv_value(service)) for service in services]


def _field(service: Any, name: str) -> Any:
    if isinstance(service, Mapping):
        return service[name]
    return getattr(service, name)


def decode_value(value: Any) -> Optional[str]:
    """A KV value as text: bytes are decoded, a Consul API (base64) value is decoded, plain text kept.

    ``ip:port`` always holds a ``:``, which base64 never does, so plain and encoded values are
    told apart without a flag. None (a key without a value) gives None.
    """
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    text = str(value)
    if ":" in text or not text:
        return text
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return text


def _items(items: Any) -> List[Tuple[str, Any]]:
    if items is None:
        return []
    if isinstance(items, Mapping):
        return [(str(key), value) for key, value in items.items()]
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
        raise RegistratorError("KV items must be a list of {Key, Value} or a mapping key -> value, got %s"
                               % type(items).__name__)
    pairs = []
    for item in items:
        if not isinstance(item, Mapping) or not isinstance(item.get("Key", item.get("key")), str):
            raise RegistratorError("a KV item must be a mapping with Key and Value, got %r" % (item,))
        pairs.append((item.get("Key", item.get("key")), item.get("Value", item.get("value"))))
    return pairs


def parse_kv(items: Any, prefix: str) -> Dict[str, List[str]]:
    """{service: sorted unique backends} from KV items under ``prefix``.

    Only keys ``<prefix>/<service>/<id>`` count: the prefix is matched with a trailing slash
    (``services/web`` is not ``services/web2``), deeper keys and empty parts are ignored,
    keys without a value are skipped. Services come out sorted by name.
    """
    root = normalise_prefix(prefix) + "/"
    found: Dict[str, set] = {}
    for key, raw in _items(items):
        key = key.lstrip("/")
        if not key.startswith(root):
            continue
        parts = key[len(root):].split("/")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            continue
        value = decode_value(raw)
        if value is None or value == "":
            continue
        found.setdefault(parts[0], set()).add(value.strip())
    return {name: sorted(found[name]) for name in sorted(found)}
