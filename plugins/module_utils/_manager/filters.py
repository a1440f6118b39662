# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine API ``filters`` values: clients send ``{"key": ["v"]}`` or the older ``{"key": {"v": true}}``."""

from __future__ import annotations

from typing import Any, List, Mapping, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError

TRUE_WORDS = ("1", "true")
FALSE_WORDS = ("0", "false")


def filter_values(filters: Mapping[str, Any], key: str) -> List[str]:
    """The values given for ``key`` (either form), as text."""
    value = filters.get(key)
    if isinstance(value, dict):
        return [str(k) for k, wanted in value.items() if wanted]
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def check_keys(filters: Mapping[str, Any], known: Sequence[str]) -> None:
    """400 ``Invalid filter 'x'`` (the engine's words) for a key the route does not know."""
    for key in filters:
        if key not in known:
            raise ApiError(400, "Invalid filter '%s'" % key)


def boolean_filter(filters: Mapping[str, Any], key: str) -> Any:
    """True, False, or None when not given; 400 for anything but true/false/1/0 (the engine's rule)."""
    values = filter_values(filters, key)
    if not values:
        return None
    wanted = set()
    for value in values:
        if value.lower() in TRUE_WORDS:
            wanted.add(True)
        elif value.lower() in FALSE_WORDS:
            wanted.add(False)
        else:
            raise ApiError(400, "Invalid filter '%s=%s'" % (key, value))
    if len(wanted) > 1:
        return None
    return wanted.pop()


def label_matches(labels: Mapping[str, str], wanted: str) -> bool:
    """``key``, ``key=value`` or ``key!=value`` against a label map."""
    if "!=" in wanted:
        key, _sep, value = wanted.partition("!=")
        return labels.get(key) != value
    key, sep, value = wanted.partition("=")
    return key in labels if not sep else labels.get(key) == value
