# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The option table and the other modules' option data agree with each module's DOCUMENTATION."""
from __future__ import annotations

from typing import Any, Dict, Mapping

import pytest
import yaml

from ansible_collections.dockyard.swarm.plugins.module_utils._container import options
from ansible_collections.dockyard.swarm.plugins.module_utils._container.option import IGNORE, RESERVED
from ansible_collections.dockyard.swarm.plugins.modules import swarm_container, swarm_container_info, swarm_info, swarm_node

CHECKED = ("type", "elements", "default", "choices", "aliases", "no_log", "required")


def _check_options(data: Mapping[str, Mapping[str, Any]], documented: Mapping[str, Mapping[str, Any]], where: str) -> None:
    assert sorted(documented) == sorted(data), "%s: documented %s, argument spec %s" % (
        where, sorted(set(documented) - set(data)), sorted(set(data) - set(documented)))
    for name, spec in data.items():
        doc = documented[name]
        for key in CHECKED:
            if key in ("required", "no_log"):
                assert bool(doc.get(key)) == bool(spec.get(key)), "%s.%s: %s" % (where, name, key)
            elif key == "aliases":
                assert sorted(doc.get(key) or []) == sorted(spec.get(key) or []), "%s.%s: aliases" % (where, name)
            elif key == "choices":
                assert [str(c) for c in doc.get(key) or []] == [str(c) for c in spec.get(key) or []], "%s.%s: choices" % (where, name)
            else:
                assert doc.get(key) == spec.get(key), "%s.%s: %s documented %r, spec %r" % (where, name, key, doc.get(key), spec.get(key))
        assert doc.get("description"), "%s.%s has no description" % (where, name)
        if "options" in spec or "suboptions" in doc:
            _check_options(spec.get("options") or {}, doc.get("suboptions") or {}, "%s.%s" % (where, name))


def _documented(module: Any) -> Dict[str, Any]:
    return yaml.safe_load(module.DOCUMENTATION)["options"]


@pytest.mark.parametrize("module, data", [
    (swarm_container, options.CONTAINER_OPTIONS),
    (swarm_info, options.INFO_OPTIONS),
    (swarm_container_info, options.CONTAINER_INFO_OPTIONS),
    (swarm_node, options.NODE_OPTIONS),
], ids=["swarm_container", "swarm_info", "swarm_container_info", "swarm_node"])
def test_documentation_matches_the_option_data(module: Any, data: Mapping[str, Any]) -> None:
    _check_options(data, _documented(module), module.__name__.rsplit(".", 1)[-1])


def test_container_options_are_the_table() -> None:
    assert list(options.CONTAINER_OPTIONS) == [option.name for option in options.TABLE]
    assert len(options.BY_NAME) == len(options.TABLE), "an option is declared twice"


def test_every_written_option_is_compared_and_read_back() -> None:
    """Forgetting the comparison of a docker-run option is what broke idempotence; the table forbids it."""
    for option in options.TABLE:
        if option.write is not None:
            assert option.comparison != IGNORE and option.read is not None, option.name
    reserved = sorted(option.name for option in options.TABLE if option.comparison == RESERVED)
    assert reserved == ["cpus", "links", "memory", "network_mode", "ports", "volumes_from"]


def test_scheduler_defaults_come_from_the_scheduler() -> None:
    from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import DEFAULT_OVERCOMMIT, DEFAULT_STRATEGY

    for data in (options.CONTAINER_OPTIONS, options.INFO_OPTIONS):
        assert data["strategy"]["default"] == DEFAULT_STRATEGY
        assert data["overcommit"]["default"] == DEFAULT_OVERCOMMIT


def test_the_modules_guide_lists_every_docker_run_option() -> None:
    from pathlib import Path

    from ansible_collections.dockyard.swarm.plugins.module_utils._container.options_container import CONTAINER_TABLE

    guide = (Path(__file__).resolve().parents[3] / "docs" / "modules.md").read_text()
    missing = [option.name for option in CONTAINER_TABLE if option.name != "name" and "| `%s` |" % option.name not in guide]
    assert missing == []
