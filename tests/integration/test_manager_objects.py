# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images, the private registry, networks, volumes and events through the manager (a TLS subprocess in
front of the lab's three engines), with both docker CLIs and the Docker SDK; every engine is checked
directly. Names carry a unique prefix; at the end every container, network, volume and image tag made
here is removed from the engines directly, and the private image is left on no engine (as the lab has it).
"""
from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .helpers import engine_client, wait_for
# the manager fixture (a TLS `swarm manage` subprocess in front of the lab) is test_manager_docker's
from .test_manager_docker import CLIS, available_clis, manager, run_cli  # noqa: F401  # pylint: disable=unused-import

pytestmark = pytest.mark.integration

PREFIX = "dyobj%s" % uuid.uuid4().hex[:6]


@pytest.fixture(scope="module")
def registry(lab) -> Dict[str, Any]:
    reg = lab.get("registry")
    if not reg or not reg.get("private_image"):
        pytest.skip("the lab runs without its registry (or its engines do not trust it): restart the lab")
    return reg


def engines(lab: Dict[str, Any]) -> List[str]:
    return [engine["name"] for engine in lab["engines"]]


def engine_images(lab: Dict[str, Any], name: str) -> List[str]:
    client = engine_client(lab, name)
    try:
        return [tag for image in client.images() for tag in image.get("RepoTags") or []]
    finally:
        client.close()


def remove_everywhere(lab: Dict[str, Any], image: str) -> None:
    for name in engines(lab):
        client = engine_client(lab, name)
        try:
            if image in [tag for i in client.images() for tag in i.get("RepoTags") or []]:
                client.remove_image(image)
        finally:
            client.close()


def remove_prefixed(lab: Dict[str, Any], prefix: str) -> None:
    """Remove, directly on every engine, the containers, networks, volumes and image tags named ``prefix...``,
    and the lab's private image (which the lab keeps on no engine)."""
    private = (lab.get("registry") or {}).get("private_image")
    for name in engines(lab):
        client = engine_client(lab, name)
        try:
            for container in client.containers(all=True, filters={"name": prefix}):
                client.remove_container(container["Id"], force=True)
            for network in client.networks():
                if network["Name"].startswith(prefix):
                    client.remove_network(network["Id"])
            for volume in client.volumes().get("Volumes") or []:
                if volume["Name"].startswith(prefix):
                    client.remove_volume(volume["Name"], force=True)
            for image in client.images():
                for tag in image.get("RepoTags") or []:
                    if tag.startswith(prefix) or tag == private:
                        client.remove_image(tag, force=True)
        finally:
            client.close()


@pytest.fixture(scope="module", autouse=True)
def cleanup(lab, manager):  # noqa: F811  (pytest fixture argument)
    """Leave nothing behind on the engines."""
    yield
    remove_prefixed(lab, PREFIX)


def cli_state(manager_state: Dict[str, Any], config: Path) -> Dict[str, Any]:
    """The manager's CLI environment with a DOCKER_CONFIG of the test's own (logins stay there)."""
    config.mkdir(exist_ok=True)
    return dict(manager_state, env=dict(manager_state["env"], DOCKER_CONFIG=str(config)))


def login(cli: str, state: Dict[str, Any], registry: Dict[str, Any], password: str) -> subprocess.CompletedProcess:
    return run_cli(cli, ["login", "-u", registry["username"], "--password-stdin", registry["addr"]], state, check=False,
                   stdin=password + "\n")


