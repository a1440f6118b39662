# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockyard-swarm-join: keep this Docker engine registered in discovery (classic `swarm join`).

Installed by the docker_host role and run by dockyard-swarm-join.service with the agents'
virtualenv; all logic (arguments, timing rules, the heartbeat loop, the stores) is the
collection's own ``_discovery`` code, copied next to this file's PYTHONPATH.
"""

from __future__ import annotations

import sys

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import main

if __name__ == "__main__":
    sys.exit(main())
