# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors of the scheduler.

One exception type for everything a caller can get wrong or a cluster can lack, so a
front end needs a single ``except``; the structured attributes let it render the
reason (which filter, which expression, how many nodes each step removed) itself.
"""
from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

# Values of SchedulingError.kind
INVALID_REQUEST = "invalid_request"
INVALID_EXPRESSION = "invalid_expression"
INVALID_NODES = "invalid_nodes"
UNKNOWN_FILTER = "unknown_filter"
UNKNOWN_STRATEGY = "unknown_strategy"
NO_NODES = "no_nodes"
NO_HEALTHY_NODE = "no_healthy_node"
FILTER_FAILED = "filter_failed"
NO_RESOURCES = "no_resources"
MISSING_DEPENDENCY = "missing_dependency"  # a Python package the request needs (google-re2) is not installed


class FilterStep(NamedTuple):
    """What one filter of the chain did to the candidate nodes (classic order)."""

    filter: str
    conditions: Tuple[str, ...]
    before: int
    after: int

    @property
    def removed(self) -> int:
        return self.before - self.after


class SchedulingError(Exception):
    """No node can take the container, or the request/nodes/options are invalid.

    ``str(error)`` is the full human message. Attributes for front ends:
    ``kind`` (one of the module constants), ``filter`` (failing filter name or None),
    ``expression`` (text of the condition that removed the last nodes, or None),
    ``steps`` (tuple of FilterStep in classic chain order up to the failing filter),
    ``removed_nodes`` (names of nodes the failing condition removed, at most a few),
    ``soft_dropped`` (True when the message comes from the second pass without soft
    expressions).
    """

    def __init__(
        self,
        message: str,
        kind: str = INVALID_REQUEST,
        filter: Optional[str] = None,
        expression: Optional[str] = None,
        steps: Sequence[FilterStep] = (),
        removed_nodes: Sequence[str] = (),
        soft_dropped: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.filter = filter
        self.expression = expression
        self.steps: Tuple[FilterStep, ...] = tuple(steps)
        self.removed_nodes: Tuple[str, ...] = tuple(removed_nodes)
        self.soft_dropped = soft_dropped

    def to_dict(self) -> Dict[str, Any]:
        """Plain data (JSON-able) for module results and templates."""
        steps: List[Dict[str, Any]] = [
            {
                "filter": s.filter,
                "conditions": list(s.conditions),
                "before": s.before,
                "after": s.after,
                "removed": s.removed,
            }
            for s in self.steps
        ]
        return {
            "msg": self.message,
            "kind": self.kind,
            "filter": self.filter,
            "expression": self.expression,
            "steps": steps,
            "removed_nodes": list(self.removed_nodes),
            "soft_dropped": self.soft_dropped,
        }


def describe(value: Any) -> str:
    """Short 'type value' text for messages about a wrong type."""
    text = repr(value)
    return "%s %s" % (type(value).__name__, text) if len(text) < 60 else type(value).__name__


class ExpressionError(SchedulingError):
    """A constraint, affinity or whitelist expression does not parse."""

    def __init__(self, message: str, expression: str) -> None:
        super().__init__(message, kind=INVALID_EXPRESSION, expression=expression)