@pytest.mark.parametrize("cli", available_clis())
def test_private_image_login_pull_run_list_and_rmi_through_the_manager(manager, lab, registry, cli, tmp_path):  # noqa: F811
    private = registry["private_image"]
    remove_everywhere(lab, private)
    state = cli_state(manager, tmp_path / "config")
    refused = run_cli(cli, ["pull", private], state, check=False)
    assert refused.returncode != 0 and "no basic auth credentials" in refused.stderr  # the engine's words
    wrong = login(cli, state, registry, "not-the-password")
    assert wrong.returncode != 0 and "401 Unauthorized" in wrong.stderr
    assert "Login Succeeded" in login(cli, state, registry, registry["password"]).stdout
    pulled = run_cli(cli, ["pull", private], state, timeout=180)
    for name in engines(lab):
        assert "%s: Pulling %s... : downloaded" % (name, private) in pulled.stdout
        assert private in engine_images(lab, name)
    listed = run_cli(cli, ["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"], state).stdout.splitlines()
    assert [line for line in listed if line.startswith(private + " ")] == ["%s %s" % (private, lab["image"]["id"][7:19])]
    # an engine without the image: the create fails there, the CLI pulls with its login, the run proceeds
    client = engine_client(lab, "node-3")
    try:
        client.remove_image(private)
    finally:
        client.close()
    wait_for("the manager to see node-3 without it", lambda: private not in run_cli(
        cli, ["images", "--filter", "node=node-3", "--format", "{{.Repository}}:{{.Tag}}"], state).stdout, timeout=5)
    ran = run_cli(cli, ["run", "--rm", "--name", PREFIX + "priv" + cli.replace(".", ""), "-e", "constraint:node==node-3",
                        private, "echo", "ran on node-3"], state, timeout=180)
    assert ran.stdout.strip().endswith("ran on node-3")
    assert private in engine_images(lab, "node-3")
    removed = run_cli(cli, ["rmi", private], state)
    assert "Untagged: %s" % private in removed.stdout
    for name in engines(lab):
        assert private not in engine_images(lab, name)


@pytest.mark.parametrize("cli", available_clis())
def test_search_answers_what_the_engine_answers(manager, lab, registry, cli):  # noqa: F811
    """The lab has no internet: a search on the private registry (which has no v1 search) fails there, and the
    manager passes the engine's very error through."""
    term = registry["addr"] + "/busybox"
    through = run_cli(cli, ["search", term], manager, check=False)
    direct = subprocess.run([CLIS[cli], "-H", lab["engines"][0]["docker_host"], "search", term],
                            env=manager["env"], capture_output=True, text=True, timeout=60, check=False)
    assert through.returncode == direct.returncode != 0
    assert through.stderr == direct.stderr and "Unexpected status code 404" in through.stderr


@pytest.mark.parametrize("cli", available_clis())
def test_tag_filters_commit_save_and_load(manager, lab, cli, tmp_path):  # noqa: F811
    tag = "%s/bb%s:1" % (PREFIX, cli.replace(".", ""))
    run_cli(cli, ["tag", "busybox:latest", tag], manager)
    for name in engines(lab):
        assert tag in engine_images(lab, name)  # tagged on every engine that has busybox
    only = run_cli(cli, ["images", "--filter", "reference=%s/*" % PREFIX, "--format", "{{.Repository}}:{{.Tag}}"], manager)
    assert tag in only.stdout.split()
    on_node = run_cli(cli, ["images", "--filter", "node=node-2", "--filter", "reference=" + tag, "-q"], manager).stdout.split()
    assert on_node == [lab["image"]["id"][7:19]]
    container = PREFIX + "commit" + cli.replace(".", "")
    run_cli(cli, ["run", "--name", container, "-e", "constraint:node==node-2", "busybox", "sh", "-c", "echo saved > /f"], manager)
    snapshot = "%s/snap%s:1" % (PREFIX, cli.replace(".", ""))
    run_cli(cli, ["commit", container, snapshot], manager)
    assert [snapshot in engine_images(lab, name) for name in engines(lab)] == [False, True, False]
    archive = tmp_path / "snap.tar"
    run_cli(cli, ["save", "-o", str(archive), snapshot], manager)
    run_cli(cli, ["rmi", snapshot], manager)
    loaded = run_cli(cli, ["load", "-i", str(archive)], manager)
    for name in engines(lab):
        assert "%s: Loaded image: %s" % (name, snapshot) in loaded.stdout
        assert snapshot in engine_images(lab, name)
    shown = run_cli(cli, ["run", "--rm", "-e", "constraint:node==node-3", snapshot, "cat", "/f"], manager)
    assert shown.stdout == "saved\n"
    run_cli(cli, ["rm", container], manager)
    run_cli(cli, ["rmi", snapshot, tag], manager)
    for name in engines(lab):
        assert not {snapshot, tag} & set(engine_images(lab, name))
    missing = run_cli(cli, ["image", "inspect", PREFIX + "/nothere:1"], manager, check=False)
    assert missing.returncode != 0 and "No such image: %s/nothere:1" % PREFIX in missing.stderr


def engine_networks(lab: Dict[str, Any], name: str) -> List[str]:
    client = engine_client(lab, name)
    try:
        return [network["Name"] for network in client.networks()]
    finally:
        client.close()


