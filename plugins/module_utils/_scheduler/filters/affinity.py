# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""affinity: place next to (==) or away from (!=) containers, images or container labels.

Keys: container (full id, 12-char short id, or name of any container on the node that has
a name, stopped and pending ones included; ids are any strings, not only Docker's hex),
image (image id, repo:tag or repo of the node's images), anything else is a container label
(com.example.type==frontend).
"""
from __future__ import annotations

from typing import List

from ..expressions import EQ, Expression
from ..model import Node, Request
from .base import COST_CONTAINERS, COST_SELECTIVE, Check, Filter, Keep

CONTAINER_KEY = "container"
IMAGE_KEY = "image"


class AffinityFilter(Filter):
    name = "affinity"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [_check(e) for e in request.affinities if soft or not e.soft]


def _check(expr: Expression) -> Check:
    cost = COST_SELECTIVE if expr.operator == EQ else COST_CONTAINERS
    wanted = expr.operator == EQ
    if expr.key == CONTAINER_KEY:
        keep = _container_keep(expr)
        what = "container %r" % expr.value
    elif expr.key == IMAGE_KEY:
        keep = _image_keep(expr)
        what = "image %r" % expr.value
    else:
        keep = _label_keep(expr)
        what = "container labelled %s=%r" % (expr.key, expr.value)
    reason = ("no " if wanted else "has ") + what
    return Check(expr.text_soft, keep, cost, lambda node: reason)


def _container_keep(expr: Expression) -> Keep:
    """Plain names and ids are looked up in the node's index; ``prefix*`` searches the index's
    text; anything else is matched against each named container's name and id."""
    wanted = expr.operator == EQ
    literal = expr.literal
    if literal is not None:
        return lambda node: node.has_named_container(literal) is wanted
    prefix = expr.prefix
    if prefix is not None:
        return lambda node: node.has_named_container_prefix(prefix) is wanted
    match = expr.match

    def keep(node: Node) -> bool:
        for c in node.named_containers():
            if match(c.name) or match(c.id):
                return wanted
        return not wanted
    return keep


def _image_keep(expr: Expression) -> Keep:
    return lambda node: expr.accepts(node.image_names())


def _label_keep(expr: Expression) -> Keep:
    key = expr.key
    return lambda node: expr.accepts([c.labels.get(key, "") for c in node.containers])
