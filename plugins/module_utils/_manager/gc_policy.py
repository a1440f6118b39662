# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep Python's full garbage collections short while the picture is large.

A full (generation 2) collection walks every object the collector tracks; with 30,000 containers in
the picture that is well over a million objects and a pause of about half a second on the one
thread that serves every request (measured: the slowest creates of a 30,000-container run each sat
on one). Almost all of those objects live as long as their container and hold no reference cycles
(they are freed by reference counting), so walking them again finds nothing. After each full
collection the survivors are frozen (``gc.freeze``: moved where the collector does not look), so
the next one walks only what was created since. Cyclic garbage among frozen objects would never be
freed: every ``SWEEP`` seconds the freeze is undone once, so the next full collection walks
everything (one long pause an hour) and frees it.
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Any, Callable, Dict, Optional

LOG = logging.getLogger("dockyard.swarm.manager.gc")
SWEEP = 3600.0  # seconds between two complete collections
SLOW = 0.1  # seconds: a full collection this long is logged at info


class FreezeAfterFullCollection:
    """A ``gc.callbacks`` entry: freezes the survivors of each full collection, logs its duration."""

    def __init__(self, sweep: float = SWEEP, clock: Callable[[], float] = time.monotonic) -> None:
        self.sweep = sweep
        self.clock = clock
        self.last_sweep = clock()
        self.began: Optional[float] = None

    def __call__(self, phase: str, info: Dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        now = self.clock()
        if phase == "start":
            self.began = now
            return
        elapsed = now - self.began if self.began is not None else 0.0
        level = logging.INFO if elapsed >= SLOW else logging.DEBUG
        LOG.log(level, "full garbage collection: %.0f ms, %s objects collected, %s frozen before", elapsed * 1000,
                info.get("collected"), gc.get_freeze_count())
        if now - self.last_sweep >= self.sweep:
            self.last_sweep = now
            gc.unfreeze()  # the next full collection walks everything once
        else:
            gc.freeze()


def install() -> None:
    """Once per process (the manager's ``serve``)."""
    if not any(isinstance(callback, FreezeAfterFullCollection) for callback in gc.callbacks):
        gc.callbacks.append(FreezeAfterFullCollection())
