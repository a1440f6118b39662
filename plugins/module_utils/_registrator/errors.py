# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error type of the registrator layer."""
from __future__ import annotations


class RegistratorError(ValueError):
    """Inspect data, a prefix or KV items that cannot be used; the message says which and why."""
