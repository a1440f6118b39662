# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_info's msg and warning: a cluster where no engine answers is reported, with the first errors."""
from __future__ import annotations

import types

from ansible_collections.dockyard.swarm.plugins.module_utils._container import cluster_info as info_module
from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster_info import cluster_info, health_summary, run_swarm_info
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import ConnectionOptions

from .helpers import node


def down(name, error):
    item = node(name, health=0)
    item["error"] = error
    return item


def test_all_healthy_and_some_unhealthy():
    assert health_summary([node("node-1"), node("node-2")], "nodes://x") == ("All 2 engines of nodes://x are healthy.", None)
    assert health_summary([node("node-1")], "nodes://x") == ("The engine of nodes://x is healthy.", None)
    msg, warning = health_summary([node("node-1"), down("node-2", "Engine 10.0.0.2:2376: connection refused")], "nodes://x")
    assert msg == "1 of 2 engines of nodes://x are healthy; unhealthy: Engine 10.0.0.2:2376: connection refused" and warning is None


def test_none_answered_names_the_first_errors_and_warns():
    nodes = [down("node-%d" % number, "timed out %d" % number) for number in range(1, 6)]
    msg, warning = health_summary(nodes, "consul://c:8500/swarm")
    assert msg == warning
    assert msg.startswith("None of the 5 engines of consul://c:8500/swarm answered; nothing can be placed on this cluster now. "
                          "First errors: 10.0.0.1:2376: timed out 1; 10.0.0.2:2376: timed out 2; 10.0.0.3:2376: timed out 3 "
                          "(and 2 more)")
    assert cluster_info(nodes, "spread", None, 0.05, "consul://c:8500/swarm")["msg"] == msg


class FakeModule:
    def __init__(self, params):
        self.params = params
        self.warnings = []
        self.result = None

    def warn(self, text):
        self.warnings.append(text)

    def exit_json(self, **result):
        self.result = result

    def fail_json(self, **result):
        raise AssertionError(result)


def test_the_module_succeeds_with_a_msg_and_a_warning(monkeypatch):
    nodes = [down("node-1", "Engine 10.0.0.1:2376: connection refused: nothing listens on 10.0.0.1:2376")]
    cluster = Cluster(["10.0.0.1:2376"], "nodes://10.0.0.1:2376", None, ConnectionOptions())
    monkeypatch.setattr(info_module, "resolve_cluster", lambda params: cluster)
    monkeypatch.setattr(info_module, "read_nodes", lambda found: nodes)
    settings = types.SimpleNamespace(strategy="spread", filters=None, overcommit=0.05)
    monkeypatch.setattr(info_module, "settings_from", lambda params: settings)
    module = FakeModule({})
    run_swarm_info(module)
    assert module.result["changed"] is False and module.result["totals"]["healthy"] == 0
    assert module.result["msg"].startswith("The engine of nodes://10.0.0.1:2376 did not answer; nothing can be placed")
    assert "connection refused: nothing listens on 10.0.0.1:2376" in module.result["msg"]
    assert module.warnings == [module.result["msg"]]
