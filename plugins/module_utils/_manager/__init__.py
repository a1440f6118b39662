# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager: one Docker Engine API endpoint for the whole cluster (classic `swarm manage`).

Run it with `python -m ansible_collections.dockyard.swarm.plugins.module_utils._manager manage ...`
(see docs/manager.md). It is a front end like the modules: it uses ``_discovery`` to find the engines,
``_engine`` to talk to them (asyncio client) and ``_scheduler`` to place containers.

Importing the package needs only the standard library; aiohttp is imported when the server starts.
"""
