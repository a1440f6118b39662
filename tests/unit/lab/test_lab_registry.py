# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's registry pieces: its files, credentials, engine trust, the one-time push, and the CLI."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys

import pytest
import yaml

from tests.lab import LabError, core, engines, registry
from tests.lab.__main__ import _exports, main
from tests.lab.config import REGISTRY_ADDR, REPO_ROOT, Engine


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(registry, "DATA_DIR", tmp_path)
    return tmp_path


def test_credentials_are_generated_once_and_private(data_dir):
    first = registry.credentials()
    path = data_dir / "registry" / "credentials.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first["username"] == "lab" and len(first["password"]) >= 20
    assert registry.credentials() == first  # kept across `up`s


def test_config_is_yaml_with_htpasswd_auth_on_the_lab_address(tmp_path):
    text = registry.config_text(tmp_path / "data", tmp_path / "htpasswd", REGISTRY_ADDR, "s3cret")
    config = yaml.safe_load(text)
    assert config["http"]["addr"] == REGISTRY_ADDR and config["http"]["secret"] == "s3cret"
    assert config["auth"] == {"htpasswd": {"realm": "dockyard-lab", "path": str(tmp_path / "htpasswd")}}
    assert config["storage"]["filesystem"]["rootdirectory"] == str(tmp_path / "data")


@pytest.mark.skipif(not shutil.which("htpasswd"), reason="htpasswd (apache2-utils) is not installed")
def test_htpasswd_line_is_bcrypt_and_verifies(tmp_path):
    creds = {"username": "lab", "password": "pa ss:word"}
    line = registry.htpasswd_line(creds)
    assert line.startswith("lab:$2y$")
    path = tmp_path / "htpasswd"
    path.write_text(line)
    good = subprocess.run(["htpasswd", "-v", "-i", str(path), "lab"], input="pa ss:word", capture_output=True,
                          text=True, check=False)
    bad = subprocess.run(["htpasswd", "-v", "-i", str(path), "lab"], input="other", capture_output=True,
                         text=True, check=False)
    assert (good.returncode, bad.returncode != 0) == (0, True)


@pytest.mark.parametrize("tool, package", [("htpasswd", "apache2-utils"), ("docker-registry", "docker-registry")])
def test_missing_tools_name_their_package(tool, package, monkeypatch):
    monkeypatch.setattr(registry.shutil, "which", lambda name, path=None: None)
    with pytest.raises(LabError, match=rf"{tool} is not installed: run `make deps` \(Debian package {package}\)"):
        registry._tool(tool, package)


@pytest.mark.parametrize("info, trusted", [
    ({"RegistryConfig": {"IndexConfigs": {REGISTRY_ADDR: {"Name": REGISTRY_ADDR, "Secure": False}}}}, True),
    ({"RegistryConfig": {"IndexConfigs": {"docker.io": {"Secure": True}}, "InsecureRegistryCIDRs": ["127.0.0.0/8"]}},
     False),
    ({"RegistryConfig": {"IndexConfigs": {REGISTRY_ADDR: {"Secure": True}}}}, False),
    ({}, False),
])
def test_engine_trust_is_read_from_docker_info(info, trusted):
    assert registry.engine_trusts(info) is trusted


def test_engines_trust_the_registry_without_touching_etc_docker():
    argv = engines.argv(Engine(1, "node-1", {}))
    assert f"--insecure-registry={REGISTRY_ADDR}" in argv
    assert "--cgroup-parent" in argv and argv[argv.index("--cgroup-parent") + 1] == "/dockyard-lab-node-1"
    assert not any(arg.startswith("/etc/docker") for arg in argv)


class FakeEngineClient:
    """Records the calls the push makes; `trusted` says whether its info lists the registry as insecure."""

    def __init__(self, trusted: bool, tags: list[str] | None = None) -> None:
        self.trusted = trusted
        self.tags = list(tags or [])
        self.calls: list[tuple] = []

    def info(self) -> dict:
        return {"RegistryConfig": {"IndexConfigs": {REGISTRY_ADDR: {"Secure": not self.trusted}}}}

    def login(self, **kwargs) -> dict:
        self.calls.append(("login", kwargs["registry"], kwargs["username"]))
        return {"Status": "Login Succeeded"}

    def tag(self, image: str, repository: str, tag: str) -> bool:
        self.calls.append(("tag", image, f"{repository}:{tag}"))
        self.tags.append(f"{repository}:{tag}")
        return True

    def push(self, repository: str, tag: str, auth_config: dict, stream: bool, decode: bool):
        self.calls.append(("push", f"{repository}:{tag}", sorted(auth_config)))
        yield {"status": "Pushed"}

    def images(self) -> list[dict]:
        return [{"RepoTags": list(self.tags)}]

    def remove_image(self, image: str, noprune: bool) -> None:
        self.calls.append(("untag", image))
        self.tags.remove(image)

    def close(self) -> None:
        self.calls.append(("close",))


def _engines(count: int) -> list[Engine]:
    return [Engine(i + 1, f"node-{i + 1}", {}) for i in range(count)]


