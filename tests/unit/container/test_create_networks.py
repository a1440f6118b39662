# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A create body with several networks: the primary at create, the rest joined before start, missing ones refused."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineAPIError, create_container


class NotFound(Exception):
    def __init__(self, what: str) -> None:
        super().__init__("404 Client Error: Not Found (%s)" % what)
        self.response = type("Response", (), {"status_code": 404})()
        self.explanation = "network %s not found" % what


class FakeClient:
    base_url = "https://10.0.0.1:2376"

    def __init__(self, networks: List[str], fail_join: str = "") -> None:
        self.networks = networks
        self.fail_join = fail_join
        self.calls: List[Any] = []

    def inspect_image(self, image: str) -> Dict[str, Any]:
        return {"Id": "sha256:1"}

    def inspect_network(self, name: str) -> Dict[str, Any]:
        if name not in self.networks:
            raise NotFound(name)
        return {"Name": name}

    def create_container_from_config(self, config: Dict[str, Any], name: str) -> Dict[str, Any]:
        self.calls.append(("create", name, config))
        return {"Id": "c1"}

    def connect_container_to_network(self, container: str, network: str, **kwargs: Any) -> None:
        if network == self.fail_join:
            raise NotFound(network)
        self.calls.append(("connect", container, network, kwargs))

    def remove_container(self, container: str, v: bool = False, force: bool = False) -> None:
        self.calls.append(("remove", container))

    def inspect_container(self, container: str) -> Dict[str, Any]:
        return {"Id": container}


def _body() -> Dict[str, Any]:
    return build_desired({"name": "web", "image": "busybox", "networks": [
        {"name": "front", "aliases": ["www"]}, {"name": "back", "aliases": ["api"], "ipv4_address": "172.20.0.5",
                                                "links": ["db:database"]}]}).body


def test_primary_at_create_the_others_joined_after():
    client = FakeClient(["front", "back"])
    create_container(client, "web", _body(), pull="never")
    create, connect = client.calls
    assert create[2]["NetworkingConfig"] == {"EndpointsConfig": {"front": {"Aliases": ["www"]}}}
    assert connect[:3] == ("connect", "c1", "back")
    assert connect[3] == {"ipv4_address": "172.20.0.5", "ipv6_address": None, "aliases": ["api"], "links": [("db", "database")]}


def test_a_missing_network_is_refused_before_create():
    client = FakeClient(["front"])
    with pytest.raises(EngineAPIError, match="The network back does not exist on engine 10.0.0.1:2376"):
        create_container(client, "web", _body(), pull="never")
    assert client.calls == []


def test_a_failed_join_removes_the_container():
    client = FakeClient(["front", "back"], fail_join="back")
    with pytest.raises(EngineAPIError, match="Joining network back failed, so the container web was removed again"):
        create_container(client, "web", _body(), pull="never")
    assert [call[0] for call in client.calls] == ["create", "remove"]
