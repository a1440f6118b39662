# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dependency: a container goes where its --volumes-from, --link and --net=container: targets are.

References resolve like classic Swarm: full or 12-char id, Swarm id, name (also
/name and <node>/name) or a unique id prefix.
"""
from __future__ import annotations

from typing import List

from ..model import Request
from .base import COST_SELECTIVE, Check, Filter


class DependencyFilter(Filter):
    name = "dependency"

    def checks(self, request: Request, soft: bool) -> List[Check]:
        return [_check(text, ref) for text, ref in request.dependencies]


def _check(text: str, ref: str) -> Check:
    return Check(text, lambda node: node.find_container(ref) is not None, COST_SELECTIVE,
                 lambda node: "no container %r" % ref)
