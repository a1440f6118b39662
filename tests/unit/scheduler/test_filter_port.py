# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import container, names, node, port


def place(request, nodes):
    return sorted(names(nodes, schedule(request, nodes, filters=["port"])))


def cluster(*bindings, state="running", network_mode="bridge", exposed=()):
    return [node("busy", containers=[container("holder", state=state, network_mode=network_mode,
                                               ports=list(bindings), exposed_ports=list(exposed))]),
            node("free")]


@pytest.mark.parametrize("existing, wanted, expected", [
    (port(80), port(80), ["free"]),
    (port(80), port(8080, 80), ["busy", "free"]),
    (port("80"), port(80), ["free"]),                                   # string host ports
    (port(53, protocol="udp"), port(53, protocol="tcp"), ["busy", "free"]),  # protocol-aware (a deliberate difference)
    (port(53, protocol="udp"), port(53, protocol="udp"), ["free"]),
    (port(80, host_ip="127.0.0.1"), port(80, host_ip="10.0.0.5"), ["busy", "free"]),
    (port(80, host_ip="127.0.0.1"), port(80, host_ip="127.0.0.1"), ["free"]),
    (port(80, host_ip="0.0.0.0"), port(80, host_ip="127.0.0.1"), ["free"]),  # all interfaces
    (port(80, host_ip="127.0.0.1"), port(80), ["free"]),
    (port(80, host_ip="::"), port(80, host_ip="10.0.0.5"), ["free"]),
    (port(None, 80), port(80), ["busy", "free"]),                       # random host port on the holder
    (port(80), port(None, 80), ["busy", "free"]),                       # no fixed host port never conflicts
    (port(80), port("", 80), ["busy", "free"]),
])
def test_bridge_mode(existing, wanted, expected):
    assert place({"ports": [wanted]}, cluster(existing)) == expected


@pytest.mark.parametrize("state", ["exited", "created", "pending"])
def test_stopped_and_pending_containers_own_their_ports(state):
    assert place({"ports": [port(80)]}, cluster(port(80), state=state)) == ["free"]


def test_host_mode_conflicts_on_the_same_exposed_key():
    nodes = cluster(state="running", network_mode="host", exposed=["80/tcp"])
    assert place({"network_mode": "host", "exposed_ports": ["80/tcp"]}, nodes) == ["free"]
    assert place({"network_mode": "host", "exposed_ports": ["80"]}, nodes) == ["free"]
    assert place({"network_mode": "host", "exposed_ports": ["80/udp"]}, nodes) == ["busy", "free"]
    # published ports of a host-mode request count as exposed
    assert place({"network_mode": "host", "ports": [port(80)]}, nodes) == ["free"]


def test_host_and_bridge_modes_do_not_see_each_other():
    bridge_holder = cluster(port(80))
    assert place({"network_mode": "host", "exposed_ports": ["80/tcp"]}, bridge_holder) == ["busy", "free"]
    host_holder = cluster(network_mode="host", exposed=["80/tcp"])
    assert place({"ports": [port(80)]}, host_holder) == ["busy", "free"]


def test_failure_message():
    nodes = [node("n1", containers=[container("web", ports=[port(80)])]),
             node("n2", containers=[container("api", ports=[port(80)])])]
    with pytest.raises(SchedulingError) as info:
        schedule({"ports": [port(80)]}, nodes)
    assert str(info.value).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[port 80/tcp (Bridge mode)] removed 2 of 2 nodes",
        "port port 80/tcp (Bridge mode) removed the last 2 nodes: n1 (port 80/tcp is used by container 'web'), "
        "n2 (port 80/tcp is used by container 'api')",
    ]
    assert info.value.filter == "port" and info.value.expression == "port 80/tcp (Bridge mode)"


def test_host_ip_in_condition_text():
    nodes = cluster(port(53, protocol="udp", host_ip="127.0.0.1"))[:1]
    with pytest.raises(SchedulingError, match=r"\[port 127.0.0.1:53/udp \(Bridge mode\)\]"):
        schedule({"ports": [port(53, protocol="udp", host_ip="127.0.0.1")]}, nodes)
