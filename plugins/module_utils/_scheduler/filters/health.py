# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""health: only nodes whose health indicator is above 0 can take containers."""
from __future__ import annotations

from typing import List

from ..model import Node, Request
from .base import COST_NODE, Check, Filter

NO_HEALTHY_NODE = "No healthy node available in the cluster"


class HealthFilter(Filter):
    name = "health"
    quiet = True

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [Check("healthy", _healthy, COST_NODE, _why)]


def _healthy(node: Node) -> bool:
    return node.health > 0


def _why(node: Node) -> str:
    return "health %s" % node.health
