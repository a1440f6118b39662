# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors raised by the discovery layer.

One base class lets modules, the inventory plugin and host agents catch every discovery
problem with a single ``except`` and show its message as is: messages name the source.
"""

from __future__ import annotations

import time
from typing import Optional


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


def _utc(moment: Optional[float]) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment)) if moment is not None else "an unknown time"


class LockLost(Exception):
    """A placement lock that was held can no longer be trusted: another run may hold it now.

    ``lock`` names the lock (Consul key and URL, or file path), ``reason`` says what was seen,
    ``lost_at`` is when the loss was noticed and ``confirmed_at`` when the lock was last known
    to be held (epoch seconds, or None). Callers check before each create and stop creating.
    """

    def __init__(self, lock: str, reason: str, lost_at: Optional[float] = None,
                 confirmed_at: Optional[float] = None) -> None:
        self.lock = lock
        self.reason = reason
        self.lost_at = time.time() if lost_at is None else lost_at
        self.confirmed_at = confirmed_at
        confirmed = "; last confirmed held at %s" % _utc(confirmed_at) if confirmed_at is not None else ""
        super().__init__(
            "The placement lock %s was lost: %s (noticed at %s%s). Another run may hold it and place on the same "
            "engines, so nothing was created after that; containers created before it are kept. Run the task again: "
            "it takes the lock and plans on a fresh view of the cluster." % (lock, reason, _utc(self.lost_at), confirmed)
        )
