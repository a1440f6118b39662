# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_info: the cluster as classic Swarm's ``docker info`` showed it.

``nodes`` keeps the node snapshots (docs/architecture.md) (what the scheduler reads), each with the
``docker info`` facts added: status, error, container counts, reserved/total CPUs and memory
(totals include overcommit, as classic's did). ``system_status`` renders the classic layout.
``msg`` sums up health in one line; when no engine answered, it and a warning say why (the
first errors), since the module still succeeds: reading a cluster that is down is not a failure.
"""

from __future__ import annotations

import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import read_nodes, resolve_cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import settings_from
from ansible_collections.dockyard.swarm.plugins.module_utils._container.errors import USER_ERRORS
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import DEFAULT_FILTERS, Node, natural_key
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.resources import overcommit_ratio, size, with_overcommit

BRANCH = "  \u2514 "
FIRST_ERRORS = 3


def counts(node: Mapping[str, Any]) -> Dict[str, int]:
    """Containers by state, as ``docker info`` counts them (everything not running or paused is stopped)."""
    states = [container.get("state") for container in node.get("containers") or []]
    running = states.count("running")
    paused = states.count("paused")
    return {"total": len(states), "running": running, "paused": paused, "stopped": len(states) - running - paused}


def node_info(node: Mapping[str, Any], ratio: int, updated_at: str) -> Dict[str, Any]:
    """A node dict plus its ``docker info`` facts."""
    used_cpus, used_memory = Node(node).usage()
    used = used_cpus / 1000.0
    info = dict(node)
    info.update({
        "container_counts": counts(node),
        "reserved_cpus": int(used) if used.is_integer() else used,
        "total_cpus": with_overcommit(int(node.get("cpus") or 0), ratio),
        "reserved_memory": used_memory,
        "total_memory": with_overcommit(int(node.get("memory") or 0), ratio),
        "updated_at": updated_at,
    })
    return info


def status_lines(strategy: str, filters: Sequence[str], nodes: Sequence[Mapping[str, Any]]) -> List[str]:
    """Classic Swarm's ``docker info`` system status, one list entry per line."""
    lines = ["Strategy: %s" % strategy, "Filters: %s" % ", ".join(filters), "Nodes: %d" % len(nodes)]
    for node in nodes:
        count = node["container_counts"]
        healthy = node.get("status") == "Healthy"
        lines.append(" %s: %s" % (node.get("name") or "(unknown)", node.get("addr")))
        lines.append(BRANCH + "ID: %s" % node.get("id"))
        lines.append(BRANCH + "Status: %s" % node.get("status"))
        lines.append(BRANCH + ("Containers: %d (%d Running, %d Paused, %d Stopped)" % (
            count["total"], count["running"], count["paused"], count["stopped"]) if healthy else "Containers: %d" % count["total"]))
        lines.append(BRANCH + "Reserved CPUs: %g / %d" % (node["reserved_cpus"], node["total_cpus"]))
        lines.append(BRANCH + "Reserved Memory: %s / %s" % (size(node["reserved_memory"]), size(node["total_memory"])))
        labels = node.get("labels") or {}
        lines.append(BRANCH + "Labels: %s" % ", ".join("%s=%s" % (key, labels[key]) for key in sorted(labels)))
        if node.get("error"):
            lines.append(BRANCH + "Error: %s" % node["error"])
        lines.append(BRANCH + "UpdatedAt: %s" % node["updated_at"])
        lines.append(BRANCH + "ServerVersion: %s" % (node.get("server_version") or ""))
    return lines


def _failure(node: Mapping[str, Any]) -> str:
    error = str(node.get("error") or "unhealthy")
    return error if str(node.get("addr")) in error else "%s: %s" % (node.get("addr"), error)


def health_summary(nodes: Sequence[Mapping[str, Any]], source: str) -> Tuple[str, Optional[str]]:
    """(``msg``, warning or None): how many engines answered, and the first errors when some did not."""
    failed = [node for node in nodes if node.get("status") != "Healthy"]
    total = len(nodes)
    if not failed:
        return ("The engine of %s is healthy." % source if total == 1 else
                "All %d engines of %s are healthy." % (total, source)), None
    shown = "; ".join(_failure(node) for node in failed[:FIRST_ERRORS])
    more = " (and %d more)" % (len(failed) - FIRST_ERRORS) if len(failed) > FIRST_ERRORS else ""
    if len(failed) < total:
        return "%d of %d engines of %s are healthy; unhealthy: %s%s" % (total - len(failed), total, source, shown, more), None
    which = "The engine of %s did not answer" % source if total == 1 else "None of the %d engines of %s answered" % (total, source)
    msg = "%s; nothing can be placed on this cluster now. First errors: %s%s" % (which, shown, more)
    return msg, msg


def cluster_info(nodes: Sequence[Mapping[str, Any]], strategy: str, filters: Optional[Sequence[str]],
                 overcommit: float, source: str) -> Dict[str, Any]:
    """The swarm_info result (without ``changed``)."""
    ratio = overcommit_ratio(overcommit)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    infos = sorted((node_info(node, ratio, now) for node in nodes), key=lambda node: natural_key(str(node.get("name"))))
    chain = list(filters) if filters is not None else list(DEFAULT_FILTERS)
    totals = {"nodes": len(infos), "healthy": sum(1 for node in infos if node.get("status") == "Healthy"),
              "ncpu": sum(node["total_cpus"] for node in infos), "mem_total": sum(node["total_memory"] for node in infos),
              "images": sum(len(node.get("images") or []) for node in infos)}
    for key in ("total", "running", "paused", "stopped"):
        totals["containers" if key == "total" else key] = sum(node["container_counts"][key] for node in infos)
    return {"discovery": source, "strategy": strategy, "filters": chain, "overcommit": overcommit, "nodes": infos,
            "totals": totals, "system_status": status_lines(strategy, chain, infos), "msg": health_summary(infos, source)[0]}


def run_swarm_info(module: Any) -> None:
    """The whole of swarm_info's main()."""
    params = module.params
    try:
        settings = settings_from(dict(params, state="present"))
        cluster = resolve_cluster(params)
        nodes = read_nodes(cluster)
    except USER_ERRORS as exc:
        module.fail_json(msg=str(exc))
    warning = health_summary(nodes, cluster.source)[1]
    if warning:
        module.warn(warning)
    module.exit_json(changed=False, **cluster_info(nodes, settings.strategy, settings.filters, settings.overcommit,
                                                   cluster.source))
