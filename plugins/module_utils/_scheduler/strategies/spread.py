# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""spread: the least loaded node first (lowest weight), so containers fan out.

Ties: fewer containers first, then natural order of the name (classic left them to
Go map order, i.e. random; a deterministic answer is wanted here: same snapshot, same choice).
"""
from __future__ import annotations

from typing import Any, List

from ..model import Node, Request, name_order
from ..resources import SPREAD_HEALTH_FACTOR, weigh
from .base import Strategy


class SpreadStrategy(Strategy):
    name = "spread"

    def rank(self, request: Request, nodes: List[Node], ratio: int, seed: Any) -> List[Node]:
        weighted = weigh(request, nodes, ratio, SPREAD_HEALTH_FACTOR)
        weighted.sort(key=lambda wn: (wn[0], wn[1].container_count, name_order(wn[1].name), wn[1].id))
        return [node for unused_weight, node in weighted]
