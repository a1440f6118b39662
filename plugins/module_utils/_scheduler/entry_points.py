# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""place(), schedule() and still_fits(): filter the nodes, rank the survivors; soft rules first,
then without them (classic SelectNodesForContainer).

``place`` works on Node objects a caller keeps (a manager's live model); ``schedule`` is the
contract's form, snapshot dicts in and ranked ids out, built on the same core.
"""
from __future__ import annotations

from typing import Any, List, Mapping, Optional, Sequence, Union

from .errors import (FILTER_FAILED, NO_HEALTHY_NODE, NO_NODES, NO_RESOURCES, SchedulingError,
                     describe)
from .filtering import chain_checks, select
from .model import unique_ids
from .node import Node
from .pools import NodeList, Snapshot
from .registry import DEFAULT_STRATEGY, get_filters, get_strategy
from .request import Request
from .resources import overcommit_ratio
from .validation import is_mapping

NO_NODES_MESSAGE = "No nodes available in the cluster"
DEFAULT_OVERCOMMIT = 0.05
# What still_fits returns (the node cannot take the request); other kinds are bad input and raise.
MISFIT_KINDS = frozenset((FILTER_FAILED, NO_HEALTHY_NODE, NO_NODES, NO_RESOURCES))


def schedule(request: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]],
             strategy: Optional[str] = DEFAULT_STRATEGY, filters: Optional[Sequence[str]] = None,
             overcommit: Optional[float] = DEFAULT_OVERCOMMIT, seed: Any = None) -> List[str]:
    """Ids of all nodes that can take ``request``, best first (see docs/scheduling.md).

    ``filters`` None means the classic chain (health, port, containerslots, dependency,
    affinity, constraint, whitelist); a list replaces it. ``overcommit`` 0.05 lets 5 %
    more than a node's CPUs/memory be reserved (integer maths, as classic). ``seed``
    makes the random strategy reproducible. ``strategy=None`` and ``overcommit=None`` mean
    the defaults (handy for front ends passing unset options). Raises SchedulingError.
    """
    chain, ranker, ratio = _options(strategy, filters, overcommit, seed)
    req = Request(request)
    pool = Snapshot(nodes)
    if not len(pool):
        raise SchedulingError(NO_NODES_MESSAGE, kind=NO_NODES)
    return unique_ids(_two_passes(req, pool, chain, ranker, ratio, seed))


def place(request: Union[Request, Mapping[str, Any]], nodes: Sequence[Node], strategy: Optional[str] = None,
          filters: Optional[Sequence[str]] = None, overcommit: Optional[float] = None,
          seed: Any = None) -> List[Node]:
    """The Nodes that can take ``request``, best first: ``schedule`` for a caller that keeps a Node
    model (nothing is validated again; the nodes are read, never changed). Same options, same
    errors; a mapping request is turned into a Request first."""
    chain, ranker, ratio = _options(strategy, filters, overcommit, seed)
    req = request if isinstance(request, Request) else Request(request)
    pool = NodeList(nodes)
    if not len(pool):
        raise SchedulingError(NO_NODES_MESSAGE, kind=NO_NODES)
    ranked = _two_passes(req, pool, chain, ranker, ratio, seed)
    unique_ids(ranked)
    return ranked


def still_fits(request: Union[Request, Mapping[str, Any]], node: Union[Node, Mapping[str, Any]],
               container_id: Optional[str], strategy: Optional[str] = None,
               filters: Optional[Sequence[str]] = None,
               overcommit: Optional[float] = None) -> Optional[SchedulingError]:
    """None when ``node``, without the container ``container_id`` (if it holds it), can take
    ``request``; else the SchedulingError saying why.

    The node is offered alone to the full two-pass scheduler, so soft rules it does not meet
    are dropped by the second pass and never count against it. Bad input (request, options,
    node data) raises instead of being returned.
    """
    try:
        if isinstance(node, Node):
            if container_id is not None and any(c.id == container_id for c in node.containers):
                node = node.copy()
                node.remove_container(container_id)
            place(request, [node], strategy=strategy, filters=filters, overcommit=overcommit)
        else:
            place(request if isinstance(request, Request) else Request(request),
                  [_node_without(node, container_id)], strategy=strategy, filters=filters, overcommit=overcommit)
    except SchedulingError as exc:
        if exc.kind in MISFIT_KINDS:
            return exc
        raise
    return None


def _node_without(raw: Any, container_id: Optional[str]) -> Node:
    containers = raw.get("containers") if is_mapping(raw) else None
    if container_id is not None and isinstance(containers, list) and any(
            is_mapping(c) and c.get("id") == container_id for c in containers):
        raw = dict(raw, containers=[c for c in containers if not (is_mapping(c) and c.get("id") == container_id)])
    return Node.from_dict(raw, lazy=True)


def _options(strategy: Optional[str], filters: Optional[Sequence[str]], overcommit: Optional[float],
             seed: Any) -> Any:
    chain = get_filters(filters)
    ranker = get_strategy(DEFAULT_STRATEGY if strategy is None else strategy)
    ratio = overcommit_ratio(DEFAULT_OVERCOMMIT if overcommit is None else overcommit)
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str))):
        raise SchedulingError("seed must be an integer or a string, got %s" % describe(seed))
    return chain, ranker, ratio


def _two_passes(req: Request, pool: Any, chain: Sequence[Any], ranker: Any, ratio: int, seed: Any) -> List[Node]:
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


def _place(req: Request, pool: Any, chain: Sequence[Any], ranker: Any, ratio: int, seed: Any,
           soft: bool) -> List[Node]:
    survivors = select(chain_checks(chain, req, soft), pool)
    return ranker.rank(req, survivors, ratio, seed)
