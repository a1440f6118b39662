# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a strategy is: it ranks the nodes that passed every filter, best first."""
from __future__ import annotations

from typing import Any, List

from ..model import Node, Request


class Strategy:
    """Base class of strategies. Subclasses set name and implement rank.

    rank(request, nodes, ratio, seed) gets the surviving nodes, the overcommit
    ratio in integer percent (see resources.overcommit_ratio) and the caller's seed;
    it returns the nodes to offer, best first, or raises SchedulingError (for example
    resources.no_resources) when none can take the container.
    """

    name = ""

    def rank(self, request: Request, nodes: List[Node], ratio: int, seed: Any) -> List[Node]:
        raise NotImplementedError
