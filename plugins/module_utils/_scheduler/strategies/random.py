# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""random: a shuffle of the nodes the container fits on (classic ignored resources).

With a seed the order is reproducible and does not depend on the order of the
snapshot (nodes are sorted by id before the shuffle).
"""
from __future__ import annotations

import random
from typing import Any, List

from ..model import Node, Request
from ..resources import fitting
from .base import Strategy


class RandomStrategy(Strategy):
    name = "random"

    def rank(self, request: Request, nodes: List[Node], ratio: int, seed: Any) -> List[Node]:
        candidates = sorted(fitting(request, nodes, ratio), key=lambda node: node.id)
        rng = random.Random(seed) if seed is not None else random.SystemRandom()
        rng.shuffle(candidates)
        return candidates
