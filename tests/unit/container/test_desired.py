# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""build_desired/settings_from: request, create body, labels, validation before any I/O."""
from __future__ import annotations

import json

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import (
    REPLICA_LABEL,
    Settings,
    build_desired,
    image_reference,
    settings_from,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import ContainerOptionError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import LABEL_CPUS, LABEL_MEMORY, LABEL_PORTS


def test_seed_edge_webserver():
    desired = build_desired({"name": "edge_webserver", "image": "busybox", "ports": ["80:80"],
                             "constraints": ["zone==external", "disk==ssd"], "command": "httpd -f -p 80"})
    assert desired.request["constraints"] == ["zone==external", "disk==ssd"]
    assert desired.request["ports"] == [{"host_ip": "", "host_port": 80, "container_port": 80, "protocol": "tcp"}]
    assert json.loads(desired.labels["com.docker.swarm.constraints"]) == ["zone==external", "disk==ssd"]
    assert json.loads(desired.labels[LABEL_PORTS])[0]["host_port"] == 80
    body = desired.body
    assert body["HostConfig"]["PortBindings"] == {"80/tcp": [{"HostIp": "", "HostPort": "80"}]}
    assert body["ExposedPorts"] == {"80/tcp": {}}
    assert body["Cmd"] == ["httpd", "-f", "-p", "80"]
    assert "Entrypoint" not in body


def test_classic_env_form_is_stripped_and_persisted_as_labels():
    desired = build_desired({"name": "app_1", "image": "busybox",
                             "env": ["affinity:container==edge_webserver", "MODE=prod", "constraint:zone==~internal"],
                             "constraints": ["disk==ssd"]})
    assert desired.body["Env"] == ["MODE=prod"]
    assert desired.request["env"] == ["MODE=prod"]
    assert json.loads(desired.labels["com.docker.swarm.affinities"]) == ["container==edge_webserver"]
    assert json.loads(desired.labels["com.docker.swarm.constraints"]) == ["disk==ssd", "zone==~internal"]
    assert desired.wanted["env"] == ["MODE=prod"]


def test_expressions_from_labels_are_merged():
    desired = build_desired({"name": "x", "image": "busybox",
                             "labels": {"com.docker.swarm.constraints": '["zone==external"]'}, "constraints": ["disk==ssd"]})
    assert json.loads(desired.labels["com.docker.swarm.constraints"]) == ["disk==ssd", "zone==external"]


def test_resources_and_reservation_labels():
    desired = build_desired({"name": "x", "image": "busybox", "cpus": 0.5, "memory": "64M"})
    assert desired.body["HostConfig"]["NanoCpus"] == 500000000
    assert desired.body["HostConfig"]["Memory"] == 64 * 1024 ** 2
    assert desired.labels[LABEL_CPUS] == "0.5" and desired.labels[LABEL_MEMORY] == str(64 * 1024 ** 2)
    assert desired.request["cpus"] == 0.5


def test_links_volumes_network():
    desired = build_desired({"name": "x", "image": "busybox", "links": ["db"], "volumes_from": ["data:ro"],
                             "volumes": ["/srv:/srv", "/tmp2"], "network_mode": "host"})
    host = desired.body["HostConfig"]
    assert host["Links"] == ["db:db"] and host["VolumesFrom"] == ["data:ro"] and host["Binds"] == ["/srv:/srv"]
    assert host["NetworkMode"] == "host"
    assert desired.body["Volumes"] == {"/tmp2": {}}
    assert desired.request["links"] == ["db"] and desired.request["volumes_from"] == ["data:ro"]


def test_replica_label():
    desired = build_desired({"name": "web", "image": "busybox"}, name="web-2", replica_of="web")
    assert desired.name == "web-2" and desired.labels[REPLICA_LABEL] == "web"
    assert REPLICA_LABEL in desired.managed_labels and REPLICA_LABEL not in desired.user_labels


@pytest.mark.parametrize("params, words", [
    ({"constraints": ["zone=external"]}, "operators"),
    ({"affinities": ["container==a,b"]}, "not allowed"),
    ({"env": ["constraint:zone"]}, "operators"),
    ({"ports": ["80:eighty"]}, "port"),
    ({"memory": "lots"}, "memory"),
    ({"labels": {"com.docker.swarm.constraints": "not json"}}, "JSON"),
    ({"cpus": float("inf")}, "^cpus: inf is not a number of CPUs"),
    ({"cpus": float("nan")}, "^cpus: "),
    ({"cpus": -1}, "^cpus: -1 must be 0 or more"),
    ({"memory": -5}, "^memory: "),
    ({"shm_size": "0"}, "^shm_size: "),
    ({"stop_timeout": -1}, "^stop_timeout: "),
    ({"restart_retries": 2}, "restart_retries needs restart_policy=on-failure"),
    ({"log_options": {"max-size": "1m"}}, "log_options needs log_driver"),
    ({"memory_swap": "1G"}, "memory_swap: .* needs memory"),
    ({"memory": "64M", "memory_swap": "32M"}, "memory_swap: .* below memory"),
    ({"memory": "64M", "memory_reservation": "128M"}, "memory_reservation: .* above memory"),
    ({"networks": [{"name": "a"}], "network_mode": "host"}, "networks cannot be joined with network_mode host"),
    ({"healthcheck": {"test": "true", "interval": "often"}}, "healthcheck.interval: 'often' is not a duration"),
    ({"ulimits": ["nofile=1024"]}, "ulimits: 'nofile=1024' is not name:soft"),
    ({"replicas": -1}, "^replicas: "),
])
def test_bad_requests_fail_before_io(params, words):
    with pytest.raises(ContainerOptionError, match=words):
        build_desired(dict({"name": "x", "image": "busybox"}, **params))


@pytest.mark.parametrize("params, words", [
    ({"strategy": "fastest"}, "strategy 'fastest' not supported"),
    ({"filters": ["health", "gpu"]}, "filter 'gpu' not supported"),
    ({"overcommit": -1}, "overcommit"),
    ({"state": "running"}, "state"),
    ({"pull": "sometimes"}, "pull"),
])
def test_bad_settings(params, words):
    with pytest.raises(ContainerOptionError, match=words):
        settings_from(params)


def test_settings_defaults():
    settings = settings_from({})
    assert (settings.state, settings.pull, settings.strategy, settings.filters, settings.overcommit) == (
        "started", "missing", "spread", None, 0.05)
    assert settings_from({"strategy": "binpack", "filters": ["health"]}).filters == ["health"]
    assert settings == Settings()  # the dataclass and settings_from read the same table defaults
    assert (settings.stop_timeout, settings.lock_timeout, settings.recreate) == (None, 120, False)
    assert settings_from({"stop_timeout": 5, "lock_timeout": 1.5}).stop_timeout == 5


@pytest.mark.parametrize("params, words", [
    ({"overcommit": float("inf")}, "^overcommit: inf is not a fraction"),
    ({"overcommit": float("nan")}, "^overcommit: "),
    ({"lock_timeout": float("inf")}, "^lock_timeout: "),
    ({"lock_timeout": -1}, "^lock_timeout: -1 must be 0 or more"),
])
def test_bad_numeric_settings(params, words):
    with pytest.raises(ContainerOptionError, match=words):
        settings_from(params)


def test_docker_run_options_in_the_body():
    desired = build_desired({"name": "web", "image": "busybox", "hostname": "web", "user": "1000", "working_dir": "/app/",
                             "healthcheck": {"test": "true", "interval": "30s"}, "stop_timeout": 5, "init": True,
                             "capabilities": ["NET_ADMIN"], "ulimits": ["nofile:1024:2048"], "tmpfs": ["/run"],
                             "etc_hosts": {"db": "10.0.0.2"}, "log_driver": "json-file", "log_options": {"max-size": "1m"},
                             "restart_policy": "on-failure", "restart_retries": 3, "exposed_ports": ["9000"]})
    body, host = desired.body, desired.body["HostConfig"]
    assert (body["Hostname"], body["User"], body["WorkingDir"], body["StopTimeout"]) == ("web", "1000", "/app", 5)
    assert body["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 30 * 10 ** 9}
    assert host["Init"] is True and host["CapAdd"] == ["CAP_NET_ADMIN"] and host["Tmpfs"] == {"/run": ""}
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}] and host["ExtraHosts"] == ["db:10.0.0.2"]
    assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m"}}
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert body["ExposedPorts"] == {"9000/tcp": {}} and desired.request["exposed_ports"] == ["9000/tcp"]