@pytest.mark.parametrize("cli", available_clis())
def test_network_on_one_node_and_on_every_node(manager, lab, cli):  # noqa: F811
    net = PREFIX + "net" + cli.replace(".", "")
    run_cli(cli, ["network", "create", "node-1/" + net], manager)
    assert [net in engine_networks(lab, name) for name in engines(lab)] == [True, False, False]
    listed = run_cli(cli, ["network", "ls", "--filter", "name=" + net, "--format", "{{.Name}} {{.Driver}}"], manager).stdout
    assert listed.split("\n")[0] == "node-1/%s bridge" % net
    container = PREFIX + "onnet" + cli.replace(".", "")
    run_cli(cli, ["run", "-d", "--name", container, "--network", "node-1/" + net, "busybox", "sleep", "300"], manager)
    assert run_cli(cli, ["inspect", "-f", "{{.Node.Name}}", container], manager).stdout.strip() == "node-1"
    assert run_cli(cli, ["ps", "--filter", "network=" + net, "--format", "{{.Names}}"], manager).stdout.split() == [
        "node-1/" + container]
    run_cli(cli, ["network", "disconnect", "node-1/" + net, container], manager)
    run_cli(cli, ["network", "connect", net, container], manager)
    inspected = json.loads(run_cli(cli, ["network", "inspect", "node-1/" + net], manager).stdout)[0]
    assert inspected["Name"] == "node-1/" + net and len(inspected["Containers"]) == 1
    run_cli(cli, ["rm", "-f", container], manager)
    run_cli(cli, ["network", "rm", "node-1/" + net], manager)
    assert not any(net in engine_networks(lab, name) for name in engines(lab))
    everywhere = net + "all"
    run_cli(cli, ["network", "create", everywhere], manager)
    assert all(everywhere in engine_networks(lab, name) for name in engines(lab))
    shown = run_cli(cli, ["network", "ls", "--filter", "name=" + everywhere, "--format", "{{.Name}}"], manager).stdout.split()
    assert shown == ["%s/%s" % (name, everywhere) for name in engines(lab)]
    run_cli(cli, ["network", "rm", everywhere], manager)
    assert not any(everywhere in engine_networks(lab, name) for name in engines(lab))
    builtin = run_cli(cli, ["network", "rm", "node-2/bridge"], manager, check=False)
    assert builtin.returncode != 0 and "pre-defined network" in builtin.stderr


def engine_volumes(lab: Dict[str, Any], name: str) -> List[str]:
    client = engine_client(lab, name)
    try:
        return [volume["Name"] for volume in client.volumes().get("Volumes") or []]
    finally:
        client.close()


@pytest.mark.parametrize("cli", available_clis())
def test_volumes_on_a_node_on_every_node_inspect_prune(manager, lab, cli):  # noqa: F811
    vol = PREFIX + "vol" + cli.replace(".", "")
    assert run_cli(cli, ["volume", "create", "node-2/" + vol], manager).stdout.strip() == "node-2/" + vol
    assert [vol in engine_volumes(lab, name) for name in engines(lab)] == [False, True, False]
    assert run_cli(cli, ["volume", "create", "--label", "dytest=" + PREFIX, vol + "all"], manager).stdout.strip() == vol + "all"
    assert all(vol + "all" in engine_volumes(lab, name) for name in engines(lab))
    listed = run_cli(cli, ["volume", "ls", "--filter", "name=" + vol, "--format", "{{.Name}}"], manager).stdout.split()
    assert sorted(listed) == sorted(["node-2/" + vol] + ["%s/%sall" % (name, vol) for name in engines(lab)])
    inspected = json.loads(run_cli(cli, ["volume", "inspect", "node-2/" + vol], manager).stdout)[0]
    assert inspected["Name"] == "node-2/" + vol and "/node-2/" in inspected["Mountpoint"]
    wrote = run_cli(cli, ["run", "--rm", "-v", vol + "all:/data", "-e", "constraint:node==node-3", "busybox", "sh", "-c",
                          "echo kept > /data/f && cat /data/f"], manager)
    assert wrote.stdout == "kept\n"
    pruned = run_cli(cli, ["volume", "prune", "-f", "--filter", "label=dytest=" + PREFIX], manager)
    assert pruned.stdout.count(vol + "all") == 3
    run_cli(cli, ["volume", "rm", "node-2/" + vol], manager)
    assert not any(vol in " ".join(engine_volumes(lab, name)) for name in engines(lab))
    missing = run_cli(cli, ["volume", "inspect", vol], manager, check=False)
    assert missing.returncode != 0 and "no such volume" in missing.stderr.lower()


