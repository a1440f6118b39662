# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named filters and strategies, so new ones can be plugged in without editing the package.

Register a filter (an object with ``name`` and ``checks(request, soft)``, see
filters.base.Filter) or a strategy (an object with ``rank(request, nodes, ratio, seed)``,
see strategies.base.Strategy), then name it in ``schedule(filters=[...])`` or
``schedule(strategy=...)``::

    from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import (
        Check, DEFAULT_FILTERS, Filter, register_filter, schedule)

    class GpuFilter(Filter):
        name = "gpu"
        def checks(self, request, soft):
            if not request.raw.get("gpus"):
                return []
            return [Check("gpu available", lambda node: node.label("gpu") == "yes")]

    register_filter("gpu", GpuFilter())
    schedule(request, nodes, filters=list(DEFAULT_FILTERS) + ["gpu"])

The default chain stays the classic one; a registered filter runs only when named.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from .errors import UNKNOWN_FILTER, UNKNOWN_STRATEGY, SchedulingError, describe
from .filters import BUILTIN_FILTERS
from .strategies import BUILTIN_STRATEGIES

DEFAULT_FILTERS = tuple(f.name for f in BUILTIN_FILTERS)
DEFAULT_STRATEGY = "spread"

_filters: Dict[str, Any] = {f.name: f for f in BUILTIN_FILTERS}
_strategies: Dict[str, Any] = dict(BUILTIN_STRATEGIES)


def register_filter(name: str, obj: Any, replace: bool = False) -> None:
    """Make ``obj`` available as filter ``name``; ``replace=True`` to override one."""
    _register(_filters, "filter", "checks", "checks(request, soft)", name, obj, replace)


def register_strategy(name: str, obj: Any, replace: bool = False) -> None:
    """Make ``obj`` available as strategy ``name``; ``replace=True`` to override one."""
    _register(_strategies, "strategy", "rank", "rank(request, nodes, ratio, seed)", name, obj, replace)


def unregister_filter(name: str) -> None:
    """Remove a registered filter (built-ins included; mostly for tests)."""
    _filters.pop(name, None)


def unregister_strategy(name: str) -> None:
    """Remove a registered strategy (built-ins included; mostly for tests)."""
    _strategies.pop(name, None)


def filter_names() -> List[str]:
    return sorted(_filters)


def strategy_names() -> List[str]:
    return sorted(_strategies)


def get_filters(names: Any) -> List[Any]:
    """(name, filter) pairs for ``names`` (None = classic default chain), in the given order."""
    if names is None:
        names = DEFAULT_FILTERS
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise SchedulingError("filters must be a list of filter names, got %s" % describe(names))
    unknown = [n for n in names if not isinstance(n, str) or n not in _filters]
    if unknown:
        raise SchedulingError("filter %s not supported; known filters: %s" % (
            ", ".join(repr(n) for n in unknown), ", ".join(filter_names())), kind=UNKNOWN_FILTER)
    return [(n, _filters[n]) for n in names]


def get_strategy(name: Any) -> Any:
    """The strategy object called ``name``."""
    strategy = _strategies.get(name) if isinstance(name, str) else None
    if strategy is None:
        raise SchedulingError("strategy %r not supported; known strategies: %s" % (
            name, ", ".join(strategy_names())), kind=UNKNOWN_STRATEGY)
    return strategy


def _register(table: Dict[str, Any], what: str, method: str, signature: str,
              name: Any, obj: Any, replace: bool) -> None:
    if not isinstance(name, str) or not name:
        raise SchedulingError("a %s name must be a non-empty string, got %s" % (what, describe(name)))
    if name in table and not replace:
        raise SchedulingError("%s %r is already registered; pass replace=True to override it" % (what, name))
    if not callable(getattr(obj, method, None)):
        raise SchedulingError("%s %r must have a %s method, got %s" % (what, name, signature, describe(obj)))
    table[name] = obj
