# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small type checks for request and snapshot values, with messages that name the field.

Kept cheap on purpose (exact-type fast paths before the ABC checks): they run for
every node of every placement.
"""
from __future__ import annotations

from collections import abc
from typing import Any, Dict, List

from .errors import INVALID_NODES, SchedulingError, describe

_INFINITY = float("inf")


def is_mapping(value: Any) -> bool:
    return value.__class__ is dict or isinstance(value, abc.Mapping)


def string_list(value: Any, what: str) -> List[str]:
    """A list of strings from an optional field (None -> [])."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise SchedulingError("%s must be a list of strings, got %s" % (what, describe(value)))
    return list(value)


def string_map(value: Any, what: str) -> Dict[str, Any]:
    """A mapping from an optional field (None -> {})."""
    if value is None:
        return {}
    if not is_mapping(value):
        raise SchedulingError("%s must be a mapping, got %s" % (what, describe(value)))
    return dict(value)


def millicpus(value: Any, what: str) -> int:
    """CPU count (int or float, e.g. 0.5) -> integer thousandths of a CPU."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < _INFINITY:
        raise SchedulingError("%s must be a number of CPUs >= 0, got %s" % (what, describe(value)))
    return int(round(value * 1000))


def whole_number(value: Any, what: str) -> int:
    """A non-negative integer field (None -> 0); integral floats are accepted."""
    if value is None:
        return 0
    if value.__class__ is int and value >= 0:
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SchedulingError("%s must be a whole number >= 0, got %s" % (what, describe(value)))
    return value


def label_text(value: Any) -> str:
    """Engine/container label value as the string classic Swarm compared against."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise SchedulingError("label values must be strings, got %s" % describe(value), kind=INVALID_NODES)
