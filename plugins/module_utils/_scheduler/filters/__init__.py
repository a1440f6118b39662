# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The classic Swarm filters, one module each, in classic default order."""
from __future__ import annotations

from .affinity import AffinityFilter
from .base import COST_CONTAINERS, COST_CUSTOM, COST_LABELS, COST_NODE, COST_SELECTIVE, Check, Filter
from .constraint import ConstraintFilter
from .containerslots import ContainerSlotsFilter
from .dependency import DependencyFilter
from .health import NO_HEALTHY_NODE, HealthFilter
from .port import PortFilter
from .whitelist import WhitelistFilter

BUILTIN_FILTERS = (
    HealthFilter(),
    PortFilter(),
    ContainerSlotsFilter(),
    DependencyFilter(),
    AffinityFilter(),
    ConstraintFilter(),
    WhitelistFilter(),
)

__all__ = [
    "BUILTIN_FILTERS", "COST_CONTAINERS", "COST_CUSTOM", "COST_LABELS", "COST_NODE", "COST_SELECTIVE",
    "Check", "Filter", "NO_HEALTHY_NODE",
    "AffinityFilter", "ConstraintFilter", "ContainerSlotsFilter", "DependencyFilter",
    "HealthFilter", "PortFilter", "WhitelistFilter",
]
