# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_info through `ansible` when engines do not answer: it succeeds, and msg and a warning say why."""

from __future__ import annotations

import pytest

from tests.integration.playbooks.swarm_support import adhoc

pytestmark = pytest.mark.integration


def closed_ports(lab: dict) -> list:
    """Lab engine addresses with ports nothing listens on: refused at once."""
    return [engine["addr"].rsplit(":", 1)[0] + ":2399" for engine in lab["engines"][:2]]


def test_no_engine_answers(lab, ansible_env):
    nodes = closed_ports(lab)
    result = adhoc(ansible_env, "swarm_info", {"nodes": nodes, "timeout": 10})
    assert result["_rc"] == 0 and result["totals"]["healthy"] == 0, result
    assert result["msg"].startswith("None of the 2 engines of nodes://%s answered; nothing can be placed on this cluster now. "
                                    "First errors: Engine %s: connection refused: nothing listens on %s"
                                    % (",".join(nodes), nodes[0], nodes[0])), result["msg"]
    assert nodes[1] in result["msg"] and "certificate" not in result["msg"]
    assert result.get("warnings") == [result["msg"]]


def test_some_engines_answer(lab, ansible_env):
    nodes = [lab["engines"][0]["addr"]] + closed_ports(lab)[1:]
    result = adhoc(ansible_env, "swarm_info", {"nodes": nodes, "timeout": 10})
    assert result["_rc"] == 0 and result["totals"]["healthy"] == 1, result
    assert result["msg"].startswith("1 of 2 engines of nodes://%s are healthy; unhealthy: Engine %s: connection refused"
                                    % (",".join(nodes), nodes[1])), result["msg"]
    assert not result.get("warnings")
