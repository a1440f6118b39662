# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`python -m ansible_collections.dockyard.swarm.plugins.module_utils._manager manage|join|list|create`."""
from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._manager.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
