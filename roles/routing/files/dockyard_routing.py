# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dockyard-routing: keep nginx (or HAProxy) routing to the services the registrators publish in Consul.

Installed by the routing role and run by dockyard-routing.service with the agents' virtualenv; all
logic (arguments, the Consul blocking queries, the renderer's sanitisation, staging with ``nginx -t``,
the atomic swap and the reload) is the collection's own ``_routing`` code, copied next to this file's
PYTHONPATH.
"""

from __future__ import annotations

import sys

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.cli import main

if __name__ == "__main__":
    sys.exit(main())
