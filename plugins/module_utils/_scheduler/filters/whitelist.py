# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""whitelist: whitelist:node==n1|n2 limits placement to the named nodes.

Classic compared the |-separated names to the node name by plain equality and
ignored key and operator; here != excludes the named nodes (a deliberate difference, docs/scheduling.md).
"""
from __future__ import annotations

from typing import List

from ..expressions import EQ, Expression
from ..model import Request
from .base import COST_LABELS, Check, Filter


class WhitelistFilter(Filter):
    name = "whitelist"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [_check(e) for e in request.whitelists if soft or not e.soft]


def _check(expr: Expression) -> Check:
    names = frozenset(expr.value.split("|"))
    if expr.operator == EQ:
        return Check(expr.text_soft, lambda node: node.name in names, COST_LABELS,
                     lambda node: "not in the whitelist")
    return Check(expr.text_soft, lambda node: node.name not in names, COST_LABELS,
                 lambda node: "excluded by the whitelist")
