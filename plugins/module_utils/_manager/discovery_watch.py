# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep the cluster's engines in step with discovery.

The discovery layer is synchronous (store client libraries), so its calls run in the default
executor. The list is read at start and then every ``heartbeat``; engines that appear are added
(Pending until validated), engines that vanish are removed first. A store that is down, at start
or later, is logged clearly and retried: the manager never exits for it, and the engines it
already knows keep serving.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, open_backend

LOG = logging.getLogger("dockyard.swarm.manager.discovery")
RETRY_AFTER_FAILURE = 5.0


async def watch_discovery(cluster: Any, source: str, params: Mapping[str, Any], heartbeat: float,
                          environ: Optional[Dict[str, str]] = None, once: bool = False) -> None:
    """Poll discovery forever (or once) and hand each listing to ``cluster.sync_engines``."""
    loop = asyncio.get_running_loop()
    backend = None
    failing = False
    while True:
        pause = heartbeat
        try:
            if backend is None:
                backend = await loop.run_in_executor(None, open_backend, source, dict(params), environ)
            addrs: List[str] = await loop.run_in_executor(None, backend.list_nodes)
            if failing:
                LOG.info("discovery %s answers again", source)
            failing = False
            await cluster.sync_engines(addrs)
        except Exception as exc:  # DiscoveryError, or a store library's own error: log, retry, never exit
            pause = min(heartbeat, RETRY_AFTER_FAILURE)
            LOG.error("discovery %s: %s (retrying in %.0fs; known engines keep serving)", source, exc, pause)
            failing = True
            if backend is not None:
                await loop.run_in_executor(None, _close, backend)
                backend = None
        if once:
            break
        await asyncio.sleep(pause)
    if backend is not None:
        await loop.run_in_executor(None, _close, backend)


def _close(backend: Any) -> None:
    try:
        backend.close()
    except DiscoveryError as exc:
        LOG.debug("closing discovery: %s", exc)
