# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker-compose 1.29 and the community.docker modules through the manager (a TLS subprocess in front of
the lab): placement by constraint and affinity, idempotent second runs, images, networks and volumes,
checked on the engines directly. Names carry a unique prefix; everything is removed at the end.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest

from .helpers import engine_client
from .test_manager_objects import remove_prefixed
# the manager fixture (a TLS `swarm manage` subprocess in front of the lab) is test_manager_docker's
from .test_manager_docker import manager, run_cli  # noqa: F401  # pylint: disable=unused-import

pytestmark = pytest.mark.integration

PREFIX = "dycli%s" % uuid.uuid4().hex[:6]
COMPOSE = "/usr/bin/docker-compose"


@pytest.fixture(scope="module", autouse=True)
def cleanup(lab, manager):  # noqa: F811
    """Leave nothing behind on the engines."""
    yield
    remove_prefixed(lab, PREFIX)


def node_of(manager_state: Dict[str, Any], name: str) -> str:
    return run_cli("28", ["inspect", "-f", "{{.Node.Name}}", name], manager_state).stdout.strip()


def compose(manager_state: Dict[str, Any], project_dir: Path, project: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in manager_state["env"].items() if key not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    proc = subprocess.run([COMPOSE, "-p", project, *args], cwd=project_dir, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert proc.returncode == 0, "docker-compose %s failed:\n%s\n%s" % (" ".join(args), proc.stdout, proc.stderr)
    return proc


def project_containers(lab: Dict[str, Any], project: str) -> List[str]:
    found = []
    for engine in lab["engines"]:
        client = engine_client(lab, engine["name"])
        try:
            found += ["%s/%s" % (engine["name"], c["Names"][0][1:])
                      for c in client.containers(all=True, filters={"label": "com.docker.compose.project=" + project})]
        finally:
            client.close()
    return found


def test_compose_places_by_constraint_and_affinity_and_cleans_up(manager, lab, tmp_path):  # noqa: F811
    if not os.path.exists(COMPOSE):
        pytest.fail("%s is missing: run scripts/install-system-deps.sh" % COMPOSE)
    project = PREFIX + "app"
    (tmp_path / "docker-compose.yml").write_text("""
version: "2.4"
services:
  front:
    image: busybox
    command: ["httpd", "-f", "-p", "80", "-h", "/"]
    network_mode: bridge
    environment:
      - "constraint:zone==external"
  back:
    image: busybox
    command: ["sh", "-c", "echo back started; sleep 300"]
    network_mode: bridge
    depends_on: [front]
    environment:
      - "affinity:container==%s_front_1"
""" % project)
    compose(manager, tmp_path, project, "up", "-d")
    assert node_of(manager, project + "_front_1") == "node-2"  # zone==external
    assert node_of(manager, project + "_back_1") == "node-2"  # beside front
    listed = compose(manager, tmp_path, project, "ps").stdout
    assert listed.count(" Up ") == 2 and project + "_back_1" in listed
    assert "back started" in compose(manager, tmp_path, project, "logs", "--no-color", "back").stdout
    again = compose(manager, tmp_path, project, "up", "-d").stderr
    assert again.count("is up-to-date") == 2
    assert sorted(project_containers(lab, project)) == ["node-2/%s_back_1" % project, "node-2/%s_front_1" % project]
    compose(manager, tmp_path, project, "down")
    assert project_containers(lab, project) == []


def test_compose_default_network_exists_wherever_the_services_land(manager, lab, tmp_path):  # noqa: F811
    """Without network_mode compose makes `<project>_default`: through the manager a plain network name is made on
    every engine, so services placed on different nodes each join their node's copy; down removes every copy."""
    project = PREFIX + "net"
    (tmp_path / "docker-compose.yml").write_text("""
version: "2.4"
services:
  one:
    image: busybox
    command: ["sleep", "300"]
    environment: ["constraint:node==node-1"]
  three:
    image: busybox
    command: ["sleep", "300"]
    environment: ["constraint:node==node-3"]
""")
    compose(manager, tmp_path, project, "up", "-d")
    assert (node_of(manager, project + "_one_1"), node_of(manager, project + "_three_1")) == ("node-1", "node-3")
    networks = run_cli("28", ["network", "ls", "--filter", "name=%s_default" % project, "--format", "{{.Name}}"], manager)
    assert networks.stdout.split() == ["%s/%s_default" % (engine["name"], project) for engine in lab["engines"]]
    assert compose(manager, tmp_path, project, "up", "-d").stderr.count("is up-to-date") == 2
    compose(manager, tmp_path, project, "down")
    assert project_containers(lab, project) == []
    assert run_cli("28", ["network", "ls", "-q", "--filter", "name=" + project], manager).stdout.strip() == ""


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/community.docker.docker:
      docker_host: "tcp://127.0.0.1:{port}"
      tls: true
      validate_certs: true
      ca_path: "{cert}/ca.pem"
      client_cert: "{cert}/cert.pem"
      client_key: "{cert}/key.pem"
  vars:
    container: &container
      image: busybox
      command: sleep 300
  tasks:
    - community.docker.docker_login:
        registry_url: "{registry}"
        username: "{username}"
        password: "{{{{ lookup('env', 'DYTEST_REGISTRY_PASSWORD') }}}}"
        config_path: "{config}"
      register: login
    - community.docker.docker_image_pull: {{name: "{private}"}}
      register: pull
    - community.docker.docker_image_pull: {{name: "{private}", pull: not_present}}
      register: pull_again
    - community.docker.docker_container:
        <<: *container
        name: {prefix}-labelled
        labels: {{com.docker.swarm.constraints: '["zone==external"]'}}
      register: labelled
    - community.docker.docker_container:
        <<: *container
        name: {prefix}-labelled
        labels: {{com.docker.swarm.constraints: '["zone==external"]'}}
      register: labelled_again
    - community.docker.docker_container:
        <<: *container
        name: {prefix}-env
        env: {{"constraint:zone": "=internal"}}
        comparisons: {{env: ignore}}
      register: by_env
    - community.docker.docker_container:
        <<: *container
        name: {prefix}-env
        env: {{"constraint:zone": "=internal"}}
        comparisons: {{env: ignore}}
      register: by_env_again
    - community.docker.docker_container_info: {{name: "{prefix}-labelled"}}
      register: info
    - community.docker.docker_host_info: {{containers: true}}
      register: host
    - community.docker.docker_network: {{name: "node-3/{prefix}net"}}
      register: network
    - community.docker.docker_network: {{name: "node-3/{prefix}net"}}
      register: network_again
    - community.docker.docker_volume: {{name: "node-1/{prefix}vol"}}
      register: volume
    - community.docker.docker_volume: {{name: "node-1/{prefix}vol"}}
      register: volume_again
    - community.docker.docker_image: {{name: "{private}", repository: "{prefix}/bb:1", source: local}}
      register: tagged
    - community.docker.docker_network: {{name: "node-3/{prefix}net", state: absent}}
    - community.docker.docker_volume: {{name: "node-1/{prefix}vol", state: absent}}
    - community.docker.docker_container: {{name: "{{{{ item }}}}", state: absent}}
      loop: ["{prefix}-labelled", "{prefix}-env"]
    - community.docker.docker_image: {{name: "{prefix}/bb:1", state: absent}}
      register: removed
    - ansible.builtin.copy:
        dest: "{results}"
        content: "{{{{ {{'login': login, 'pull': pull, 'pull_again': pull_again, 'labelled': labelled,
                       'labelled_again': labelled_again, 'by_env': by_env, 'by_env_again': by_env_again, 'info': info,
                       'host': host, 'network': network, 'network_again': network_again, 'volume': volume,
                       'volume_again': volume_again, 'tagged': tagged, 'removed': removed}} | to_json }}}}"
