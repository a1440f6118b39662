# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resync default lives in the agent; the CLI and the registrator role must say the same."""
from __future__ import annotations

from pathlib import Path

import yaml

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.agent import DEFAULT_RESYNC, AgentOptions
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.cli import build_parser

ROLE = Path(__file__).resolve().parents[3] / "roles" / "registrator"


def test_cli_default_is_the_agents() -> None:
    args = build_parser().parse_args(["consulkv://127.0.0.1:8500/services"])
    assert args.resync == "%gs" % DEFAULT_RESYNC
    assert AgentOptions(hostname="h").resync == DEFAULT_RESYNC


def test_role_defaults_and_argument_specs_match_the_agent() -> None:
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    specs = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    assert float(defaults["registrator_resync"]) == DEFAULT_RESYNC
    assert float(options["registrator_resync"]["default"]) == DEFAULT_RESYNC
