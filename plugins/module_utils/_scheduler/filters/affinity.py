# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""affinity: place next to (==) or away from (!=) containers, images or container labels.

Keys: container (full id, 12-char short id, or name of any container on the node,
stopped and pending ones included), image (image id, repo:tag or repo of the
node's images), anything else is a container label (com.example.type==frontend).
"""
from __future__ import annotations

import operator
from typing import Iterator, List, Mapping

from ..expressions import EQ, Expression
from ..model import SHORT_ID, Node, Request
from ..validation import label_text
from .base import COST_CONTAINERS, COST_SELECTIVE, Check, Filter, Keep

CONTAINER_KEY = "container"
_HEX = frozenset("0123456789abcdef")
_SEP = "\0"
_NAME = operator.itemgetter("name")
_ID = operator.itemgetter("id")
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
        keep = _candidates_keep(expr, _image_names)
        what = "image %r" % expr.value
    else:
        keep = _candidates_keep(expr, lambda node: _label_values(node, expr.key))
        what = "container labelled %s=%r" % (expr.key, expr.value)
    reason = ("no " if wanted else "has ") + what
    return Check(expr.text_soft, keep, cost, lambda node: reason)


def _container_keep(expr: Expression) -> Keep:
    """Names and ids are compared in one pass over the node's containers.

    Literal and ``prefix*`` values first get a C-speed pre-test (a substring search in
    the node's joined names and ids) that can only err towards "maybe"; the exact
    loop runs for the few nodes where it says maybe.
    """
    wanted = expr.operator == EQ
    match = expr.match
    literal = expr.literal
    short = literal if literal is not None and len(literal) == SHORT_ID else None

    def exact(node: Node) -> bool:
        for c in node.containers:
            name = c.get("name")
            if not name:
                continue  # classic skips containers without a name
            if name[0] == "/":
                name = name[1:]
            cid = c.get("id") or ""
            if match(name) or match(cid) or (short is not None and cid[:SHORT_ID] == short):
                return wanted
        return not wanted

    fixed = literal if literal is not None else expr.prefix
    if fixed is None or _SEP in fixed:
        return exact
    end = _SEP if literal is not None else ""
    name_needles = (_SEP + fixed + end, _SEP + "/" + fixed + end)
    # ids are hexadecimal: text with other characters cannot be (part of) one
    id_needle = _SEP + fixed if not set(fixed) - _HEX else None

    def keep(node: Node) -> bool:
        containers = node.containers
        try:
            names = _SEP + _SEP.join(map(_NAME, containers)) + _SEP
            maybe = name_needles[0] in names or name_needles[1] in names
            if not maybe and id_needle is not None:
                maybe = id_needle in _SEP + _SEP.join(map(_ID, containers))
        except (KeyError, TypeError):  # a missing or non-string name or id: the exact loop judges
            maybe = True
        return exact(node) if maybe else not wanted
    return keep


def _candidates_keep(expr: Expression, candidates) -> Keep:
    return lambda node: expr.accepts(candidates(node))


def _image_names(node: Node) -> Iterator[str]:
    """Image id, every repo:tag and its repository part (classic ParseRepositoryTag)."""
    for image in node.images:
        image_id = image.get("id")
        if image_id:
            yield image_id
        for tag in image.get("tags") or ():
            yield tag
            yield repository(tag)


def repository(reference: str) -> str:
    """'redis:7' -> 'redis', 'localhost:5000/app' -> 'localhost:5000/app', 'a@sha256:..' -> 'a'."""
    if "@" in reference:
        return reference.split("@", 1)[0]
    repo, sep, tag = reference.rpartition(":")
    return repo if sep and "/" not in tag else reference


def _label_values(node: Node, key: str) -> Iterator[str]:
    for c in node.containers:
        labels: Mapping = c.get("labels") or {}
        yield label_text(labels.get(key))
