# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An engine's state and health, as classic Swarm counted them (pure, no I/O).

Pending until validated; then Healthy. ``failure_retry`` consecutive connection failures make a
Healthy engine Unhealthy (its containers leave `docker ps` without ``-a`` and the scheduler's health
filter drops it); any successful call makes it Healthy again. The health indicator the strategies
weigh is ``100 - failures * 100 / retry`` (integer), 0 when not Healthy. Transitions return the
event classic emitted (``engine_connect``, ``engine_disconnect``, ``engine_reconnect``).
"""

from __future__ import annotations

import time
from typing import Optional

PENDING = "Pending"
HEALTHY = "Healthy"
UNHEALTHY = "Unhealthy"
DISCONNECTED = "Disconnected"


class EngineHealth:
    """State, consecutive failure count, last error and the time of the last change of the data."""

    def __init__(self, failure_retry: int = 3, clock=time.time) -> None:
        self.failure_retry = max(1, int(failure_retry))
        self.clock = clock
        self.state = PENDING
        self.failures = 0
        self.error = ""
        self.updated_at = 0.0

    @property
    def indicator(self) -> int:
        if self.state != HEALTHY or self.failures >= self.failure_retry:
            return 0
        return 100 - self.failures * 100 // self.failure_retry

    @property
    def validated(self) -> bool:
        """Validated engines are in the cluster (Healthy or Unhealthy); Pending and Disconnected ones are not."""
        return self.state in (HEALTHY, UNHEALTHY)

    def touch(self) -> None:
        self.updated_at = self.clock()

    def validation_failed(self, error: str) -> None:
        """A pending engine could not be validated: it stays Pending with the reason."""
        self.failures += 1
        self.error = error
        self.touch()

    def validation_complete(self) -> Optional[str]:
        self.state = HEALTHY
        self.failures = 0
        self.error = ""
        self.touch()
        return "engine_connect"

    def failure(self, error: str) -> Optional[str]:
        """A connection-type failure; returns 'engine_disconnect' when the engine just became Unhealthy."""
        self.failures += 1
        self.error = error
        if self.state == HEALTHY and self.failures >= self.failure_retry:
            self.state = UNHEALTHY
            self.touch()
            return "engine_disconnect"
        return None

    def success(self) -> Optional[str]:
        """Any successful call; returns 'engine_reconnect' when an Unhealthy engine came back."""
        came_back = self.state == UNHEALTHY
        self.failures = 0
        self.error = ""
        if came_back:
            self.state = HEALTHY
            self.touch()
            return "engine_reconnect"
        return None

    def disconnect(self) -> None:
        """Removed from discovery."""
        self.state = DISCONNECTED
        self.touch()
