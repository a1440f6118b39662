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

from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Tuple

from .errors import SchedulingError
from .explain import FilterChecks, explain
from .filters import COST_CUSTOM


class Step(NamedTuple):
    """One check run over the survivors so far (entries are (position, labels) pairs or Nodes)."""

    position: int  # of the check in classic chain order
    before: Optional[List[Any]]  # None: all the nodes of the pool
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
        entries = pool.labelled(flat[on_labels[0]].keep_labels)
        steps.append(Step(on_labels[0], None, entries))  # None: every node was its input
        if not entries:
            raise _failure(checked, flat, on_labels + on_nodes, steps, pool)
        for position in on_labels[1:]:
            keep_labels = flat[position].keep_labels
            kept = [entry for entry in entries if keep_labels(entry[1])]
            steps.append(Step(position, entries, kept))
            entries = kept
            if not entries:
                raise _failure(checked, flat, on_labels + on_nodes, steps, pool)
        survivors = pool.views([index for index, unused_labels in entries])
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
        if step.before is None:
            kept_positions = {entry[0] for entry in step.after}
            for index in range(len(pool)):
                if index not in kept_positions:
                    dropped[index] = number
            continue
        if len(step.after) == len(step.before):
            continue
        kept = set(map(id, step.after))
        for entry in step.before:
            if id(entry) not in kept:
                if entry.__class__ is tuple:
                    dropped[entry[0]] = number
                else:
                    if positions is None:
                        positions = pool.positions()
                    dropped[positions[id(entry)]] = number
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
