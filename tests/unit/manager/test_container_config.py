# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A create body -> request, engine body and labels (classic BuildContainerConfig)."""
from __future__ import annotations

import json

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.container_config import (
    BadRequest,
    build_create,
    decode_json,
    image_reference,
)


def names():
    return ["node-1", "node-2"]


def test_expressions_from_env_and_labels_are_merged_and_written_back():
    body = {"Image": "busybox", "Env": ["constraint:zone==external", "affinity:container!=db", "X=1",
                                        "whitelist:node==node-1|node-2"],
            "Labels": {"com.docker.swarm.constraints": "[\"disk==ssd\"]", "app": "web"}}
    spec = build_create(body, "web", names)
    assert spec.body["Env"] == ["X=1"]
    labels = spec.body["Labels"]
    assert json.loads(labels["com.docker.swarm.constraints"]) == ["disk==ssd", "zone==external"]
    assert json.loads(labels["com.docker.swarm.affinities"]) == ["container!=db"]
    assert json.loads(labels["com.docker.swarm.whitelists"]) == ["node==node-1|node-2"]
    assert labels["app"] == "web" and len(labels["com.docker.swarm.id"]) == 64
    assert spec.request["constraints"] == ["disk==ssd", "zone==external"] and spec.request["name"] == "web"
    assert body["Env"][0] == "constraint:zone==external"  # the client's body is not changed


def test_reservation_labels_match_what_swarm_container_writes():
    body = {"Image": "busybox", "ExposedPorts": {"80/tcp": {}},
            "HostConfig": {"NanoCpus": 1500000000, "Memory": 64 * 1024 * 1024, "VolumesFrom": ["data:ro"],
                           "Links": ["/db:/web/db"], "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}}
    spec = build_create(body, "web", names)
    ours = {k: v for k, v in spec.body["Labels"].items() if k.startswith("com.dockyard.swarm.")}
    module = build_desired({"name": "web", "image": "busybox", "cpus": 1.5, "memory": "64m", "ports": ["8080:80"],
                            "volumes_from": ["data:ro"], "links": ["db:db"]})
    theirs = {k: v for k, v in module.labels.items() if k.startswith("com.dockyard.swarm.")}
    assert ours == theirs
    assert spec.request["cpus"] == 1.5 and spec.request["links"] == ["db"]


def test_legacy_resources_cpu_shares_and_local_networks():
    spec = build_create({"Image": "busybox", "Memory": 1024, "CpuShares": 512, "HostConfig": {"NetworkMode": "node-2/net"},
                         "NetworkingConfig": {"EndpointsConfig": {"node-2/net": {}}}}, None, names)
    assert spec.body["HostConfig"]["Memory"] == 1024 and "Memory" not in spec.body
    assert spec.request["cpus"] == 0  # CpuShares are a weight for the engine, not a reservation
    assert spec.body["HostConfig"]["NetworkMode"] == "net"
    assert spec.body["NetworkingConfig"]["EndpointsConfig"] == {"net": {}}
    assert "node==~node-2" in json.loads(spec.body["Labels"]["com.docker.swarm.constraints"])


@pytest.mark.parametrize("body, message", [
    ({"Image": "b", "Env": ["reschedule:on-node-failure", "reschedule:off"]}, "too many reschedule policies"),
    ({"Image": "b", "Env": ["reschedule:sometimes"]}, "invalid reschedule policy: sometimes"),
    ({"Image": "b", "Labels": {"com.docker.swarm.constraints": "not json"}}, "must be a JSON array"),
    ({"Image": "b", "Env": "A=1"}, "Env must be a list"),
    ({"Image": "b", "HostConfig": {"Memory": -1}}, "must not be negative"),
    ({}, "No command specified"),
])
def test_bad_bodies(body, message):
    with pytest.raises(BadRequest, match=message):
        build_create(body, "x", names)


def test_image_reference_and_json_decoding():
    assert image_reference("busybox") == {"fromImage": "busybox", "tag": "latest"}
    assert image_reference("localhost:5000/app:1") == {"fromImage": "localhost:5000/app", "tag": "1"}
    assert image_reference("localhost:5000/app") == {"fromImage": "localhost:5000/app", "tag": "latest"}
    assert image_reference("a@sha256:00") == {"fromImage": "a", "tag": "sha256:00"}
    assert decode_json(b"  ") == {}
    with pytest.raises(BadRequest, match="malformed JSON"):
        decode_json(b"{")
