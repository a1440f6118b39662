# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager (`python -m ..._manager manage`) over TLS in front of the lab's three engines, driven by
both docker CLIs (20.10 at /usr/bin/docker, 28.x at /usr/local/bin/docker) and the Docker SDK.

Covers version negotiation, `docker info`'s node list, placement by constraint with a published port,
`docker ps` names, logs -f, attach and exec with stdin (half-close), docker cp both ways, stop/rm,
the scheduler's explanation and the name conflict as the CLI prints them, a container made directly
on an engine showing up within a second, and TLS refusals. Containers carry a unique prefix and
are removed at the end, directly on the engines.
"""
from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .helpers import engine_client, free_port, stop_process, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._manager"
CLIS = {"20.10": "/usr/bin/docker", "28": "/usr/local/bin/docker"}
PREFIX = "dymgr%s-" % uuid.uuid4().hex[:6]


def available_clis() -> List[str]:
    return [version for version, path in CLIS.items() if os.path.exists(path)]


@pytest.fixture(scope="module")
def manager(lab, tmp_path_factory) -> Any:
    tls = lab["tls"]
    port = free_port()
    log = tmp_path_factory.mktemp("manager") / "manager.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = "%s:%s" % (REPO / ".venv" / "collections", REPO)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SWARM_HOST", "SWARM_DISCOVERY"):
        env.pop(name, None)
    nodes = ",".join(engine["addr"] for engine in lab["engines"])
    cert = tls["cert_path"]
    command = [sys.executable, "-m", MODULE, "manage", "--tlsverify", "--tlscacert=%s/ca.pem" % cert,
               "--tlscert=%s/cert.pem" % cert, "--tlskey=%s/key.pem" % cert, "-H", "tcp://127.0.0.1:%d" % port,
               "--discovery", "nodes://" + nodes]
    with open(log, "w") as handle:
        proc = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    docker_env = {key: value for key, value in env.items() if key != "PYTHONPATH"}
    docker_env.update(DOCKER_HOST="tcp://127.0.0.1:%d" % port, DOCKER_TLS_VERIFY="1", DOCKER_CERT_PATH=cert,
                      DOCKER_CONFIG=str(tmp_path_factory.mktemp("dockercfg")))
    state = {"port": port, "env": docker_env, "log": log, "lab": lab}
    try:
        wait_for("the manager to see three healthy engines",
                 lambda: run_cli("28", ["info"], state, check=False).stdout.count("Status: Healthy") == 3,
                 timeout=30, log=log)
        yield state
    finally:
        stop_process(proc)
        for engine in lab["engines"]:
            client = engine_client(lab, engine["name"])
            for container in client.containers(all=True, filters={"name": PREFIX}):
                client.remove_container(container["Id"], force=True)
            client.close()


def run_cli(version: str, args: List[str], state: Dict[str, Any], check: bool = True, stdin: str = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
    path = CLIS[version] if os.path.exists(CLIS[version]) else shutil.which("docker")
    proc = subprocess.run([path] + args, env=state["env"], capture_output=True, text=True, input=stdin, timeout=timeout,
                          check=False)
    if check and proc.returncode != 0:
        pytest.fail("docker %s (CLI %s) failed (%s):\n%s\n%s\nmanager log:\n%s" % (
            " ".join(args), version, proc.returncode, proc.stdout, proc.stderr, state["log"].read_text()[-3000:]))
    return proc


def engine_of(state: Dict[str, Any], name: str, version: str = "28") -> str:
    return run_cli(version, ["inspect", "-f", "{{.Node.Name}}", name], state).stdout.strip()


@pytest.mark.parametrize("cli", available_clis())
def test_version_negotiation_and_info_shows_every_node(manager, cli):
    version = run_cli(cli, ["version", "--format", "{{.Server.APIVersion}} {{.Server.Version}}"], manager).stdout.split()
    assert version[0] == "1.41" and version[1].startswith("dockyard-swarm/")
    info = run_cli(cli, ["info"], manager).stdout
    assert "Nodes: 3" in info and "Strategy: spread" in info
    for engine in manager["lab"]["engines"]:
        assert "%s: %s" % (engine["name"], engine["addr"]) in info
    assert info.count("└ Status: Healthy") == 3 and "└ Reserved Memory:" in info


@pytest.mark.parametrize("cli", available_clis())
def test_run_with_constraint_and_port_lands_on_node2_and_serves(manager, cli):
    name = PREFIX + "web" + cli.replace(".", "")
    port = 18000 + int(cli.replace(".", "")) % 1000
    run_cli(cli, ["run", "-d", "--name", name, "-e", "constraint:zone==external", "-p", "%d:80" % port, "busybox",
                  "httpd", "-f", "-p", "80", "-h", "/"], manager)
    assert engine_of(manager, name, cli) == "node-2"
    listed = run_cli(cli, ["ps", "--filter", "name=" + name, "--format", "{{.Names}} {{.Ports}}"], manager).stdout
    assert listed.startswith("node-2/%s 10.231.2.2:%d->80/tcp" % (name, port))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    wait_for("httpd on node-2", lambda: _answers(opener, "http://10.231.2.2:%d/" % port), timeout=10)
    run_cli(cli, ["stop", "-t", "1", name], manager)
    assert run_cli(cli, ["ps", "-a", "--filter", "name=" + name, "--format", "{{.Status}}"], manager).stdout.startswith("Exited")
    run_cli(cli, ["rm", name], manager)
    assert run_cli(cli, ["ps", "-a", "-q", "--filter", "name=" + name], manager).stdout.strip() == ""


def _answers(opener: Any, url: str) -> bool:
    try:
        with opener.open(url, timeout=2) as answer:
            return answer.status in (200, 404)
    except OSError as exc:
        return getattr(exc, "code", None) == 404


@pytest.mark.parametrize("cli", available_clis())
def test_stdin_round_trips_with_half_close(manager, cli):
    piped = run_cli(cli, ["run", "-i", "--rm", "--name", PREFIX + "cat" + cli.replace(".", ""), "busybox", "cat"], manager,
                    stdin="through the manager\n")
    assert piped.stdout == "through the manager\n"
    name = PREFIX + "sh" + cli.replace(".", "")
    run_cli(cli, ["run", "-d", "--name", name, "busybox", "sleep", "300"], manager)
    assert run_cli(cli, ["exec", "-i", name, "sh", "-c", "cat; echo done"], manager, stdin="exec in\n").stdout == "exec in\ndone\n"
    failed = run_cli(cli, ["exec", name, "sh", "-c", "echo out; exit 3"], manager, check=False)
    assert failed.returncode == 3 and failed.stdout == "out\n"


def test_attach_keeps_the_connection_both_ways(manager):
    name = PREFIX + "attach"
    run_cli("28", ["run", "-d", "-i", "--name", name, "busybox", "cat"], manager)
    for cli in available_clis():
        proc = subprocess.Popen([CLIS[cli], "attach", name], env=manager["env"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(1)  # the attach is established before we write
            proc.stdin.write("ping %s\n" % cli)
            proc.stdin.flush()
            assert proc.stdout.readline() == "ping %s\n" % cli
        finally:
            proc.kill()
            proc.wait(timeout=10)


def test_logs_follow_streams(manager):
    name = PREFIX + "logs"
    run_cli("28", ["run", "-d", "--name", name, "busybox", "sh", "-c", "echo first; sleep 2; echo second; sleep 300"], manager)
    proc = subprocess.Popen([CLIS["28"] if os.path.exists(CLIS["28"]) else "docker", "logs", "-f", name], env=manager["env"],
                            stdout=subprocess.PIPE, text=True)
    try:
        start = time.monotonic()
        assert proc.stdout.readline() == "first\n"
        assert proc.stdout.readline() == "second\n"
        assert 1.0 < time.monotonic() - start < 10  # the second line came when written, not at the end
    finally:
        proc.kill()
        proc.wait(timeout=10)


@pytest.mark.parametrize("cli", available_clis())
def test_cp_both_ways(manager, cli, tmp_path):
    name = PREFIX + "cp" + cli.replace(".", "")
    run_cli(cli, ["run", "-d", "--name", name, "busybox", "sleep", "300"], manager)
    source = tmp_path / "in.txt"
    source.write_text("copied in\n")
    run_cli(cli, ["cp", str(source), name + ":/tmp/in.txt"], manager)
    assert run_cli(cli, ["exec", name, "cat", "/tmp/in.txt"], manager).stdout == "copied in\n"
    run_cli(cli, ["cp", name + ":/tmp/in.txt", str(tmp_path / "out.txt")], manager)
    assert (tmp_path / "out.txt").read_text() == "copied in\n"


@pytest.mark.parametrize("cli", available_clis())
def test_errors_the_cli_prints(manager, cli):
    failed = run_cli(cli, ["run", "-d", "-e", "constraint:zone==nowhere", "busybox", "true"], manager, check=False)
    assert failed.returncode != 0
    assert "Unable to find a node that satisfies the following conditions" in failed.stderr
    assert "zone==nowhere" in failed.stderr and "{\"message\"" not in failed.stderr
    name = PREFIX + "dup" + cli.replace(".", "")
    run_cli(cli, ["create", "--name", name, "busybox", "true"], manager)
    conflict = run_cli(cli, ["create", "--name", name, "busybox", "true"], manager, check=False)
    assert conflict.returncode != 0 and "Conflict" in conflict.stderr and "is already in use" in conflict.stderr
    missing = run_cli(cli, ["container", "inspect", PREFIX + "nothere"], manager, check=False)
    assert missing.returncode != 0 and "No such" in missing.stderr


def test_a_container_made_on_an_engine_shows_within_a_second(manager):
    name = PREFIX + "direct"
    client = engine_client(manager["lab"], "node-3")
    try:
        container = client.create_container("busybox", "sleep 300", name=name)
        client.start(container["Id"])
        started = time.monotonic()
        wait_for("the manager's docker ps to list it",
                 lambda: ("node-3/" + name) in run_cli("28", ["ps", "--format", "{{.Names}}"], manager).stdout, timeout=5)
        assert time.monotonic() - started < 1.5
        client.remove_container(container["Id"], force=True)
        wait_for("it to leave docker ps -a",
                 lambda: name not in run_cli("28", ["ps", "-a", "--format", "{{.Names}}"], manager).stdout, timeout=5)
    finally:
        client.close()


def test_tls_refuses_clients_without_certificate_and_plain_http(manager):
    cert = manager["lab"]["tls"]["cert_path"]
    context = ssl.create_default_context(cafile=cert + "/ca.pem")
    context.check_hostname = False
    with pytest.raises((ssl.SSLError, ConnectionError)):
        with socket.create_connection(("127.0.0.1", manager["port"]), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
                if not tls.recv(100):
                    raise ConnectionError("closed")
    with socket.create_connection(("127.0.0.1", manager["port"]), timeout=5) as raw:
        raw.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            answer = raw.recv(100)
        except ConnectionError:
            answer = b""
    assert not answer.startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("cli", available_clis())
def test_cli_without_certificate_gets_the_tls_alert_as_from_an_engine(manager, cli):
    """Both answer the handshake with an alert, which the CLI prints as `remote error: tls: ...` (not EOF/reset)."""
    cert = manager["lab"]["tls"]["cert_path"]
    engine = manager["lab"]["engines"][0]["addr"]
    env = {key: value for key, value in manager["env"].items() if not key.startswith("DOCKER_TLS") and key != "DOCKER_CERT_PATH"}
    errors = {}
    for target in ("127.0.0.1:%d" % manager["port"], engine):
        state = dict(manager, env=dict(env, DOCKER_HOST="tcp://" + target))
        proc = run_cli(cli, ["--tls", "--tlscacert", cert + "/ca.pem", "version", "--format", "{{.Server.Version}}"],
                       state, check=False, timeout=30)
        errors[target] = proc.stderr
        assert proc.returncode != 0, proc.stdout
    assert all("remote error: tls" in text for text in errors.values()), errors
    assert "TLS handshake with" in manager["log"].read_text()


def test_docker_sdk_runs_lists_and_removes(manager, monkeypatch):
    import docker

    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # requests would prefer them over the given CA
        monkeypatch.delenv(name, raising=False)

    cert = manager["lab"]["tls"]["cert_path"]
    tls = docker.tls.TLSConfig(client_cert=(cert + "/cert.pem", cert + "/key.pem"), ca_cert=cert + "/ca.pem", verify=True)
    client = docker.DockerClient(base_url="https://127.0.0.1:%d" % manager["port"], tls=tls, version="auto", timeout=30)
    try:
        container = client.containers.run("busybox", "sleep 300", name=PREFIX + "sdk", detach=True,
                                          environment=["constraint:zone==internal"], mem_limit="16m")
        assert client.api.inspect_container(container.id)["Node"]["Name"] in ("node-1", "node-3")
        assert [c.id for c in client.containers.list(filters={"name": PREFIX + "sdk"})] == [container.id]
        assert client.containers.run("busybox", "echo hello", remove=True) == b"hello\n"
        container.remove(force=True)
        assert client.containers.list(all=True, filters={"name": PREFIX + "sdk"}) == []
    finally:
        client.close()
