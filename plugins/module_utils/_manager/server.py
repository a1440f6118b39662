# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`swarm manage`: one aiohttp application served on every ``-H`` address until SIGTERM/SIGINT.

TCP listeners use TLS when --tls/--tlsverify is given (with --tlsverify a client without a
certificate from the CA fails the handshake); unix sockets are plain, like the Docker daemon's.
The listeners are built here rather than with aiohttp's sites so that hijacked connections can be
half-closed (``connections``).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import stat
from typing import Any, Dict, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.tls_context import server_ssl_context
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import gc_policy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import build_app
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import Listener, ManagerConfig
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.connections import ConnectionProtocol, HalfCloseSSLProtocol

LOG = logging.getLogger("dockyard.swarm.manager")
HANDSHAKE_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0


class ManagerServer:
    """The running manager: cluster, application and listeners."""

    def __init__(self, config: ManagerConfig, environ: Optional[Dict[str, str]] = None) -> None:
        self.config = config
        self.environ = environ
        self.cluster = Cluster(config)
        self.registry: Dict[Any, ConnectionProtocol] = {}
        self.servers: List[Any] = []
        self.runner: Any = None
        self.ssl_context = None
        if config.tls or config.tls_verify:
            self.ssl_context = server_ssl_context(config.tls_cert or "", config.tls_key or "", config.tls_ca,
                                                  verify_clients=config.tls_verify)

    async def start(self) -> None:
        web = aiohttp_module().web
        app = build_app(self.cluster, self.registry)
        self.runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self.runner.setup()
        for listener in self.config.listeners:
            self.servers.append(await self._listen(listener))
            LOG.info("listening on %s%s", listener, " (TLS)" if self.ssl_context and listener.scheme == "tcp" else "")
        self.cluster.start_discovery(self.environ)

    def _factory(self, tls: bool) -> Any:
        loop = asyncio.get_running_loop()

        def plain() -> ConnectionProtocol:
            return ConnectionProtocol(self.runner.server(), self.registry)

        if not tls:
            return plain

        def secure() -> HalfCloseSSLProtocol:
            return HalfCloseSSLProtocol(loop, plain(), self.ssl_context, None, server_side=True,
                                        ssl_handshake_timeout=HANDSHAKE_TIMEOUT, ssl_shutdown_timeout=SHUTDOWN_TIMEOUT)

        return secure

    async def _listen(self, listener: Listener) -> Any:
        loop = asyncio.get_running_loop()
        if listener.scheme == "unix":
            if os.path.exists(listener.path) and stat.S_ISSOCK(os.stat(listener.path).st_mode):
                os.unlink(listener.path)
            server = await loop.create_unix_server(self._factory(False), listener.path)
            os.chmod(listener.path, 0o660)
            return server
        return await loop.create_server(self._factory(self.ssl_context is not None), listener.host, listener.port,
                                        reuse_address=True)

    @property
    def ports(self) -> List[int]:
        """The TCP ports actually bound (port 0 in tests means 'any')."""
        found = []
        for server in self.servers:
            for sock in server.sockets:
                name = sock.getsockname()
                if isinstance(name, tuple):
                    found.append(name[1])
        return found

    async def stop(self) -> None:
        for server in self.servers:
            server.close()
        for transport in list(self.registry):
            transport.close()
        if self.runner is not None:
            await self.runner.cleanup()
        await self.cluster.close()
        for listener in self.config.listeners:
            if listener.scheme == "unix" and os.path.exists(listener.path):
                os.unlink(listener.path)


async def serve(config: ManagerConfig, environ: Optional[Dict[str, str]] = None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    gc_policy.install()
    server = ManagerServer(config, environ)
    try:
        await server.start()
    except (OSError, EngineError) as exc:
        LOG.error("cannot start the manager: %s", exc)
        await server.stop()
        return 1
    LOG.info("manager ready: strategy %s, discovery %s", config.strategy, config.discovery)
    await stop.wait()
    LOG.info("stopping")
    await server.stop()
    return 0


def run(config: ManagerConfig, environ: Optional[Dict[str, str]] = None) -> int:
    """Run the manager until a signal; returns the exit status."""
    try:
        return asyncio.run(serve(config, environ))
    except EngineError as exc:
        LOG.error("%s", exc)
        return 1
