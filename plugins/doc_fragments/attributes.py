# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module attributes documented once: check/diff mode and the ``swarm`` action group."""

from __future__ import annotations


class ModuleDocFragment(object):
    # Check and diff mode; modules set ``support`` themselves.
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    description:
      - When run twice in a row outside check mode, with the same arguments, the second invocation indicates no change.
      - This assumes that the cluster does not change between the runs (engines, their labels and containers).
"""

    # The action group, so `module_defaults: {group/dockyard.swarm.swarm: {...}}` sets connection and discovery once.
    ACTIONGROUP_SWARM = r"""
options: {}
attributes:
  action_group:
    description: Use C(group/dockyard.swarm.swarm) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dockyard.swarm.swarm
"""

    # For modules that only read.
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
"""