@pytest.mark.parametrize("cli", available_clis())
def test_events_with_since_until_and_filters_name_their_nodes(manager, lab, cli):  # noqa: F811
    start = int(time.time()) - 1
    net = PREFIX + "ev" + cli.replace(".", "")
    run_cli(cli, ["network", "create", "node-2/" + net], manager)
    run_cli(cli, ["network", "rm", "node-2/" + net], manager)
    tag = "%s/ev%s:1" % (PREFIX, cli.replace(".", ""))
    run_cli(cli, ["tag", "busybox", tag], manager)
    run_cli(cli, ["rmi", tag], manager)
    until = int(time.time()) + 2
    fmt = "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{index .Actor.Attributes \"node.name\"}}"
    networks = run_cli(cli, ["events", "--since", str(start), "--until", str(until), "--filter", "type=network",
                             "--filter", "network=" + net, "--format", fmt], manager, timeout=30).stdout.splitlines()
    assert networks == ["network create %s node-2" % net, "network destroy %s node-2" % net]
    images = run_cli(cli, ["events", "--since", str(start), "--until", str(until), "--filter", "type=image",
                           "--filter", "image=" + tag, "--format", fmt], manager, timeout=30).stdout.splitlines()
    assert sorted(images) == ["image tag %s %s" % (tag, name) for name in engines(lab)]
    one = run_cli(cli, ["events", "--since", str(start), "--until", str(until), "--filter", "type=image",
                        "--filter", "node=node-1", "--format", fmt], manager, timeout=30).stdout.splitlines()
    assert "image tag %s node-1" % tag in one and all(line.endswith(" node-1") for line in one)
    assert any(line.startswith("image untag ") for line in one[one.index("image tag %s node-1" % tag):])


def test_docker_sdk_images_networks_volumes(manager, lab, registry, monkeypatch, tmp_path):  # noqa: F811
    import docker

    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))  # the SDK keeps nothing of ours in ~/.docker
    cert = lab["tls"]["cert_path"]
    tls = docker.tls.TLSConfig(client_cert=(cert + "/cert.pem", cert + "/key.pem"), ca_cert=cert + "/ca.pem", verify=True)
    client = docker.DockerClient(base_url="https://127.0.0.1:%d" % manager["port"], tls=tls, version="auto", timeout=120)
    private = registry["private_image"]
    remove_everywhere(lab, private)
    try:
        with pytest.raises(docker.errors.APIError, match="401 Unauthorized"):
            client.login(registry["username"], "not-the-password", registry=registry["addr"], reauth=True)
        answer = client.login(registry["username"], registry["password"], registry=registry["addr"], reauth=True)
        assert answer["Status"] == "Login Succeeded"
        image = client.images.pull(private.rsplit(":", 1)[0], tag="latest")
        assert image.id == lab["image"]["id"] and private in image.tags
        assert all(private in engine_images(lab, name) for name in engines(lab))
        assert [i.id for i in client.images.list() if private in i.tags] == [image.id]  # once, for three engines
        image.tag(PREFIX + "/sdk", "1")
        assert all(PREFIX + "/sdk:1" in engine_images(lab, name) for name in engines(lab))
        client.images.remove(PREFIX + "/sdk:1")
        client.images.remove(private)
        assert not any({private, PREFIX + "/sdk:1"} & set(engine_images(lab, name)) for name in engines(lab))
        network = client.networks.create("node-3/%ssdk" % PREFIX, driver="bridge")
        assert network.name == "node-3/%ssdk" % PREFIX
        assert [n.name for n in client.networks.list(names=[PREFIX + "sdk"])] == [network.name]
        container = client.containers.run("busybox", "sleep 300", name=PREFIX + "sdkct", detach=True, network=network.name)
        assert client.api.inspect_container(container.id)["Node"]["Name"] == "node-3"
        container.remove(force=True)
        network.remove()
        assert PREFIX + "sdk" not in engine_networks(lab, "node-3")
        volume = client.volumes.create(PREFIX + "sdkvol")
        assert sorted(v.name for v in client.volumes.list(filters={"name": PREFIX + "sdkvol"})) == [
            "%s/%ssdkvol" % (name, PREFIX) for name in engines(lab)]
        volume.remove()
        assert not any(PREFIX + "sdkvol" in engine_volumes(lab, name) for name in engines(lab))
    finally:
        client.close()
