# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's name and version as `/version` and `/info` report them (kept equal to galaxy.yml by a unit test)."""

from __future__ import annotations

COLLECTION_VERSION = "0.1.0"
SERVER_VERSION = "dockyard-swarm/" + COLLECTION_VERSION
PLATFORM_NAME = "dockyard.swarm manager (classic Docker Swarm API)"