def test_networks_body_and_network_mode():
    desired = build_desired({"name": "web", "image": "busybox",
                             "networks": [{"name": "backend", "aliases": ["www"], "links": ["db:database"]}, {"name": "front"}]})
    assert desired.body["HostConfig"]["NetworkMode"] == "backend" == desired.request["network_mode"]
    assert desired.body["NetworkingConfig"]["EndpointsConfig"] == {
        "backend": {"Aliases": ["www"], "Links": ["db:database"]}, "front": {}}
    assert desired.request["links"] == ["db"]  # a network link places the container beside its target too
    bridged = build_desired({"name": "web", "image": "busybox", "network_mode": "bridge", "networks": [{"name": "front"}]})
    assert bridged.body["HostConfig"]["NetworkMode"] == "bridge"


def test_env_file_under_env(tmp_path):
    path = tmp_path / "app.env"
    path.write_text("A=from-file\nB=2\n")
    desired = build_desired({"name": "x", "image": "busybox", "env_file": str(path), "env": ["A=1", "constraint:zone==x"]})
    assert desired.body["Env"] == ["B=2", "A=1"] and desired.wanted["env"] == ["A=1", "B=2"]
    only_file = build_desired({"name": "x", "image": "busybox", "env_file": str(path)})
    assert only_file.body["Env"] == ["A=from-file", "B=2"]


def test_options_not_given_are_not_in_the_body():
    desired = build_desired({"name": "x", "image": "busybox"})
    assert set(desired.body) == {"Image", "HostConfig", "Labels"}
    assert set(desired.body["HostConfig"]) == {"NetworkMode"}
    assert sorted(desired.wanted) == ["cpus", "image", "links", "memory", "network_mode", "ports", "volumes_from"]


def test_image_reference():
    assert image_reference("busybox") == "busybox:latest"
    assert image_reference("localhost:5000/busybox") == "localhost:5000/busybox:latest"
    assert image_reference("busybox:1.36") == "busybox:1.36"
    assert image_reference("busybox@sha256:abc") == "busybox@sha256:abc"
