# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import cid, container, names, node

WEB = container("edge_webserver", labels={"com.example.type": "frontend"})
DB = container("/db", state="exited", labels={"com.example.type": "backend"})
PENDING = container("cache", id="", state="pending")
NAMELESS = container(None, id="f00d" + "0" * 60)
NODES = [
    node("node-1", containers=[WEB],
         images=[{"id": "sha256:" + cid("redis"), "tags": ["redis:7", "localhost:5000/test:v1"]}]),
    node("node-2", containers=[DB, NAMELESS], images=[{"id": "sha256:" + cid("nginx"), "tags": ["nginx:latest"]}]),
    node("node-3", containers=[PENDING]),
    node("node-4"),
]


def place(*affinities):
    return sorted(names(NODES, schedule({"affinities": list(affinities)}, NODES, filters=["affinity"])))


@pytest.mark.parametrize("affinities, expected", [
    (["container==edge_webserver"], ["node-1"]),
    (["container==" + WEB["id"]], ["node-1"]),            # full id
    (["container==" + WEB["id"][:12]], ["node-1"]),       # 12-char short id (a deliberate difference)
    (["container==" + WEB["id"][:4] + "*"], ["node-1"]),  # glob on the id
    (["container==db"], ["node-2"]),                      # stopped container, stored name "/db"
    (["container==cache"], ["node-3"]),                   # pending container
    (["container==edge*"], ["node-1"]),
    (["container==/^(db|cache)$/"], ["node-2", "node-3"]),
    (["container!=edge_webserver"], ["node-2", "node-3", "node-4"]),
    (["image==redis"], ["node-1"]),                       # repository
    (["image==redis:7"], ["node-1"]),                     # repo:tag
    (["image==sha256:" + cid("nginx")], ["node-2"]),      # image id
    (["image==localhost:5000/test"], ["node-1"]),         # repository with a registry port
    (["image!=redis"], ["node-2", "node-3", "node-4"]),
    (["com.example.type==frontend"], ["node-1"]),          # container label affinity
    (["com.example.type==backend"], ["node-2"]),
    (["com.example.type!=frontend"], ["node-2", "node-3", "node-4"]),
    (["com.example.type==*"], ["node-1", "node-2", "node-3"]),  # any node with a container
    (["container==edge_webserver", "image==redis"], ["node-1"]),
])
def test_affinities(affinities, expected):
    assert place(*affinities) == expected


def test_other_short_id_lengths_do_not_match():
    with pytest.raises(SchedulingError):
        place("container==" + WEB["id"][:11])
    with pytest.raises(SchedulingError):
        place("container==" + WEB["id"][:13])


def test_nameless_containers_are_skipped():
    with pytest.raises(SchedulingError):
        place("container==" + NAMELESS["id"])


def test_image_short_id_does_not_match():
    with pytest.raises(SchedulingError):
        place("image==" + cid("redis")[:12])


def test_failure_message_names_the_affinity():
    with pytest.raises(SchedulingError) as info:
        place("container==nope")
    assert info.value.filter == "affinity"
    assert str(info.value).splitlines()[-1].startswith(
        "affinity container==nope (soft=false) removed the last 4 nodes: node-1 (no container 'nope')")


# Ids are whatever the snapshot says: classic's own fixtures use ids like "container-n0-0-id",
# and pending or synthetic containers need not have Docker's 64-hex ids.
TEXT_ID = container("web-a", id="container-n0-0-id")
TEXT_NODES = [node("n0", containers=[TEXT_ID]), node("n1", containers=[container("web-b", id="container-n1-0-id")])]


@pytest.mark.parametrize("affinity, expected", [
    ("container==container-n0-0-id", ["n0"]),    # full id
    ("container==container-n0", ["n0"]),         # 12-character short id
    ("container==container-n0*", ["n0"]),        # glob on the id
    ("container==/^container-n1-/", ["n1"]),     # regex on the id
    ("container!=container-n0-0-id", ["n1"]),
])
def test_ids_that_are_not_hexadecimal(affinity, expected):
    assert sorted(names(TEXT_NODES, schedule({"affinities": [affinity]}, TEXT_NODES, filters=["affinity"]))) == expected