def test_push_goes_through_the_first_trusting_engine_and_nobody_keeps_the_image(data_dir, monkeypatch):
    pushed = iter([False, True])  # absent before the push, present after it
    monkeypatch.setattr(registry, "has_private_image", lambda creds: next(pushed))
    clients = {"node-1": FakeEngineClient(False), "node-2": FakeEngineClient(True),
               "node-3": FakeEngineClient(True, tags=[registry.private_image()])}  # a stale pull
    messages: list[str] = []
    result = registry.ensure_private_image(_engines(3), "sha256:abc", lambda e: clients[e.name], messages.append)
    assert result == registry.private_image()
    repo = f"{REGISTRY_ADDR}/private/busybox:latest"
    assert clients["node-2"].calls == [("login", REGISTRY_ADDR, "lab"), ("tag", "sha256:abc", repo),
                                       ("push", repo, ["password", "username"]), ("untag", repo), ("close",)]
    assert ("untag", repo) in clients["node-3"].calls and clients["node-3"].tags == []
    assert clients["node-1"].calls == [("close",)]
    assert messages == [f"registry: pushed {repo} through node-2"]


def test_no_push_when_the_registry_has_the_image(data_dir, monkeypatch):
    monkeypatch.setattr(registry, "has_private_image", lambda creds: True)
    result = registry.ensure_private_image(_engines(2), "sha256:abc", lambda e: pytest.fail("no engine needed"))
    assert result == registry.private_image()


def test_engines_started_before_the_registry_are_explained(data_dir, monkeypatch):
    monkeypatch.setattr(registry, "has_private_image", lambda creds: False)
    clients = {"node-1": FakeEngineClient(False), "node-2": FakeEngineClient(False)}
    messages: list[str] = []
    assert registry.ensure_private_image(_engines(2), "sha256:abc", lambda e: clients[e.name], messages.append) is None
    assert "restart" in messages[0] and REGISTRY_ADDR in messages[0]
    assert all(c.calls == [("close",)] for c in clients.values())


def test_a_failed_push_is_a_lab_error_and_leaves_no_tag(data_dir, monkeypatch):
    monkeypatch.setattr(registry, "has_private_image", lambda creds: False)
    client = FakeEngineClient(True)
    client.push = lambda *a, **k: iter([{"error": "denied: requested access to the resource is denied"}])
    with pytest.raises(LabError, match="pushing .*private/busybox:latest failed: denied"):
        registry.ensure_private_image(_engines(1), "sha256:abc", lambda e: client)
    assert client.tags == []


def test_state_file_is_private_and_old_states_mean_no_registry(tmp_path, monkeypatch):
    monkeypatch.setattr(core, "RUN_DIR", tmp_path)
    monkeypatch.setattr(core, "STATE_FILE", tmp_path / "state.json")
    cfg = core.LabConfig(engines=_engines(1))
    core._save(cfg, {"registry": {"password": "x"}})
    assert stat.S_IMODE((tmp_path / "state.json").stat().st_mode) == 0o600
    state = core.load_state()
    assert core.config_from_state(state).registry is True
    del state["config"]["registry"]  # written before the lab had a registry
    assert core.config_from_state(state).registry is False


def test_no_registry_flag_reaches_the_config(monkeypatch):
    seen = []
    monkeypatch.setattr(core, "up", seen.append)
    assert main(["up", "--no-registry", "--no-zookeeper"]) == 0
    assert (seen[0].registry, seen[0].zookeeper, seen[0].consul) == (False, False, True)
    assert main(["up"]) == 0 and seen[1].registry is True


def test_shell_exports_name_the_registry_but_not_its_password():
    env = {"engines": [{"docker_host": "tcp://10.231.1.2:2376", "addr": "10.231.1.2:2376", "name": "node-1"}],
           "tls": {"cert_path": "/x"}, "registry": {"addr": REGISTRY_ADDR, "username": "lab", "password": "pw-123",
                                                    "private_image": None}}
    text = _exports(env)
    assert f"export LAB_REGISTRY={REGISTRY_ADDR}" in text and "pw-123" not in text


@pytest.mark.parametrize("variable, value, fragment", [
    ("DOCKYARD_LAB_SUBNET", "10.231.5", "DOCKYARD_LAB_SUBNET must be the first two octets"),
    ("DOCKYARD_LAB_PREFIX", "Bad-Prefix", "DOCKYARD_LAB_PREFIX must be 2-9 lower-case letters"),
])
def test_bad_private_lab_settings_are_refused(variable, value, fragment):
    env = dict(os.environ, **{variable: value})
    proc = subprocess.run([sys.executable, "-c", "import tests.lab.config"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode != 0 and fragment in proc.stderr


def test_a_private_lab_has_its_own_names_and_addresses():
    env = dict(os.environ, DOCKYARD_LAB_PREFIX="dyiso", DOCKYARD_LAB_SUBNET="10.232", DOCKYARD_LAB_RUN="/run/x-lab")
    code = ("import json; from tests.lab import config as c; e = c.Engine(2, 'node-2', {}); "
            "print(json.dumps([e.netns, e.veth, e.addr, c.CGROUP_PREFIX, c.REGISTRY_ADDR, str(c.LOCK_FILE)]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          check=True)
    assert json.loads(proc.stdout) == ["dyiso-node-2", "dyiso2", "10.232.2.2:2376", "dyiso-lab-", "10.232.0.1:5000",
                                       "/run/x-lab.lock"]
