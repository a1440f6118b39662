# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""constraint: match node attributes, ``node`` (id or name) and engine labels.

A missing label is the empty string, as in classic Swarm: ``key!=x`` keeps nodes
without the label, ``key==*`` keeps every node, ``key==x*`` and ``key==/x/`` keep none
of them.
"""
from __future__ import annotations

import operator
from itertools import repeat
from typing import Any, List, Mapping, Optional

from ..expressions import EQ, Expression
from ..model import Node, Request
from ..validation import label_text
from .base import COST_LABELS, Check, Filter, KeepLabels, KeepLabelsMany

NODE_KEY = "node"
_TEXT_OR_MISSING = frozenset((str, type(None)))


class ConstraintFilter(Filter):
    name = "constraint"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [_check(e) for e in request.constraints if soft or not e.soft]


def _check(expr: Expression) -> Check:
    if expr.key == NODE_KEY:
        return Check(expr.text, lambda node: expr.accepts((node.id, node.name)), COST_LABELS, _why(expr))
    return Check(expr.text, None, COST_LABELS, _why(expr), keep_labels=_keep_labels(expr),
                 keep_labels_many=_keep_labels_many(expr))


def _keep_labels(expr: Expression) -> KeepLabels:
    key = expr.key
    match = expr.match
    wanted = expr.operator == EQ
    literal = expr.literal
    if literal is not None:
        def keep_literal(labels: Mapping[str, Any]) -> bool:
            value = labels.get(key)
            if value == literal:
                return wanted
            if value is None or value.__class__ is str:
                return not wanted
            return (label_text(value) == literal) is wanted
        return keep_literal

    def keep(labels: Mapping[str, Any]) -> bool:
        value = labels.get(key, "")
        if value.__class__ is not str:
            value = label_text(value)
        return bool(match(value)) is wanted
    return keep


def _keep_labels_many(expr: Expression) -> Optional[KeepLabelsMany]:
    """A plain value compared with one label of many nodes at C speed (text or missing values
    only; anything else is left to keep_labels, which compares it as text)."""
    literal = expr.literal
    if literal is None:
        return None
    key = expr.key
    compare = operator.eq if expr.operator == EQ else operator.ne

    def keep_many(labels_list: List[Mapping[str, Any]]) -> Optional[List[bool]]:
        try:
            values = list(map(dict.get, labels_list, repeat(key)))
        except TypeError:  # a mapping that is not a dict
            return None
        if not _TEXT_OR_MISSING.issuperset(map(type, values)):
            return None
        return list(map(compare, values, repeat(literal)))
    return keep_many


def _why(expr: Expression):
    if expr.key == NODE_KEY:
        return lambda node: "node is %s (id %s)" % (node.name, node.id)

    def why(node: Node) -> str:
        if expr.key in node.labels:
            return "%s=%s" % (expr.key, node.label(expr.key))
        return "%s is not set" % expr.key
    return why
