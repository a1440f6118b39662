# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classic Swarm resource arithmetic: overcommit, fit and weights.

Integer maths on purpose: classic computes ``total = x + x*ratio/100`` with
``ratio = int(overcommit*100)``, so with 5 % a 2-CPU host stays at 2 CPUs and only
hosts with 20 or more CPUs gain one. CPUs are counted in thousandths so that a
container may reserve 0.5 CPU; for whole numbers the scores equal classic's.
"""
from __future__ import annotations

from typing import Any, List, Optional, Sequence, Tuple

from .errors import NO_RESOURCES, SchedulingError, describe
from .model import Node, Request, node_names

NO_RESOURCES_MESSAGE = "no resources available to schedule container"
SPREAD_HEALTH_FACTOR = -10
BINPACK_HEALTH_FACTOR = 10


def overcommit_ratio(overcommit: Any) -> int:
    """Validate the overcommit fraction (0.05 = 5 %) and return classic's integer percent."""
    if isinstance(overcommit, bool) or not isinstance(overcommit, (int, float)):
        raise SchedulingError("overcommit must be a number such as 0.05, got %s" % describe(overcommit))
    if overcommit <= -1:
        raise SchedulingError("overcommit must be greater than -1 (got %r); -0.1 means 10 %% "
                              "undercommit, 0.05 means 5 %% overcommit" % overcommit)
    return int(overcommit * 100)  # truncates toward zero like Go's int64()


def with_overcommit(value: int, ratio: int) -> int:
    """``value + value*ratio/100`` with Go's truncating integer division."""
    extra = value * ratio
    extra = extra // 100 if extra >= 0 else -((-extra) // 100)
    return value + extra


def capacity(node: Node, ratio: int) -> Tuple[int, int]:
    """(total milli-CPUs, total memory bytes) of a node including overcommit."""
    return with_overcommit(node.cpus, ratio) * 1000, with_overcommit(node.memory, ratio)


def scores(request: Request, node: Node, ratio: int) -> Optional[Tuple[int, int]]:
    """(cpuScore, memoryScore) in percent after placing the request, None if it does not fit."""
    total_cpus, total_memory = capacity(node, ratio)
    if total_cpus < request.cpus_m or total_memory < request.memory:
        return None
    used_cpus, used_memory = node.usage() if (request.cpus_m or request.memory) else (0, 0)
    cpu_score = 100 if not request.cpus_m else (used_cpus + request.cpus_m) * 100 // total_cpus
    memory_score = 100 if not request.memory else (used_memory + request.memory) * 100 // total_memory
    if cpu_score > 100 or memory_score > 100:
        return None
    return cpu_score, memory_score


def weigh(request: Request, nodes: Sequence[Node], ratio: int,
          health_factor: int) -> List[Tuple[float, Node]]:
    """(weight, node) for every node the request fits on; raises when none fits.

    weight = cpuScore + memoryScore + health_factor * health (classic weighNodes).
    """
    weighted = []
    for node in nodes:
        score = scores(request, node, ratio)
        if score is not None:
            weighted.append((score[0] + score[1] + health_factor * node.health, node))
    if not weighted:
        raise no_resources(request, nodes, ratio)
    return weighted


def fitting(request: Request, nodes: Sequence[Node], ratio: int) -> List[Node]:
    """The nodes the request fits on, in input order; raises when none fits."""
    return [node for unused_weight, node in weigh(request, nodes, ratio, 0)]


def no_resources(request: Request, nodes: Sequence[Node], ratio: int) -> SchedulingError:
    """The classic message, followed by what was asked and what the candidates have."""
    lines = [NO_RESOURCES_MESSAGE]
    lines.append("requested %s CPUs and %s of memory; %d node(s) passed the filters (%s), "
                 "capacity includes %d%% overcommit:" % (
                     _cpus(request.cpus_m), size(request.memory), len(nodes), node_names(nodes), ratio))
    for node in list(nodes)[:5]:
        total_cpus, total_memory = capacity(node, ratio)
        used_cpus, used_memory = node.usage()
        lines.append("  %s: %s of %s CPUs and %s of %s reserved" % (
            node.name, _cpus(used_cpus), _cpus(total_cpus), size(used_memory), size(total_memory)))
    return SchedulingError("\n".join(lines), kind=NO_RESOURCES, filter=None,
                           removed_nodes=[n.name for n in nodes][:5])


def size(value: int) -> str:
    """Bytes as Docker prints them: '0 B', '512 MiB', '2.053 GiB'."""
    units = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
    amount = float(value)
    unit = 0
    while amount >= 1024 and unit < len(units) - 1:
        amount /= 1024
        unit += 1
    return "%s %s" % (("%.4g" % amount), units[unit])


def _cpus(millis: int) -> str:
    return "%g" % (millis / 1000.0)
