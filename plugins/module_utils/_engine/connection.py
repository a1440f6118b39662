# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One low-level Docker API client per engine address, with the cluster's TLS settings.

`host:port` and `tcp://host:port` become `https://` under TLS (`http://` otherwise); unix
and ssh URLs pass through. The client ignores REQUESTS_CA_BUNDLE and proxy variables
(``trust_env = False``): requests would otherwise let that variable replace the cluster CA.
The API version is negotiated after that, so the first request already uses our CA; the
snapshot skips that round trip by trying a common version first (``probe``).
"""

from __future__ import annotations

from typing import Any, Callable, Optional, TypeVar

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import MissingDockerSDKError, explain
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions

NETWORK_SCHEMES = ("tcp://", "http://", "https://")
# Served by Docker 20.10 (API 1.41) up to 28.x; engines outside that range say so and get negotiated.
PROBE_API_VERSION = "1.41"
T = TypeVar("T")


def docker_sdk() -> Any:
    """The `docker` package, imported on first use with a clear error when missing."""
    try:
        import docker  # noqa: F401  (imported lazily on purpose)
        import docker.tls  # noqa: F401
    except ImportError:
        raise MissingDockerSDKError(
            "The Python package 'docker' (Docker SDK for Python, 7.0 or later) is required to talk to Docker engines "
            "but is not installed on this host (pip install docker)."
        ) from None
    return docker


def engine_addr(target: str) -> str:
    """`host:port` for a network engine given as an address or URL; other URLs (unix://) unchanged."""
    for scheme in NETWORK_SCHEMES:
        if target.lower().startswith(scheme):
            return target[len(scheme):].rstrip("/")
    return target if "://" in target else target.strip()


def docker_host_url(target: str) -> str:
    """The `docker_host` form of an engine (`tcp://host:port`), as community.docker and the CLI take it."""
    addr = engine_addr(target)
    return addr if "://" in addr else "tcp://" + addr


def engine_url(target: str, options: ConnectionOptions) -> str:
    """The URL the client connects to: https for network engines under TLS, http otherwise."""
    addr = engine_addr(target)
    if "://" in addr:
        return addr
    return ("https://" if options.use_tls else "http://") + addr


def tls_config(options: ConnectionOptions) -> Any:
    """The SDK TLS configuration of the cluster, or False without TLS."""
    if not options.use_tls:
        return False
    docker = docker_sdk()
    cert = (options.client_cert, options.client_key) if options.client_cert else None
    if options.validate_certs:
        return docker.tls.TLSConfig(client_cert=cert, ca_cert=options.ca_path, verify=options.ca_path or True)
    return docker.tls.TLSConfig(client_cert=cert, verify=False)


def _negotiate(client: Any) -> None:
    client._version = client.version(api_version=False)["ApiVersion"]


def connect(target: str, options: ConnectionOptions, timeout: Optional[float] = None, probe: bool = False) -> Any:
    """A ``docker.APIClient`` for one engine; raises EngineError subclasses.

    With ``api_version: auto`` the engine is asked for its version first, unless ``probe``: then
    the client starts at PROBE_API_VERSION (one round trip fewer per engine) and the caller runs
    its first call through ``negotiated_call``, which negotiates only if the engine refuses it.
    """
    docker = docker_sdk()
    addr = engine_addr(target)
    auto = options.api_version.lower() == "auto"
    pinned = options.api_version if not auto else (PROBE_API_VERSION if probe else docker.constants.DEFAULT_DOCKER_API_VERSION)
    try:
        client = docker.APIClient(base_url=engine_url(target, options), tls=tls_config(options), version=pinned,
                                  timeout=timeout if timeout is not None else options.timeout)
    except Exception as exc:  # the SDK raises DockerException/TLSParameterError for bad URLs and files
        raise explain(exc, addr, options) from None
    client.trust_env = False
    client.dockyard_probing = auto and probe
    if auto and not probe:
        try:
            _negotiate(client)
        except Exception as exc:
            client.close()
            raise explain(exc, addr, options) from None
    return client


def negotiated_call(client: Any, call: Callable[[], T]) -> T:
    """Run a client's first call; if the engine refuses the probe API version, negotiate and retry once."""
    try:
        return call()
    except Exception as exc:
        text = str(exc)
        if not getattr(client, "dockyard_probing", False) or "client version" not in text or \
                not ("too new" in text or "too old" in text):
            raise
    client.dockyard_probing = False
    _negotiate(client)
    return call()
