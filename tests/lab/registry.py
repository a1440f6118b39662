# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A private registry for the lab: Debian's docker-registry (distribution 2.8) with htpasswd auth.

It listens in plain HTTP on the lab's services address, which every engine reaches from its namespace
and trusts with `--insecure-registry` (no file under /etc/docker is written). The user and password are
generated once and kept with its data (0600), so later `up`s keep them. After the first start one
engine pushes a private copy of the lab's busybox and then forgets it, so every engine must pull it
(logged in) to use it.
"""
from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any, Callable

from . import LabError
from .config import DATA_DIR, REGISTRY_ADDR, Engine
from .procs import http_status, port_in_use, read_pid, start, wait_until

PROC_NAME = "registry"
USERNAME = "lab"
PRIVATE_REPOSITORY = "private/busybox"
MANIFEST_TYPES = ", ".join(("application/vnd.docker.distribution.manifest.v2+json",
                            "application/vnd.docker.distribution.manifest.list.v2+json",
                            "application/vnd.oci.image.manifest.v1+json"))


def root() -> Path:
    return DATA_DIR / "registry"


def log_path() -> Path:
    return DATA_DIR / "logs" / "registry.log"


def private_image() -> str:
    return f"{REGISTRY_ADDR}/{PRIVATE_REPOSITORY}:latest"


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(str(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # also when the file existed with other modes


def credentials() -> dict[str, str]:
    """The registry's user and password: generated on first use, then read back (0600 file)."""
    path = root() / "credentials.json"
    try:
        stored = json.loads(path.read_text())
        if stored.get("username") and stored.get("password"):
            return {"username": stored["username"], "password": stored["password"]}
    except (OSError, ValueError):
        pass
    creds = {"username": USERNAME, "password": secrets.token_urlsafe(18)}
    _write_private(path, json.dumps(creds) + "\n")
    return creds


def _tool(name: str, package: str) -> str:
    binary = shutil.which(name, path=f"{os.environ.get('PATH', '')}:/usr/sbin:/usr/bin")
    if not binary:
        raise LabError(f"{name} is not installed: run `make deps` (Debian package {package}), "
                       "or skip the registry with --no-registry")
    return binary


