# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One pass over the candidates: checks cheapest first, and a record of which check dropped each node.

The nodes that pass every check do not depend on the order of the checks, so they run
cheapest and most selective first (node labels, then node fields, then container scans).
Each check keeps its input and output lists; a node's record is the check whose output lost
it. Only when no node is left are those records read (explain.py) to tell the story in
classic chain order: no second run of the chain.
"""
from __future__ import annotations

from itertools import compress
from typing import Any, Dict, List, NamedTuple, Sequence, Tuple

from .errors import SchedulingError
from .explain import FilterChecks, explain
from .filters import COST_CUSTOM


class Step(NamedTuple):
    """One check run over the survivors so far: node positions (label checks) or Nodes."""

    position: int  # of the check in classic chain order
    before: List[Any]
    after: List[Any]


def chain_checks(chain: Sequence[Tuple[str, Any]], request: Any, soft: bool) -> List[FilterChecks]:
    """Every filter's checks for this request and pass, in chain order."""
    return [(name, flt, list(flt.checks(request, soft))) for name, flt in chain]


def select(checked: Sequence[FilterChecks], pool: Any) -> List[Any]:
    """The nodes of ``pool`` that pass every check; raises the classic explanation when none does."""
    flat = [check for unused_name, unused_filter, checks in checked for check in checks]
    order = sorted(range(len(flat)), key=lambda position: (getattr(flat[position], "cost", COST_CUSTOM), position))
    on_labels = [p for p in order if getattr(flat[p], "keep_labels", None) is not None]
    on_nodes = [p for p in order if getattr(flat[p], "keep_labels", None) is None]
    steps: List[Step] = []
    if on_labels:
        labels = pool.labels()
        indexes = list(range(len(labels)))
        for position in on_labels:
            check = flat[position]
            many = getattr(check, "keep_labels_many", None)
            keeps = many(labels) if many is not None else None
            if keeps is None:
                keeps = list(map(check.keep_labels, labels))
            kept = list(compress(indexes, keeps))
            steps.append(Step(position, indexes, kept))
            if not kept:
                raise _failure(checked, flat, on_labels + on_nodes, steps, pool)
            if len(kept) != len(indexes):
                labels = list(compress(labels, keeps))
            indexes = kept
        survivors = pool.views(indexes)
    else:
        survivors = pool.all()
    for position in on_nodes:
        keep = flat[position].keep
        kept = [node for node in survivors if keep(node)]
        steps.append(Step(position, survivors, kept))
        survivors = kept
        if not survivors:
            raise _failure(checked, flat, on_labels + on_nodes, steps, pool)
    return survivors


def records(steps: Sequence[Step], pool: Any) -> Dict[int, int]:
    """Node position -> number of the step (evaluation order) whose check removed it."""
    positions = None
    dropped: Dict[int, int] = {}
    for number, step in enumerate(steps):
        if len(step.after) == len(step.before):
            continue
        if not step.before or step.before[0].__class__ is int:  # a label check: positions
            for index in set(step.before).difference(step.after):
                dropped[index] = number
            continue
        kept = set(map(id, step.after))
        if positions is None:
            positions = pool.positions()
        for node in step.before:
            if id(node) not in kept:
                dropped[positions[id(node)]] = number
    return dropped


def _failure(checked: Sequence[FilterChecks], flat: Sequence[Any], order: Sequence[int],
             steps: Sequence[Step], pool: Any) -> SchedulingError:
    """Classic attribution: a node is charged to the first check in chain order that it fails.

    Its record says which check removed it; checks earlier in chain order that ran later (or
    never, because the pass stopped) were not tried on it, so they are tried now, in chain order.
    """
    rank = {position: number for number, position in enumerate(order)}
    first_failed: Dict[int, int] = {}
    for index, number in records(steps, pool).items():
        removed_by = steps[number].position
        failed = removed_by
        node = None
        for position in range(removed_by):
            if rank[position] > number:
                if node is None:
                    node = pool.view(index)
                if not flat[position].keep(node):
                    failed = position
                    break
        first_failed[index] = failed
    return explain(checked, first_failed, pool)
