# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic Docker Swarm scheduling in pure Python (no I/O, no ansible import).

    from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import schedule, SchedulingError
    ranked_ids = schedule(request, nodes, strategy="spread", filters=None, overcommit=0.05, seed=None)

A caller that keeps the cluster in memory builds Nodes once (Node.from_dict), changes them in
place (add_container, remove_container, replace_container, set_health...) and calls
place(Request(...), nodes) -> ranked Nodes; still_fits() tells whether a container's node
can still hold it.

See docs/scheduling.md for the expression language, filters, strategies and how to
register custom ones (register_filter / register_strategy).
"""
from __future__ import annotations

from .container import Container
from .errors import ExpressionError, FilterStep, SchedulingError
from .expressions import Expression, parse_expression, parse_expressions
from .filters import COST_CONTAINERS, COST_CUSTOM, COST_LABELS, COST_NODE, COST_SELECTIVE, Check, Filter
from .model import Node, PortBinding, Request, natural_key
from .entry_points import DEFAULT_OVERCOMMIT, place, schedule, still_fits
from .registry import (DEFAULT_FILTERS, DEFAULT_STRATEGY, filter_names, register_filter,
                       register_strategy, strategy_names, unregister_filter, unregister_strategy)
from .resources import NO_RESOURCES_MESSAGE, fitting, no_resources, overcommit_ratio, weigh, with_overcommit
from .sources import clean_request, gather_expressions, labels_with_expressions, split_env
from .strategies import Strategy

__all__ = [
    "schedule", "place", "still_fits", "SchedulingError", "ExpressionError", "FilterStep",
    "Expression", "parse_expression", "parse_expressions",
    "Check", "Filter", "Strategy", "COST_LABELS", "COST_NODE", "COST_CUSTOM", "COST_SELECTIVE", "COST_CONTAINERS",
    "Container", "Node", "PortBinding", "Request", "natural_key",
    "DEFAULT_FILTERS", "DEFAULT_OVERCOMMIT", "DEFAULT_STRATEGY", "filter_names", "strategy_names",
    "register_filter", "register_strategy", "unregister_filter", "unregister_strategy",
    "NO_RESOURCES_MESSAGE", "fitting", "no_resources", "overcommit_ratio", "weigh", "with_overcommit",
    "clean_request", "gather_expressions", "labels_with_expressions", "split_env",
]
