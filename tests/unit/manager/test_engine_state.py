# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine states and classic's failure counting."""
from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.engine_state import EngineHealth


def test_pending_until_validated_then_healthy():
    health = EngineHealth(3)
    assert health.state == "Pending" and health.indicator == 0 and not health.validated
    health.validation_failed("refused")
    assert health.state == "Pending" and health.error == "refused"
    assert health.validation_complete() == "engine_connect"
    assert health.state == "Healthy" and health.indicator == 100 and health.error == ""


def test_failures_lower_the_indicator_then_make_it_unhealthy_and_success_heals():
    health = EngineHealth(3)
    health.validation_complete()
    assert health.failure("x") is None and health.indicator == 67
    assert health.failure("x") is None and health.indicator == 34
    assert health.failure("down") == "engine_disconnect"
    assert health.state == "Unhealthy" and health.indicator == 0 and health.validated
    assert health.failure("still") is None
    assert health.success() == "engine_reconnect"
    assert health.state == "Healthy" and health.indicator == 100 and health.failures == 0


def test_a_success_resets_the_count_of_a_healthy_engine():
    health = EngineHealth(2)
    health.validation_complete()
    health.failure("x")
    assert health.success() is None and health.indicator == 100
    health.disconnect()
    assert health.state == "Disconnected" and not health.validated
