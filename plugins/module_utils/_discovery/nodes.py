# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`nodes://` discovery: a literal list of engine addresses, already expanded by the URL parser."""

from __future__ import annotations

from typing import List, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend


class NodesBackend(Backend):
    """A static list; listing returns it as given (order kept, duplicates dropped)."""

    description = "nodes:// discovery"

    def __init__(self, addresses: Sequence[str]) -> None:
        self.addresses = list(addresses)

    def list_nodes(self) -> List[str]:
        return list(self.addresses)
