# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SERVICE_* metadata of a container, as Registrator's ``serviceMetaData`` and ``combineTags`` read it."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

PREFIX = "SERVICE_"


def _entries(config: Mapping[str, Any]) -> List[str]:
    """Env entries, then the labels as ``key=value`` (so a label wins over an env entry)."""
    env = config.get("Env") or []
    labels = config.get("Labels") or {}
    return [str(entry) for entry in env] + ["%s=%s" % (key, value) for key, value in labels.items()]


def service_metadata(config: Mapping[str, Any], port: str) -> Tuple[Dict[str, str], Dict[str, bool]]:
    """(metadata, from_port) for the service on exposed port ``port`` (digits only, no protocol).

    Keys lose ``SERVICE_`` and are lowercased; ``SERVICE_<port>_<KEY>`` applies to that
    port only and wins over ``SERVICE_<KEY>`` whatever the order; ``from_port[key]`` is
    True when the value came from a port-specific key. Entries without ``=`` are skipped.
    """
    metadata: Dict[str, str] = {}
    from_port: Dict[str, bool] = {}
    for entry in _entries(config):
        name, sep, value = entry.partition("=")
        if not sep or not name.startswith(PREFIX):
            continue
        key = name[len(PREFIX):].lower()
        if from_port.get(key):
            continue
        head, underscore, rest = key.partition("_")
        if underscore and _is_int(head):
            if head != port:
                continue
            metadata[rest] = value
            from_port[rest] = True
        else:
            metadata[key] = value
    return metadata, from_port


def _is_int(text: str) -> bool:
    """Go's strconv.Atoi success: optional sign, then ASCII digits."""
    body = text[1:] if text[:1] in "+-" else text
    return bool(body) and body.isascii() and body.isdigit()


def split_tags(text: Optional[str]) -> List[str]:
    """A comma-separated tag list where ``\\,`` is a literal comma; empty pieces are dropped.

    Registrator's recursive splitter returns the pieces in reverse order; the order has
    no meaning to Consul, so the natural order is kept here.
    """
    if not text:
        return []
    tags: List[str] = []
    current = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1:index + 2] == ",":
            current += ","
            index += 2
            continue
        if char == ",":
            if current:
                tags.append(current)
            current = ""
        else:
            current += char
        index += 1
    if current:
        tags.append(current)
    return tags


def combine_tags(parts: Iterable[Optional[str]]) -> List[str]:
    """``combineTags``: each part split with split_tags, concatenated."""
    tags: List[str] = []
    for part in parts:
        tags.extend(split_tags(part))
    return tags
