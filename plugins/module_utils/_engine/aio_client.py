# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An asyncio Docker Engine API client on aiohttp, for long-running front ends (the manager).

One ``AsyncEngineClient`` per engine; TCP engines share one ``aiohttp.ClientSession`` (one TLS
context for the whole cluster, like classic Swarm), unix-socket engines get their own. The
session never reads proxy or CA-bundle variables from the environment (``trust_env=False``):
REQUESTS_CA_BUNDLE must not replace the cluster CA. Every call has its own timeout, so a hung
engine only delays the requests meant for it. Failures become ``_engine.errors`` classes:
``EngineUnreachableError``/``EngineTLSError`` (what health counting looks at) or
``EngineAPIError`` with the engine's own message and status.

aiohttp is imported on first use, so importing this file needs nothing beyond the standard library.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import engine_addr
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import (
    EngineAPIError,
    EngineError,
    EngineTLSError,
    EngineUnreachableError,
    MissingDockerSDKError,
    explain,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions

DEFAULT_API_VERSION = "1.41"
REQUEST_TIMEOUT = 30.0
CONNECT_TIMEOUT = 5.0


def aiohttp_module() -> Any:
    """The aiohttp package, imported on first use with a message naming the missing package."""
    try:
        import aiohttp  # noqa: F401  (imported lazily on purpose)
        import aiohttp.web  # noqa: F401
    except ImportError:
        raise MissingDockerSDKError("The Python package 'aiohttp' (3.9 or later) is required by the manager but is "
                                    "not installed on this host (pip install aiohttp).") from None
    return aiohttp


def new_session(connector: Any) -> Any:
    """A session that adds nothing of its own: no proxy/CA variables from the environment, no
    ``Accept-Encoding`` (answers are relayed byte for byte to clients that did not ask for gzip)."""
    aiohttp = aiohttp_module()
    return aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False,
                                 skip_auto_headers=("Accept-Encoding", "User-Agent"),
                                 headers={"User-Agent": "dockyard-swarm"})


def version_tuple(version: str) -> tuple:
    """'1.41' -> (1, 41); anything unreadable sorts first."""
    try:
        return tuple(int(part) for part in str(version).split("."))
    except ValueError:
        return (0,)


def min_version(*versions: Optional[str]) -> Optional[str]:
    """The lowest of some API versions (None ignored)."""
    present = [v for v in versions if v]
    return min(present, key=version_tuple) if present else None


@dataclass
class EngineResponse:
    """A complete (non-streamed) engine answer."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8") or "null")


def engine_message(body: bytes) -> str:
    """The engine's error text: ``{"message": ...}`` when it is JSON, else the body itself."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return text


def is_unreachable(error: BaseException) -> bool:
    """Errors that count against an engine's health (it could not be reached or spoken to)."""
    return isinstance(error, (EngineUnreachableError, EngineTLSError))


