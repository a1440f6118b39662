# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine URLs and client construction (the SDK's HTTP calls are stubbed)."""

from __future__ import annotations

import sys
from pathlib import Path

import docker
import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import (
    EngineUnreachableError,
    MissingDockerSDKError,
    connect,
    connection_options,
    docker_host_url,
    engine_addr,
    engine_url,
)


@pytest.mark.parametrize("target, addr, host", [
    ("10.0.0.1:2376", "10.0.0.1:2376", "tcp://10.0.0.1:2376"),
    ("tcp://10.0.0.1:2376", "10.0.0.1:2376", "tcp://10.0.0.1:2376"),
    ("https://10.0.0.1:2376/", "10.0.0.1:2376", "tcp://10.0.0.1:2376"),
    ("unix:///var/run/docker.sock", "unix:///var/run/docker.sock", "unix:///var/run/docker.sock"),
])
def test_addresses(target: str, addr: str, host: str) -> None:
    assert engine_addr(target) == addr and docker_host_url(target) == host


def test_tcp_becomes_https_under_tls() -> None:
    assert engine_url("tcp://h:2376", connection_options({"tls": True}, {})) == "https://h:2376"
    assert engine_url("h:2375", connection_options({}, {})) == "http://h:2375"
    assert engine_url("unix:///s.sock", connection_options({"tls": True}, {})) == "unix:///s.sock"


def test_connect_negotiates_after_disabling_environment_trust(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text(name)
    seen = {}

    def version(self, api_version=True):  # type: ignore[no-untyped-def]
        seen["trust_env"] = self.trust_env
        seen["verify"] = self.verify
        return {"ApiVersion": "1.41"}

    monkeypatch.setattr(docker.APIClient, "version", version)
    options = connection_options({"validate_certs": True}, {"DOCKER_CERT_PATH": str(tmp_path)})
    client = connect("tcp://10.0.0.1:2376", options, timeout=5)
    assert client.base_url == "https://10.0.0.1:2376" and client.api_version == "1.41" and client.timeout == 5
    assert seen == {"trust_env": False, "verify": str(tmp_path / "ca.pem")}
    assert client.cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))


def test_connect_with_pinned_version_makes_no_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docker.APIClient, "version", lambda *a, **k: pytest.fail("no call expected"))
    assert connect("h:2375", connection_options({"api_version": "1.41"}, {})).api_version == "1.41"


def test_connect_failure_is_explained() -> None:
    with pytest.raises(EngineUnreachableError, match="Engine 127.0.0.1:9: connection refused"):
        connect("127.0.0.1:9", connection_options({}, {}), timeout=2)


def test_missing_sdk_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docker", None)
    with pytest.raises(MissingDockerSDKError, match=r"'docker' .* \(pip install docker\)"):
        connect("h:2375", connection_options({}, {}))
