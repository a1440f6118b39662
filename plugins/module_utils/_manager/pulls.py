# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pulling an image on one engine: the request and its JSON progress lines.

Shared by ``docker pull`` through the manager (every engine, progress relayed) and by the create
flow (the chosen engine lacks the image). The client's ``X-Registry-Auth`` goes with the request,
so the engine, which reaches the registry, logs in with the client's credentials. A pull may last
minutes: the engine request only times out when no byte arrives for ``PULL_TIMEOUT`` seconds.
"""

from __future__ import annotations

import json
from typing import Any, AsyncIterator, Dict, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError

PULL_TIMEOUT = 600.0


async def open_pull(engine: Any, params: Mapping[str, str], registry_auth: Optional[str],
                    version: Optional[str] = None) -> Any:
    """Start ``POST /images/create`` on ``engine``; the caller reads (``progress``) and releases the response."""
    client = engine.client
    headers = {"X-Registry-Auth": registry_auth} if registry_auth else None
    return await engine.guarded(client.open("POST", client.path("/images/create", version), params=dict(params),
                                            headers=headers, streaming=True, timeout=PULL_TIMEOUT))


async def progress(engine: Any, response: Any) -> AsyncIterator[Dict[str, Any]]:
    """The engine's progress messages (JSON objects, one a line); a broken stream is an EngineError."""
    try:
        async for line in response.content:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                yield item
    except EngineError:
        raise
    except Exception as exc:  # the connection broke mid-pull: the engine's failure, counted toward its health
        error = engine.client.error(exc, PULL_TIMEOUT)
        engine.failed(error)
        raise error from None


def failure_text(item: Mapping[str, Any]) -> Optional[str]:
    """The error a progress message reports, if it reports one."""
    if item.get("error") or item.get("errorDetail"):
        detail = item.get("errorDetail") or {}
        return str(item.get("error") or (detail.get("message") if isinstance(detail, dict) else detail) or "")
    return None
