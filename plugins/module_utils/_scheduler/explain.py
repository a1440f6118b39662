# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Why no node fits, told in classic chain order with how many nodes each filter removed.

Input: for every node, the first check in chain order that it fails (filtering.py finds it
from the records of the pass). Users read the message top-down as classic Swarm printed it.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Sequence, Tuple

from .errors import FILTER_FAILED, NO_HEALTHY_NODE, FilterStep, SchedulingError
from .filters import NO_HEALTHY_NODE as NO_HEALTHY_MESSAGE
from .node import Node

UNABLE = "Unable to find a node that satisfies the following conditions"
HEALTH = "health"
SHOWN_NODES = 5

FilterChecks = Tuple[str, Any, List[Any]]  # (registered name, filter, checks)


def explain(chain: Sequence[FilterChecks], first_failed: Mapping[int, int], pool: Any) -> SchedulingError:
    """The error for a chain that leaves no node.

    ``first_failed`` maps every node's position to the position (in chain order, counting the
    checks of all filters) of the first check it fails.
    """
    last = max(first_failed.values())
    steps: List[FilterStep] = []
    quiet: List[bool] = []
    start = 0
    culprit = None
    failing = ""
    for name, flt, checks in chain:
        end = start + len(checks)
        before = sum(1 for failed in first_failed.values() if failed >= start)
        after = sum(1 for failed in first_failed.values() if failed >= end)
        steps.append(FilterStep(name, tuple(c.text for c in checks), before, after))
        quiet.append(bool(getattr(flt, "quiet", False)))
        if start <= last < end:
            culprit = checks[last - start]
            failing = name
            break
        start = end
    last_removed = [pool.view(index) for index in sorted(first_failed) if first_failed[index] == last]
    if failing == HEALTH:
        return SchedulingError(NO_HEALTHY_MESSAGE, kind=NO_HEALTHY_NODE, filter=HEALTH,
                               expression=culprit.text, steps=steps,
                               removed_nodes=[n.name for n in last_removed])
    lines = [UNABLE] + _lines(steps, quiet)
    lines.append("%s %s removed the last %s: %s" % (
        failing, culprit.text, _count(len(last_removed)), _reasons(culprit, last_removed)))
    return SchedulingError("\n".join(lines), kind=FILTER_FAILED, filter=failing,
                           expression=culprit.text, steps=steps,
                           removed_nodes=[n.name for n in last_removed])


def _lines(steps: Sequence[FilterStep], quiet: Sequence[bool]) -> List[str]:
    """One line per filter; classic omitted filters without conditions (and so do we,
    unless they removed nodes, which classic did not tell)."""
    lines = []
    for step, is_quiet in zip(steps, quiet):
        if step.removed == 0 and (is_quiet or not step.conditions):
            continue
        label = " ".join(step.conditions) or step.filter
        lines.append("[%s] removed %d of %s" % (label, step.removed, _count(step.before)))
    return lines


def _reasons(check: Any, nodes: Sequence[Node]) -> str:
    why = getattr(check, "why", None)
    parts = []
    for node in nodes[:SHOWN_NODES]:
        parts.append("%s (%s)" % (node.name, why(node)) if why else node.name)
    more = len(nodes) - SHOWN_NODES
    return ", ".join(parts) + (" and %d more" % more if more > 0 else "")


def _count(number: int) -> str:
    return "%d node%s" % (number, "" if number == 1 else "s")