"""


def engine_tags(lab: Dict[str, Any], name: str) -> List[str]:
    client = engine_client(lab, name)
    try:
        return [tag for image in client.images() for tag in image.get("RepoTags") or []]
    finally:
        client.close()


def test_community_docker_modules_place_idempotently_through_the_manager(manager, lab, ansible_env, tmp_path):  # noqa: F811
    registry = lab.get("registry") or {}
    if not registry.get("private_image"):
        pytest.skip("the lab runs without its registry (or its engines do not trust it)")
    private = registry["private_image"]
    for engine in lab["engines"]:
        client = engine_client(lab, engine["name"])
        try:
            if private in [tag for image in client.images() for tag in image.get("RepoTags") or []]:
                client.remove_image(private)
        finally:
            client.close()
    results = tmp_path / "results.json"
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(PLAYBOOK.format(port=manager["port"], cert=lab["tls"]["cert_path"], registry=registry["addr"],
                                        username=registry["username"], private=private, prefix=PREFIX,
                                        config=tmp_path / "docker-config" / "config.json", results=results))
    env = {key: value for key, value in ansible_env.items() if key not in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")}
    env.update(DYTEST_REGISTRY_PASSWORD=registry["password"], DOCKER_CONFIG=str(tmp_path / "docker-config"))
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), str(playbook)], env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:] + "\nmanager log:\n" + manager["log"].read_text()[-4000:]
    found = json.loads(results.read_text())
    assert found["login"]["changed"] and found["login"]["login_result"]["Status"] == "Login Succeeded"
    assert found["pull"]["changed"] and not found["pull_again"]["changed"]
    assert found["labelled"]["changed"] and found["labelled"]["container"]["Node"]["Name"] == "node-2"
    assert not found["labelled_again"]["changed"]  # the label form is idempotent
    assert found["by_env"]["container"]["Node"]["Name"] in ("node-1", "node-3") and not found["by_env_again"]["changed"]
    assert found["info"]["exists"] and found["info"]["container"]["Node"]["Name"] == "node-2"
    names = [name for container in found["host"]["containers"] for name in container["Names"]]
    assert "/node-2/%s-labelled" % PREFIX in names
    assert found["network"]["changed"] and found["network"]["network"]["Name"] == "node-3/%snet" % PREFIX
    assert not found["network_again"]["changed"]
    assert found["volume"]["changed"] and found["volume"]["volume"]["Name"] == "node-1/%svol" % PREFIX
    assert not found["volume_again"]["changed"]
    assert found["tagged"]["changed"] and found["removed"]["changed"]
    for engine in lab["engines"]:  # pulled on every engine; the new tag removed from every engine again
        tags = engine_tags(lab, engine["name"])
        assert private in tags and PREFIX + "/bb:1" not in tags
    run_cli("28", ["rmi", private], manager)
    assert not any(private in engine_tags(lab, engine["name"]) for engine in lab["engines"])
