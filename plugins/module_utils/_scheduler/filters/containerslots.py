# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""containerslots: the engine label containerslots=N caps how many containers a node holds.

Classic quirks kept: an absent or non-integer label means no limit, every container
counts (stopped and pending too), N <= 0 means the node never takes a container.
"""
from __future__ import annotations

import re
from typing import List, Optional

from ..model import Node, Request
from ..validation import label_text
from .base import COST_NODE, Check, Filter

SLOTS_LABEL = "containerslots"
_ATOI = re.compile(r"[+-]?[0-9]+")


class ContainerSlotsFilter(Filter):
    name = "containerslots"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [Check("available container slots", _has_slot, COST_NODE, _why)]


def slot_limit(node: Node) -> Optional[int]:
    """The node's slot count, None when it has no (integer) limit."""
    raw = node.labels.get(SLOTS_LABEL)
    if raw is None:
        return None
    text = label_text(raw)
    return int(text) if _ATOI.fullmatch(text) else None


def _has_slot(node: Node) -> bool:
    if SLOTS_LABEL not in node.labels:
        return True
    limit = slot_limit(node)
    return limit is None or node.container_count < limit


def _why(node: Node) -> str:
    return "%d of %s container slots used" % (node.container_count, slot_limit(node))
