# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parallel `ansible` processes never double-book an engine (the placement lock + reservation labels)."""
from __future__ import annotations

import math
import time

import pytest

from tests.integration.playbooks.swarm_support import (
    adhoc,
    cleanup,
    finish_adhoc,
    new_prefix,
    reserved_cpus,
    start_adhoc,
    task_args,
)

pytestmark = pytest.mark.integration

PARALLEL = 10
OVERCOMMIT = 1.0
DEADLINE_SECONDS = 600


def _capacity(cpus: int) -> int:
    """Classic integer maths: total = cpus + cpus * int(overcommit * 100) // 100."""
    return cpus + cpus * int(OVERCOMMIT * 100) // 100


def test_ten_parallel_processes_fill_exactly_ten_slots(lab, ansible_env):
    """10 parallel `ansible localhost -m dockyard.swarm.swarm_container` runs, 1 CPU each, binpack.

    The lab has 3 engines of 2 CPUs. With overcommit 1.0 each engine takes 2 + 2*100//100 = 4
    CPUs, 12 one-CPU slots in all. Containers of other tests may already reserve some: an engine
    with r reserved CPUs has floor(4 - r) free slots. Fillers (1 CPU each) take the slots above
    10, so exactly 10 remain; then 10 processes start at once. All 10 must be placed, no engine
    may end above 4 reserved CPUs (read from the engines' container labels, not from the module),
    and an 11th run must fail with the scheduler's resource message.
    """
    prefix = new_prefix()
    args = dict(image="busybox:latest", command="sleep 3600", cpus=1, strategy="binpack", overcommit=OVERCOMMIT)
    try:
        reserved = reserved_cpus(lab)
        free = sum(math.floor(_capacity(2) - used + 1e-9) for used in reserved.values())
        if free < PARALLEL:
            pytest.skip("other tests reserve too much of the lab: %s (%d free slots)" % (reserved, free))
        if free > PARALLEL:
            fillers = adhoc(ansible_env, "swarm_container", task_args(lab, name=prefix + "fill", replicas=free - PARALLEL, **args))
            assert fillers["_rc"] == 0, fillers
        started = time.monotonic()
        deadline = started + DEADLINE_SECONDS
        procs = [start_adhoc(ansible_env, "swarm_container", task_args(lab, name="%sp%d" % (prefix, index), **args))
                 for index in range(PARALLEL)]
        results = [finish_adhoc(proc, deadline) for proc in procs]
        elapsed = time.monotonic() - started
        failed = [result for result in results if result["_rc"] != 0]
        assert not failed, failed
        assert all(result["changed"] for result in results)
        after = reserved_cpus(lab)
        over = {name: used for name, used in after.items() if used > _capacity(2) + 1e-9}
        assert not over, "engines overcommitted: %s" % after
        placed = [result["node"]["name"] for result in results]
        assert len(placed) == PARALLEL and sum(after.values()) - sum(reserved.values()) == PARALLEL + max(0, free - PARALLEL)

        eleventh = adhoc(ansible_env, "swarm_container", task_args(lab, name=prefix + "p11", **args))
        assert eleventh["_rc"] != 0, eleventh
        assert "no resources available to schedule container" in eleventh["msg"], eleventh["msg"]
        assert eleventh["placement_error"]["kind"] == "no_resources"
        print("10 parallel placements in %.1fs: %s" % (elapsed, sorted(placed)))
    finally:
        cleanup(lab, prefix)
