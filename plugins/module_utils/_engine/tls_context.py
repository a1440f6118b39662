# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ssl.SSLContext`` objects for asyncio code: toward the engines, and for a server in front of them.

The synchronous client gets its TLS from the Docker SDK (``connection.tls_config``); asyncio code
(the manager's engine clients and hijacked connections, its listeners) needs plain ``ssl`` contexts
built from the same ``ConnectionOptions``. Like classic Swarm, one certificate serves both duties:
the manager presents it to the engines (client) and to its API clients (server). TLS 1.2 is the
minimum. Only the files named are trusted: never a CA bundle from the environment.
"""

from __future__ import annotations

import ssl
from typing import Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineConfigError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions


def _load_chain(context: ssl.SSLContext, cert: Optional[str], key: Optional[str], what: str) -> None:
    if not cert:
        return
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise EngineConfigError("Cannot load the %s certificate %s with key %s: %s" % (what, cert, key, exc)) from None


def _load_ca(context: ssl.SSLContext, ca_path: Optional[str], what: str) -> None:
    try:
        context.load_verify_locations(cafile=ca_path)
    except (OSError, ssl.SSLError) as exc:
        raise EngineConfigError("Cannot load the CA file %s (%s): %s" % (ca_path, what, exc)) from None


def client_ssl_context(options: ConnectionOptions) -> Optional[ssl.SSLContext]:
    """The context toward engines: None without TLS; verify with ``ca_path`` under validate_certs, else no checks."""
    if not options.use_tls:
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if options.validate_certs:
        context.check_hostname = True
        context.verify_mode = ssl.CERT_REQUIRED
        if options.ca_path:
            _load_ca(context, options.ca_path, "engine certificates")
        else:
            context.load_default_certs()
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    _load_chain(context, options.client_cert, options.client_key, "client")
    return context


def server_ssl_context(cert: str, key: str, ca_path: Optional[str] = None, verify_clients: bool = False) -> ssl.SSLContext:
    """The listener's context: our certificate; with ``verify_clients`` a client certificate from ``ca_path`` is required."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    _load_chain(context, cert, key, "server")
    if verify_clients:
        if not ca_path:
            raise EngineConfigError("Verifying client certificates needs the CA file that signed them.")
        context.verify_mode = ssl.CERT_REQUIRED
        _load_ca(context, ca_path, "client certificates")
    return context