def htpasswd_line(creds: dict[str, str]) -> str:
    """`htpasswd -Bin` (bcrypt; the password on stdin, never on a command line)."""
    proc = subprocess.run([_tool("htpasswd", "apache2-utils"), "-Bin", creds["username"]], input=creds["password"], capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.startswith(creds["username"] + ":$2"):
        raise LabError(f"htpasswd failed for the registry's user: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip() + "\n"


def config_text(data_dir: Path, htpasswd: Path, addr: str, http_secret: str) -> str:
    """distribution 2.8's configuration: filesystem storage, htpasswd auth, plain HTTP on `addr`."""
    config = {
        "version": 0.1,
        "log": {"level": "warn", "fields": {"service": "registry"}},
        "storage": {"filesystem": {"rootdirectory": str(data_dir)}, "delete": {"enabled": True},
                    "cache": {"blobdescriptor": "inmemory"}},
        "http": {"addr": addr, "secret": http_secret, "headers": {"X-Content-Type-Options": ["nosniff"]}},
        "auth": {"htpasswd": {"realm": "dockyard-lab", "path": str(htpasswd)}},
    }
    return json.dumps(config, indent=2) + "\n"  # YAML is a superset of JSON


def ensure_running() -> str:
    """Start the registry unless it runs; its files are rewritten from the kept credentials on each start."""
    if read_pid(PROC_NAME):
        return "running"
    binary = _tool("docker-registry", "docker-registry")
    host, port = REGISTRY_ADDR.rsplit(":", 1)
    if port_in_use(host, int(port)):
        raise LabError(f"registry: {REGISTRY_ADDR} is already in use by another program; stop it or skip the "
                       "registry with --no-registry")
    creds = credentials()
    base = root()
    (base / "data").mkdir(parents=True, exist_ok=True)
    _write_private(base / "htpasswd", htpasswd_line(creds))
    secret_file = base / "http-secret"
    if not secret_file.exists():
        _write_private(secret_file, secrets.token_hex(16))
    _write_private(base / "config.yml", config_text(base / "data", base / "htpasswd", REGISTRY_ADDR,
                                                    secret_file.read_text().strip()))
    start(PROC_NAME, [binary, "serve", str(base / "config.yml")], log_path(), cwd=base)
    return "started"


def _request(path: str, creds: dict[str, str] | None, method: str = "GET",
             headers: dict[str, str] | None = None) -> int:
    """HTTP status of a request to the registry, with the lab user's basic auth when `creds` are given."""
    request = urllib.request.Request(f"http://{REGISTRY_ADDR}{path}", method=method, headers=dict(headers or {}))
    if creds:
        token = base64.b64encode(f"{creds['username']}:{creds['password']}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    return http_status(request, timeout=3)


def answers(creds: dict[str, str]) -> bool:
    """True when the registry refuses anonymous access and accepts the lab's user."""
    return _request("/v2/", None) == 401 and _request("/v2/", creds) == 200


def wait_ready(timeout: float = 20.0) -> None:
    creds = credentials()

    def check() -> bool:
        if read_pid(PROC_NAME) is None:
            raise LabError("the registry exited")
        return answers(creds)

    wait_until(f"registry at {REGISTRY_ADDR}", check, timeout, log_path())


def has_private_image(creds: dict[str, str]) -> bool:
    status = _request(f"/v2/{PRIVATE_REPOSITORY}/manifests/latest", creds, method="HEAD",
                      headers={"Accept": MANIFEST_TYPES})
    return status == 200


def engine_trusts(info: dict[str, Any]) -> bool:
    """True when an engine's `docker info` lists the registry as insecure (so it may use plain HTTP)."""
    index = ((info.get("RegistryConfig") or {}).get("IndexConfigs") or {}).get(REGISTRY_ADDR) or {}
    return index.get("Secure") is False


def _push(cli, creds: dict[str, str], image_id: str) -> None:
    repository = f"{REGISTRY_ADDR}/{PRIVATE_REPOSITORY}"
    try:
        cli.login(username=creds["username"], password=creds["password"], registry=REGISTRY_ADDR, reauth=True)
    except Exception as exc:  # noqa: BLE001 - docker.errors.APIError: name the step
        raise LabError(f"registry: the engine could not log in to {REGISTRY_ADDR}: {exc}") from exc
    cli.tag(image_id, repository, "latest")
    try:
        for line in cli.push(repository, "latest", auth_config=dict(creds), stream=True, decode=True):
            if line.get("error"):
                raise LabError(f"registry: pushing {repository}:latest failed: {line['error']}")
    finally:
        cli.remove_image(f"{repository}:latest", noprune=True)  # an untag: busybox:latest keeps the layers


def ensure_private_image(engines: list[Engine], image_id: str, client: Callable[[Engine], Any],
                         log: Callable[[str], None] = print) -> str | None:
    """Push the private image once, through the first engine; None when no engine may use the registry yet."""
    creds = credentials()
    if has_private_image(creds):
        return private_image()
    clients = {engine.name: client(engine) for engine in engines}
    try:
        pusher = next((engine for engine in engines if engine_trusts(clients[engine.name].info())), None)
        if pusher is None:
            log(f"registry: no engine trusts {REGISTRY_ADDR} yet (they were started before the registry "
                "existed): the private image is pushed after the next full restart (down, up)")
            return None
        _push(clients[pusher.name], creds, image_id)
        # Nobody keeps a copy: a test that uses the private image must pull it, logged in.
        for cli in clients.values():
            if any(private_image() in (image.get("RepoTags") or []) for image in cli.images()):
                cli.remove_image(private_image(), noprune=True)
        if not has_private_image(creds):
            raise LabError(f"registry: {private_image()} is missing after the push (see {log_path()})")
        log(f"registry: pushed {private_image()} through {pusher.name}")
        return private_image()
    finally:
        for cli in clients.values():
            cli.close()


def describe() -> dict[str, Any]:
    try:
        ok = answers(credentials())
        return {"name": "registry", "endpoint": REGISTRY_ADDR, "ok": ok}
    except Exception as exc:  # noqa: BLE001 - report, don't crash status
        return {"name": "registry", "endpoint": REGISTRY_ADDR, "ok": False, "error": str(exc)}
