# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import container, names, node

DB = container("db", state="exited", labels={"com.docker.swarm.id": "5" * 64})
CACHE = container("/cache")
NODES = [node("n1", containers=[DB]), node("n2", containers=[CACHE]), node("n3")]


def place(**request):
    return names(NODES, schedule(request, NODES, filters=["dependency"]))


@pytest.mark.parametrize("request_, expected", [
    ({"volumes_from": ["db"]}, ["n1"]),
    ({"volumes_from": ["db:ro"]}, ["n1"]),
    ({"links": ["cache:c"]}, ["n2"]),
    ({"links": ["/cache:/web/c"]}, ["n2"]),
    ({"network_mode": "container:db"}, ["n1"]),
    ({"volumes_from": [DB["id"]]}, ["n1"]),
    ({"volumes_from": [DB["id"][:12]]}, ["n1"]),
    ({"volumes_from": ["5" * 12]}, ["n1"]),        # Swarm ID
    ({"volumes_from": ["n1/db"]}, ["n1"]),          # <node>/name
    ({"links": [CACHE["id"][:6]]}, ["n2"]),        # unique id prefix
    ({}, ["n1", "n2", "n3"]),
])
def test_dependencies(request_, expected):
    assert sorted(place(**request_)) == expected


def test_all_dependencies_are_required():
    with pytest.raises(SchedulingError) as info:
        place(volumes_from=["db"], links=["cache"])
    assert str(info.value).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[--volumes-from=db --link=cache] removed 3 of 3 nodes",
        "dependency --link=cache removed the last 1 node: n1 (no container 'cache')",
    ]
    assert info.value.expression == "--link=cache"


def test_net_container_text():
    with pytest.raises(SchedulingError, match=r"\[--net=container:nope\]"):
        place(network_mode="container:nope")
