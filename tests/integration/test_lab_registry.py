# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's private registry and docker-compose, as the manager's tests will use them.

The docker 20.10 CLI and docker-compose 1.29 talk to a lab engine over TLS, with a throwaway
DOCKER_CONFIG (nothing is written to ~/.docker) and without the CA-bundle variables that would make
requests verify the engine against the system CAs. The engine pulls from the registry, logged in.
"""
from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.integration.helpers import engine_client

pytestmark = pytest.mark.integration

DOCKER_CLI = "/usr/bin/docker"  # the 20.10 client of Debian's docker.io
COMPOSE = "/usr/bin/docker-compose"


@pytest.fixture(scope="module")
def registry(lab) -> dict:
    reg = lab.get("registry")
    if not reg:
        pytest.skip("the lab runs without its registry (up --no-registry)")
    if not reg.get("private_image"):
        pytest.skip("the lab's engines were started before the registry existed (no --insecure-registry): "
                    "restart the lab (python -m tests.lab down; up) to use it")
    for tool in (DOCKER_CLI, COMPOSE):
        if not Path(tool).exists():
            pytest.fail(f"{tool} is missing: run `make deps` (scripts/install-system-deps.sh)")
    return reg


def _trusts(lab: dict, engine: dict, addr: str) -> bool:
    cli = engine_client(lab, engine["name"])
    try:
        index = cli.info()["RegistryConfig"]["IndexConfigs"].get(addr) or {}
    finally:
        cli.close()
    return index.get("Secure") is False


@pytest.fixture(scope="module")
def engine(lab, registry) -> dict:
    """The last engine that may use the registry (all of them, once the lab was started with it)."""
    trusting = [e for e in lab["engines"] if _trusts(lab, e, registry["addr"])]
    if not trusting:
        pytest.skip(f"no lab engine has --insecure-registry={registry['addr']}: restart the lab (down; up)")
    return trusting[-1]


def client_env(lab: dict, engine: dict, tmp_path: Path) -> dict[str, str]:
    """DOCKER_* for one engine over TLS, a fresh DOCKER_CONFIG, and no CA-bundle override."""
    env = {k: v for k, v in os.environ.items() if k not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    config_dir = tmp_path / "docker-config"
    config_dir.mkdir(exist_ok=True)
    env.update({"DOCKER_HOST": engine["docker_host"], "DOCKER_TLS_VERIFY": "1",
                "DOCKER_CERT_PATH": lab["tls"]["cert_path"], "DOCKER_CONFIG": str(config_dir)})
    return env


@pytest.fixture
def cli_env(lab, engine, tmp_path) -> dict[str, str]:
    return client_env(lab, engine, tmp_path)


@pytest.fixture
def untouched_home_docker_config():
    """Proves the tests write nothing into ~/.docker."""
    path = Path.home() / ".docker" / "config.json"
    before = path.read_bytes() if path.exists() else None
    yield
    assert (path.read_bytes() if path.exists() else None) == before, f"{path} was changed"


@pytest.fixture
def private_image_cleanup(lab, engine, registry):
    """Removes the private image from the engine afterwards, unless it was there before (someone else's)."""
    cli = engine_client(lab, engine["name"])
    tagged = registry["private_image"]

    def present() -> bool:
        return any(tagged in (image.get("RepoTags") or []) for image in cli.images())

    was_there = present()
    yield present
    try:
        if not was_there and present():
            cli.remove_image(tagged, noprune=True)
    finally:
        cli.close()


def run(argv: list[str], env: dict[str, str], stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True, timeout=180, check=False,
                          cwd=str(cwd) if cwd else None)


def login(registry: dict, env: dict[str, str], password: str) -> subprocess.CompletedProcess:
    return run([DOCKER_CLI, "login", "--username", registry["username"], "--password-stdin", registry["addr"]],
               env, stdin=password + "\n")


def test_anonymous_pull_is_refused(registry, cli_env, private_image_cleanup, untouched_home_docker_config):
    proc = run([DOCKER_CLI, "pull", registry["private_image"]], cli_env)
    assert proc.returncode != 0, proc.stdout
    assert "no basic auth credentials" in proc.stderr or "unauthorized" in proc.stderr.lower(), proc.stderr


def test_wrong_password_is_refused(registry, cli_env, untouched_home_docker_config):
    proc = login(registry, cli_env, registry["password"] + "-wrong")
    assert proc.returncode != 0, proc.stdout
    assert "401 Unauthorized" in proc.stderr, proc.stderr
    assert not (Path(cli_env["DOCKER_CONFIG"]) / "config.json").exists() or registry["addr"] not in json.loads(
        (Path(cli_env["DOCKER_CONFIG"]) / "config.json").read_text()).get("auths", {})


def test_login_then_pull(lab, registry, cli_env, private_image_cleanup, untouched_home_docker_config):
    proc = login(registry, cli_env, registry["password"])
    assert proc.returncode == 0 and "Login Succeeded" in proc.stdout, proc.stderr
    auths = json.loads((Path(cli_env["DOCKER_CONFIG"]) / "config.json").read_text())["auths"]
    assert registry["addr"] in auths
    proc = run([DOCKER_CLI, "pull", registry["private_image"]], cli_env)
    assert proc.returncode == 0, proc.stderr
    assert "Digest: sha256:" in proc.stdout
    assert private_image_cleanup()
    inspected = run([DOCKER_CLI, "image", "inspect", "--format", "{{.Id}}", registry["private_image"]], cli_env)
    assert inspected.stdout.strip() == lab["image"]["id"]  # the lab's busybox, pushed under a private name
    assert run([DOCKER_CLI, "logout", registry["addr"]], cli_env).returncode == 0


def test_compose_version_is_1_29():
    proc = run([COMPOSE, "version"], dict(os.environ))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("docker-compose version 1.29."), proc.stdout


def _compose_file(tmp_path: Path, services: dict[str, dict]) -> Path:
    path = tmp_path / "docker-compose.yml"
    path.write_text(json.dumps({"version": "2.4", "services": services}, indent=2))  # YAML accepts JSON
    return path


def test_compose_up_and_down_on_one_engine(lab, tmp_path, untouched_home_docker_config):
    engine = lab["engines"][-1]
    cli_env = client_env(lab, engine, tmp_path)
    project = f"labreg{uuid.uuid4().hex[:8]}"
    compose_file = _compose_file(tmp_path, {
        "web": {"image": "busybox:latest", "command": ["httpd", "-f", "-p", "80", "-h", "/www"],
                "network_mode": "bridge"},
        "worker": {"image": "busybox:latest", "command": ["sleep", "300"], "network_mode": "bridge"},
    })
    compose = [COMPOSE, "--project-name", project, "--file", str(compose_file)]
    cli = engine_client(lab, engine["name"])
    project_filter = {"label": f"com.docker.compose.project={project}"}
    try:
        proc = run(compose + ["up", "--detach"], cli_env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        running = cli.containers(filters=project_filter)
        assert sorted(c["Labels"]["com.docker.compose.service"] for c in running) == ["web", "worker"]
        assert all(c["State"] == "running" and c["HostConfig"]["NetworkMode"] == "bridge" for c in running)
        proc = run(compose + ["down"], cli_env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert cli.containers(all=True, filters=project_filter) == []
    finally:
        for container in cli.containers(all=True, filters=project_filter):
            cli.remove_container(container["Id"], force=True)
        cli.close()


def test_compose_pulls_the_private_image_only_when_logged_in(registry, cli_env, tmp_path, private_image_cleanup,
                                                             untouched_home_docker_config):
    compose_file = _compose_file(tmp_path, {"private": {"image": registry["private_image"], "network_mode": "bridge"}})
    compose = [COMPOSE, "--project-name", f"labreg{uuid.uuid4().hex[:8]}", "--file", str(compose_file), "pull"]
    refused = run(compose, cli_env, cwd=tmp_path)
    assert refused.returncode != 0
    assert "no basic auth credentials" in refused.stderr or "unauthorized" in refused.stderr.lower(), refused.stderr
    assert login(registry, cli_env, registry["password"]).returncode == 0
    pulled = run(compose, cli_env, cwd=tmp_path)
    assert pulled.returncode == 0, pulled.stderr
    assert private_image_cleanup()
