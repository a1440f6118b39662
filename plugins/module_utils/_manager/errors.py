# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""API errors: an HTTP status and the message the docker CLI prints (``{"message": ...}``)."""

from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineError


class ApiError(Exception):
    """Answered as ``status`` with ``{"message": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def from_engine(exc: EngineError) -> ApiError:
    """An engine failure as the client should see it: the engine's status and words, or 500 naming the engine."""
    if isinstance(exc, EngineAPIError) and exc.status_code:
        return ApiError(exc.status_code, exc.explanation)
    return ApiError(500, str(exc))


def not_implemented(what: str, later: bool = True) -> ApiError:
    if later:
        return ApiError(501, "%s is not implemented by the dockyard.swarm manager yet; talk to an engine directly "
                             "(docker -H tcp://ENGINE:2376 ...) meanwhile." % what)
    return ApiError(501, "%s is not supported by the dockyard.swarm manager (classic Swarm did not support it "
                         "either)." % what)
