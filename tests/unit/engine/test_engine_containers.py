# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Container operations against a recording client: pull policies, not-found answers, errors."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineAPIError,
    EngineConfigError,
    container_logs,
    create_container,
    ensure_image,
    inspect_container,
    remove_container,
    stop_container,
)

from .fakes import api_error


class Client:
    base_url = "https://10.0.0.1:2376"

    def __init__(self, images: List[str], pull_events: List[Dict[str, Any]] = None) -> None:  # type: ignore[assignment]
        self.images = list(images)
        self.pull_events = pull_events or [{"status": "Downloaded"}]
        self.calls: List[Any] = []
        self.containers: Dict[str, Dict[str, Any]] = {}

    def inspect_image(self, image: str) -> Dict[str, Any]:
        if image not in self.images:
            raise api_error(404, "No such image")
        return {"Id": image}

    def pull(self, repository: str, tag: str, stream: bool, decode: bool, auth_config: Any) -> Any:
        self.calls.append(("pull", repository, tag, auth_config))
        self.images.append("%s:%s" % (repository, tag))
        return iter(self.pull_events)

    def create_container_from_config(self, config: Dict[str, Any], name: str) -> Dict[str, Any]:
        self.calls.append(("create", name))
        self.containers[name] = {"Id": "id-" + name, "Name": "/" + name, "Config": config}
        return {"Id": "id-" + name}

    def inspect_container(self, cid: str) -> Dict[str, Any]:
        for data in self.containers.values():
            if cid in (data["Id"], data["Name"].lstrip("/")):
                return data
        raise api_error(404, "No such container")

    def stop(self, cid: str, timeout: int) -> None:
        self.inspect_container(cid)

    def remove_container(self, cid: str, v: bool, force: bool) -> None:
        data = self.inspect_container(cid)
        del self.containers[data["Name"].lstrip("/")]

    def logs(self, cid: str, **kwargs: Any) -> bytes:
        self.calls.append(("logs", kwargs["tail"]))
        return b"line 1\nline 2\n"


def test_create_pulls_a_missing_image_with_auth() -> None:
    client = Client(images=[])
    auth = {"username": "u", "password": "p", "serveraddress": "registry.local:5000"}
    data = create_container(client, "web", {"Image": "registry.local:5000/app:1.0"}, pull="missing", auth=auth)
    assert data["Id"] == "id-web"
    assert client.calls[0] == ("pull", "registry.local:5000/app", "1.0", auth) and client.calls[1] == ("create", "web")


def test_pull_policies() -> None:
    client = Client(images=["busybox:latest"])
    assert ensure_image(client, "busybox:latest", "missing") is False
    assert ensure_image(client, "busybox", "always") is True and client.calls[-1][1:3] == ("busybox", "latest")
    with pytest.raises(EngineAPIError, match="does not have the image other:1 and pull is 'never'"):
        ensure_image(client, "other:1", "never")
    with pytest.raises(EngineConfigError, match="pull must be one of"):
        ensure_image(client, "busybox", "sometimes")


def test_pull_errors_in_the_stream_are_reported() -> None:
    client = Client(images=[], pull_events=[{"error": "manifest unknown"}])
    with pytest.raises(EngineAPIError, match=r"Engine 10.0.0.1:2376 could not pull nope:1: manifest unknown"):
        ensure_image(client, "nope:1")


def test_not_found_is_an_answer() -> None:
    client = Client(images=[])
    assert inspect_container(client, "ghost") is None
    assert stop_container(client, "ghost") is False and remove_container(client, "ghost") is False


def test_remove_and_logs() -> None:
    client = Client(images=["busybox:latest"])
    create_container(client, "job", {"Image": "busybox:latest"})
    assert container_logs(client, "job", tail=5) == "line 1\nline 2\n" and client.calls[-1] == ("logs", 5)
    container_logs(client, "job", tail=None)
    assert client.calls[-1] == ("logs", "all")
    assert remove_container(client, "job") is True and inspect_container(client, "job") is None
