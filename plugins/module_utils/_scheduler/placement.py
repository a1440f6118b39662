# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""schedule(): filter the nodes, rank the survivors; soft rules first, then without them.

The checks of all filters run cheapest first (node labels before container scans):
the set of nodes that pass every check does not depend on the order, and the
expensive per-container scans then only see the few nodes the labels let through.
Only a failure replays the chain in classic order, to explain it (explain.py).
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence

from .errors import NO_HEALTHY_NODE, NO_NODES, SchedulingError, describe
from .explain import FilterChecks, diagnose
from .filters import COST_CUSTOM
from .model import NodePool, Request, unique_ids
from .registry import DEFAULT_STRATEGY, get_filters, get_strategy
from .resources import overcommit_ratio

NO_NODES_MESSAGE = "No nodes available in the cluster"
DEFAULT_OVERCOMMIT = 0.05


def schedule(request: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]],
             strategy: Optional[str] = DEFAULT_STRATEGY, filters: Optional[Sequence[str]] = None,
             overcommit: Optional[float] = DEFAULT_OVERCOMMIT, seed: Any = None) -> List[str]:
    """Ids of all nodes that can take ``request``, best first (SPEC section 3).

    ``filters`` None means the classic chain (health, port, containerslots, dependency,
    affinity, constraint, whitelist); a list replaces it. ``overcommit`` 0.05 lets 5 %
    more than a node's CPUs/memory be reserved (integer maths, as classic). ``seed``
    makes the random strategy reproducible. ``strategy=None`` and ``overcommit=None`` mean
    the defaults (handy for front ends passing unset options). Raises SchedulingError.
    """
    chain = get_filters(filters)
    ranker = get_strategy(DEFAULT_STRATEGY if strategy is None else strategy)
    ratio = overcommit_ratio(DEFAULT_OVERCOMMIT if overcommit is None else overcommit)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str))):
        raise SchedulingError("seed must be an integer or a string, got %s" % describe(seed))
    req = Request(request)
    pool = NodePool(nodes)
    if not len(pool):
        raise SchedulingError(NO_NODES_MESSAGE, kind=NO_NODES)
    try:
        return _two_passes(req, pool, chain, ranker, ratio, seed)
    except (AttributeError, TypeError, KeyError):
        # The hot loops read the snapshot without checking every container first;
        # a wrong type shows up here. Name it, or re-raise when the data is fine.
        for view in pool.made():
            view.check_containers()
        raise


def _two_passes(req: Request, pool: NodePool, chain: Sequence[Any], ranker: Any,
                ratio: int, seed: Any) -> List[str]:
    """Classic SelectNodesForContainer: with soft expressions, then (on any error) without."""
    soft = req.soft_expressions
    if not soft:
        return _place(req, pool, chain, ranker, ratio, seed, soft=False)
    try:
        return _place(req, pool, chain, ranker, ratio, seed, soft=True)
    except SchedulingError:
        pass  # classic: on any error retry once without the soft expressions
    try:
        return _place(req, pool, chain, ranker, ratio, seed, soft=False)
    except SchedulingError as exc:
        exc.soft_dropped = True
        if exc.kind == NO_HEALTHY_NODE:
            raise  # verbatim, as classic: soft rules have nothing to do with health
        exc.message += "\nsoft expressions were ignored after the first attempt failed: " + ", ".join(
            "%s %s" % (e.kind, e.text_soft) for e in soft)
        exc.args = (exc.message,)
        raise


def _place(req: Request, pool: NodePool, chain: Sequence[Any], ranker: Any,
           ratio: int, seed: Any, soft: bool) -> List[str]:
    checked: List[FilterChecks] = [(name, flt, list(flt.checks(req, soft))) for name, flt in chain]
    order = sorted(
        ((getattr(check, "cost", COST_CUSTOM), position, check)
         for position, (unused_name, unused_filter, checks) in enumerate(checked) for check in checks),
        key=lambda item: (item[0], item[1]))
    # Label-only conditions first, on the raw snapshots: no view for nodes they remove.
    on_labels = [check for unused_cost, unused_position, check in order
                 if getattr(check, "keep_labels", None) is not None]
    if on_labels:
        labelled = pool.labelled()
        for check in on_labels:
            keep_labels = check.keep_labels
            labelled = [entry for entry in labelled if keep_labels(entry[1])]
            if not labelled:
                raise diagnose(checked, pool.all())
        survivors = pool.views([index for index, unused_labels in labelled])
    else:
        survivors = pool.all()
    for unused_cost, unused_position, check in order:
        if getattr(check, "keep_labels", None) is None:
            keep = check.keep
            survivors = [node for node in survivors if keep(node)]
            if not survivors:
                raise diagnose(checked, pool.all())
    return unique_ids(ranker.rank(req, survivors, ratio, seed))
