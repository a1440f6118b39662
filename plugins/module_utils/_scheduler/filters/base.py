# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a filter is: a named list of node predicates ("checks") built from the request.

Filters only describe conditions; they never see the whole candidate list. That is
what lets the scheduler run cheap, selective checks first (the surviving set does not
depend on the order) and still explain a failure in classic chain order.
"""
from __future__ import annotations

from typing import Any, Callable, List, Mapping, Optional

from ..model import Node, Request

# Evaluation order of checks (lower first). The surviving set is the same in any order,
# so cheap and selective conditions go first and container scans see few nodes.
COST_LABELS = 0      # node name/labels, usually selective (constraint, whitelist)
COST_NODE = 1        # node fields, rarely selective (health, containerslots)
COST_CUSTOM = 2      # default for registered filters
COST_SELECTIVE = 3   # scans containers/images, usually keeps few nodes (affinity ==, dependency)
COST_CONTAINERS = 4  # scans containers, usually keeps most nodes (ports, anti-affinity)

Keep = Callable[[Node], bool]
KeepLabels = Callable[[Mapping[str, Any]], bool]
KeepLabelsMany = Callable[[List[Mapping[str, Any]]], Optional[List[bool]]]
Why = Callable[[Node], str]


def _on_labels(keep_labels: KeepLabels) -> Keep:
    return lambda node: keep_labels(node.labels)


class Check:
    """One condition: ``keep(node)`` is True when the node satisfies it.

    ``text`` is how the condition is shown in errors (classic GetFilters wording),
    ``cost`` orders evaluation (lower first), ``why(node)`` optionally says in a few
    words why a node was removed (shown for the condition that removed the last nodes).
    ``keep_labels(labels)``, for conditions that read nothing but the node labels,
    lets the scheduler test raw snapshots before it builds node views; ``keep`` may
    then be omitted. ``keep_labels_many(list of labels)`` may give the same answers for
    many nodes at once (a list of booleans), or None when it cannot for these values.
    """

    __slots__ = ("text", "keep", "cost", "why", "keep_labels", "keep_labels_many")

    def __init__(self, text: str, keep: Optional[Keep] = None, cost: int = COST_CUSTOM,
                 why: Optional[Why] = None, keep_labels: Optional[KeepLabels] = None,
                 keep_labels_many: Optional[KeepLabelsMany] = None) -> None:
        if keep is None:
            if keep_labels is None:
                raise TypeError("Check needs keep or keep_labels")
            keep = _on_labels(keep_labels)
        self.text = text
        self.keep = keep
        self.cost = cost
        self.why = why
        self.keep_labels = keep_labels
        self.keep_labels_many = keep_labels_many if keep_labels is not None else None

    def __repr__(self) -> str:
        return "Check(%r)" % self.text


class Filter:
    """Base class of filters. Subclasses set ``name`` and implement ``checks``.

    ``checks(request, soft)`` returns the conditions for this request; ``soft`` is True
    in the first pass, when soft (``==~``/``!=~``) expressions are evaluated too.
    ``quiet`` filters are listed in errors only when they removed nodes.
    """

    name = ""
    quiet = False

    def checks(self, request: Request, soft: bool) -> List[Check]:
        raise NotImplementedError