class AsyncEngineClient:
    """Engine API calls to one engine (``host:port`` or ``unix:///path``)."""

    def __init__(self, target: str, options: ConnectionOptions, ssl_context: Optional[ssl.SSLContext] = None,
                 session: Any = None, request_timeout: float = REQUEST_TIMEOUT,
                 connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.addr = engine_addr(target)
        self.options = options
        self.ssl_context = ssl_context
        self.request_timeout = request_timeout
        self.connect_timeout = connect_timeout
        self.unix_path = self.addr[len("unix://"):] if self.addr.startswith("unix://") else None
        if self.unix_path:
            self.base_url = "http://docker"
        else:
            self.base_url = ("https://" if ssl_context is not None else "http://") + self.addr
        self._session = session
        self._own_session = session is None
        self.api_version: Optional[str] = None

    @property
    def host(self) -> str:
        """The engine's host (IP or name) without port; '' for unix sockets."""
        if self.unix_path:
            return ""
        return self.addr.rpartition(":")[0].strip("[]")

    def session(self) -> Any:
        if self._session is None:
            aiohttp = aiohttp_module()
            if self.unix_path:
                connector = aiohttp.UnixConnector(path=self.unix_path)
            else:
                connector = aiohttp.TCPConnector(ssl=self.ssl_context if self.ssl_context is not None else False,
                                                 limit=0, limit_per_host=64)
            self._session = new_session(connector)
        return self._session

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()
            self._session = None

    def path(self, path: str, version: Optional[str] = None) -> str:
        """``/v1.41/containers/json`` for ``/containers/json``; unversioned when nothing is known."""
        if version == "":
            return path
        chosen = version or self.api_version
        return ("/v%s%s" % (chosen, path)) if chosen else path

    def error(self, exc: BaseException, timeout: Optional[float] = None) -> EngineError:
        """An exception from aiohttp/ssl/asyncio as an EngineError that says what went wrong."""
        aiohttp = aiohttp_module()
        if isinstance(exc, EngineError):
            return exc
        if isinstance(exc, asyncio.TimeoutError):
            return EngineUnreachableError("Engine %s: no answer within %ss (engine down, firewalled or overloaded)."
                                          % (self.addr, timeout or self.request_timeout), self.addr)
        explained = explain(exc, self.addr, self.options)
        if isinstance(explained, (EngineTLSError, EngineUnreachableError)):
            return explained
        if isinstance(exc, (ssl.SSLError, aiohttp.ClientSSLError)):
            return EngineTLSError(str(explained), self.addr)
        if isinstance(exc, (aiohttp.ClientConnectionError, ConnectionError, OSError)):
            return EngineUnreachableError("Engine %s: %s" % (self.addr, exc or type(exc).__name__), self.addr)
        return explained

    def _timeout(self, total: Optional[float], streaming: bool) -> Any:
        aiohttp = aiohttp_module()
        if streaming:
            return aiohttp.ClientTimeout(total=None, connect=None, sock_connect=self.connect_timeout, sock_read=total)
        return aiohttp.ClientTimeout(total=total if total is not None else self.request_timeout,
                                     sock_connect=self.connect_timeout)

    async def open(self, method: str, path: str, *, params: Any = None, json_body: Any = None, data: Any = None,
                   headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None,
                   streaming: bool = False) -> Any:
        """Send a request and return the ``aiohttp.ClientResponse`` (the caller reads and releases it)."""
        if json_body is not None:
            data = json.dumps(json_body).encode("utf-8")
            headers = dict(headers or {}, **{"Content-Type": "application/json"})
        # without a body aiohttp would still send Content-Type: application/octet-stream, which engines refuse
        # on calls whose body is optional JSON (POST /commit: "Content-Type specified ... must be 'application/json'")
        skip = ("Content-Type",) if data is None else ()
        try:
            return await self.session().request(method, self.base_url + path, params=params, data=data,
                                                headers=headers, timeout=self._timeout(timeout, streaming),
                                                allow_redirects=False, ssl=self._ssl_argument(), skip_auto_headers=skip)
        except Exception as exc:
            raise self.error(exc, timeout) from None

    def _ssl_argument(self) -> Any:
        if self.unix_path:
            return False
        return self.ssl_context if self.ssl_context is not None else False

    async def request(self, method: str, path: str, *, params: Any = None, json_body: Any = None, data: Any = None,
                      headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None) -> EngineResponse:
        """A whole answer (status, headers, body) whatever its status."""
        response = await self.open(method, path, params=params, json_body=json_body, data=data, headers=headers,
                                   timeout=timeout)
        try:
            body = await response.read()
        except Exception as exc:
            raise self.error(exc, timeout) from None
        finally:
            response.release()
        return EngineResponse(response.status, dict(response.headers), body)

    async def call(self, method: str, path: str, *, params: Any = None, json_body: Any = None,
                   headers: Optional[Mapping[str, str]] = None, timeout: Optional[float] = None,
                   version: Optional[str] = None) -> Any:
        """A versioned API call that returns the decoded JSON answer; EngineAPIError for status >= 400."""
        answer = await self.request(method, self.path(path, version), params=params, json_body=json_body,
                                    headers=headers, timeout=timeout)
        if answer.status >= 400:
            message = engine_message(answer.body)
            raise EngineAPIError("Engine %s answered %s: %s" % (self.addr, answer.status, message), self.addr,
                                 answer.status, message)
        if not answer.body:
            return None
        try:
            return answer.json()
        except ValueError:
            raise EngineError("Engine %s answered %s %s with something that is not JSON." % (self.addr, method, path),
                              self.addr) from None

    async def negotiate(self) -> Dict[str, Any]:
        """Read ``/version`` unversioned and use the engine's API version from then on; returns the answer."""
        answer = await self.call("GET", "/version", version="")
        if not isinstance(answer, dict):
            raise EngineError("Engine %s: /version did not answer an object." % self.addr, self.addr)
        self.api_version = str(answer.get("ApiVersion") or DEFAULT_API_VERSION)
        return answer
