# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container operations on one engine, for the modules: create (pulling when needed), start,
stop, remove, inspect, logs.

Each takes a client from ``connect`` and raises ``EngineError`` subclasses whose messages name
the engine. "Not found" is an answer, not an error, where a module wants to converge
(inspect returns None, remove/stop return False).
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.connection import docker_sdk, engine_addr
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineConfigError, explain

PULL_POLICIES = ("missing", "always", "never")


def client_addr(client: Any) -> str:
    """The address of the engine a client talks to, for messages."""
    return engine_addr(str(getattr(client, "base_url", "engine")))


def _status(exc: BaseException) -> Optional[int]:
    return getattr(getattr(exc, "response", None), "status_code", None)


def split_image(image: str) -> Tuple[str, str]:
    """`repo[:tag]` or `repo@digest` -> (repository, tag or digest); the tag defaults to `latest`."""
    repository, tag = docker_sdk().utils.parse_repository_tag(image)
    return repository, tag or "latest"


def image_id(client: Any, image: str) -> Optional[str]:
    """The id ``image`` has on this engine, or None when the engine does not have it."""
    try:
        return client.inspect_image(image).get("Id")
    except Exception as exc:
        if _status(exc) == 404:
            return None
        raise explain(exc, client_addr(client)) from None


def image_present(client: Any, image: str) -> bool:
    """Whether the engine has ``image`` locally."""
    return image_id(client, image) is not None


def pull_image(client: Any, image: str, auth: Optional[Mapping[str, str]] = None) -> None:
    """Pull ``image``; ``auth`` is {username, password, serveraddress} (else ~/.docker/config.json)."""
    repository, tag = split_image(image)
    addr = client_addr(client)
    try:
        for event in client.pull(repository, tag=tag, stream=True, decode=True, auth_config=dict(auth) if auth else None):
            if isinstance(event, dict) and event.get("error"):
                raise EngineAPIError("Engine %s could not pull %s: %s" % (addr, image, event["error"]), addr)
    except EngineAPIError:
        raise
    except Exception as exc:
        error = explain(exc, addr)
        if not isinstance(error, EngineAPIError):
            raise error from None
        raise EngineAPIError("Engine %s could not pull %s: %s" % (addr, image, error.explanation), addr,
                             error.status_code) from None


def ensure_image(client: Any, image: str, pull: str = "missing", auth: Optional[Mapping[str, str]] = None) -> bool:
    """Apply a pull policy (missing|always|never); return whether a pull happened."""
    if pull not in PULL_POLICIES:
        raise EngineConfigError("pull must be one of %s, got %r." % (", ".join(PULL_POLICIES), pull))
    if pull == "always" or (pull == "missing" and not image_present(client, image)):
        pull_image(client, image, auth)
        return True
    if pull == "never" and not image_present(client, image):
        addr = client_addr(client)
        raise EngineAPIError("Engine %s does not have the image %s and pull is 'never'." % (addr, image), addr, 404)
    return False


def _later_endpoints(config: Dict[str, Any]) -> Dict[str, Any]:
    """Take the networks other than ``HostConfig.NetworkMode``'s out of the body (engines before API 1.44
    accept one endpoint at create); they are joined right after create."""
    endpoints = dict((config.get("NetworkingConfig") or {}).get("EndpointsConfig") or {})
    mode = (config.get("HostConfig") or {}).get("NetworkMode")
    later = {name: endpoint for name, endpoint in endpoints.items() if name != mode}
    if later:
        config["NetworkingConfig"] = {"EndpointsConfig": {mode: endpoints[mode]} if mode in endpoints else {}}
    return later


def _check_networks(client: Any, config: Mapping[str, Any]) -> None:
    """Every named network of the body exists on the engine: engines accept unknown ones at create and
    connect, and fail only at start, with a container left behind."""
    mode = str((config.get("HostConfig") or {}).get("NetworkMode") or "")
    names = set((config.get("NetworkingConfig") or {}).get("EndpointsConfig") or {})
    if mode not in ("", "default", "bridge", "host", "none") and not mode.startswith("container:"):
        names.add(mode)
    for network in sorted(names):
        try:
            client.inspect_network(network)
        except Exception as exc:
            error = explain(exc, client_addr(client))
            if _status(exc) == 404:
                error.args = ("The network %s does not exist on engine %s: create it there first." % (network, client_addr(client)),)
            raise error from None


def _join(client: Any, container: str, network: str, endpoint: Mapping[str, Any]) -> None:
    ipam = endpoint.get("IPAMConfig") or {}
    links = [tuple(link.split(":", 1)) for link in endpoint.get("Links") or []]
    client.connect_container_to_network(container, network, ipv4_address=ipam.get("IPv4Address"),
                                        ipv6_address=ipam.get("IPv6Address"), aliases=endpoint.get("Aliases"),
                                        links=links or None)


def create_container(client: Any, name: str, config: Mapping[str, Any], pull: str = "missing",
                     auth: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
    """Create a container from an Engine API create body (``Image``, ``Cmd``, ``HostConfig`` ...); return its inspect.

    Every network of ``NetworkingConfig.EndpointsConfig`` is joined before this returns (so before
    start); a network the engine lacks fails before anything is created, and when joining one fails
    the container is removed again; the errors name the network.
    """
    ensure_image(client, config["Image"], pull, auth)
    _check_networks(client, config)
    body = dict(config)
    later = _later_endpoints(body)
    try:
        created = client.create_container_from_config(body, name)
    except Exception as exc:
        raise explain(exc, client_addr(client)) from None
    for network, endpoint in later.items():
        try:
            _join(client, created["Id"], network, endpoint)
        except Exception as exc:
            remove_container(client, created["Id"], force=True)
            error = explain(exc, client_addr(client))
            error.args = ("Joining network %s failed, so the container %s was removed again: %s" % (network, name, error),)
            raise error from None
    return inspect_container(client, created["Id"]) or {"Id": created["Id"]}


def inspect_container(client: Any, container: str) -> Optional[Dict[str, Any]]:
    """Inspect data of a container, or None when it does not exist."""
    try:
        return client.inspect_container(container)
    except Exception as exc:
        if _status(exc) == 404:
            return None
        raise explain(exc, client_addr(client)) from None


def start_container(client: Any, container: str) -> None:
    """Start a container (starting a running one is fine)."""
    try:
        client.start(container)
    except Exception as exc:
        raise explain(exc, client_addr(client)) from None


def stop_container(client: Any, container: str, timeout: int = 10) -> bool:
    """Stop a container; False when it does not exist."""
    try:
        client.stop(container, timeout=timeout)
    except Exception as exc:
        if _status(exc) == 404:
            return False
        raise explain(exc, client_addr(client)) from None
    return True


def remove_container(client: Any, container: str, force: bool = True, volumes: bool = False) -> bool:
    """Remove a container; False when it does not exist."""
    try:
        client.remove_container(container, v=volumes, force=force)
    except Exception as exc:
        if _status(exc) == 404:
            return False
        raise explain(exc, client_addr(client)) from None
    return True


def container_logs(client: Any, container: str, tail: Optional[int] = 100, timestamps: bool = False) -> str:
    """The last ``tail`` lines of stdout and stderr (all lines when tail is None)."""
    try:
        data = client.logs(container, stdout=True, stderr=True, tail="all" if tail is None else int(tail),
                           timestamps=timestamps)
    except Exception as exc:
        raise explain(exc, client_addr(client)) from None
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
