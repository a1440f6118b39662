# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error type of the routing layer."""
from __future__ import annotations


class RoutingError(ValueError):
    """An option of the renderer (mode, domain, listen) or the services' shape is unusable."""
