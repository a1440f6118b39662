# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockyard-registrator: publish this Docker engine's containers in Consul (gliderlabs/registrator's rules).

Installed by the registrator role and run by dockyard-registrator.service with the agents'
virtualenv; all logic (arguments, Registrator's naming rules, the Docker event watch, the Consul
session that makes a dead host's entries expire) is the collection's own ``_registrator`` code,
copied next to this file's PYTHONPATH.
"""

from __future__ import annotations

import sys

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.cli import main

if __name__ == "__main__":
    sys.exit(main())
