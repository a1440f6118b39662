# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The survivors of a full collection are frozen (later full collections skip them); once per sweep period
the freeze is undone so that one full collection walks everything."""
from __future__ import annotations

import gc
import logging

from ansible_collections.dockyard.swarm.plugins.module_utils._manager import gc_policy


def test_full_collections_freeze_their_survivors_and_a_sweep_thaws(caplog):
    now = [1000.0]
    policy = gc_policy.FreezeAfterFullCollection(sweep=60.0, clock=lambda: now[0])
    kept = [{"n": number} for number in range(5000)]  # long-lived, tracked objects
    gc.unfreeze()
    gc.callbacks.append(policy)
    try:
        caplog.set_level(logging.DEBUG, logger="dockyard.swarm.manager.gc")
        gc.collect(1)
        assert gc.get_freeze_count() == 0  # young collections change nothing
        gc.collect()
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        assert any("full garbage collection" in record.getMessage() for record in caplog.records)
        cycle = [kept]
        cycle.append(cycle)
        gc.collect()
        assert gc.get_freeze_count() > frozen  # frozen again, the new survivors with them
        now[0] += 61.0
        gc.collect()
        assert gc.get_freeze_count() == 0  # sweep: the next full collection walks everything
        gc.collect()
        assert gc.get_freeze_count() > 0
    finally:
        gc.callbacks.remove(policy)
        gc.unfreeze()


def test_install_once():
    before = list(gc.callbacks)
    try:
        gc_policy.install()
        gc_policy.install()
        assert sum(isinstance(c, gc_policy.FreezeAfterFullCollection) for c in gc.callbacks) == 1
    finally:
        gc.callbacks[:] = before
        gc.unfreeze()
