# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The classic Swarm strategies, one module each."""
from __future__ import annotations

from .base import Strategy
from .binpack import BinpackStrategy
from .random import RandomStrategy
from .spread import SpreadStrategy

SPREAD = SpreadStrategy()
BINPACK = BinpackStrategy()
RANDOM = RandomStrategy()

# name -> strategy; "binpacking" is classic's compatibility alias of binpack.
BUILTIN_STRATEGIES = {
    "spread": SPREAD,
    "binpack": BINPACK,
    "binpacking": BINPACK,
    "random": RANDOM,
}

__all__ = ["BUILTIN_STRATEGIES", "BinpackStrategy", "RandomStrategy", "SpreadStrategy", "Strategy"]
