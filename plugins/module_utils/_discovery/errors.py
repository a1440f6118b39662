# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the discovery layer.

One base class lets modules, the inventory plugin and host agents catch every discovery
problem with a single ``except`` and show its message as is: messages name the source.
"""

from __future__ import annotations


class DiscoveryError(Exception):
    """A discovery URL, store or registration problem, with a message meant for users."""


class MissingLibraryError(DiscoveryError):
    """A store client library is not installed; the message names the pip package."""

    def __init__(self, pip_name: str, purpose: str) -> None:
        super().__init__(
            "The Python package '%s' is required for %s but is not installed on this host "
            "(pip install %s)." % (pip_name, purpose, pip_name)
        )
        self.pip_name = pip_name
