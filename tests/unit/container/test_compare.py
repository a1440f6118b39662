# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Comparison with an existing container, the docker_container way, and the diff views."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.compare import current_values, describe, differences
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired

from .helpers import IMAGE_ID, inspect_from_body

BASE = {"name": "web", "image": "busybox", "command": ["httpd", "-f"], "env": {"A": "1"}, "labels": {"team": "edge"},
        "ports": ["80:80"], "cpus": 1, "memory": "64M", "restart_policy": "always", "links": ["db"],
        "volumes": ["/srv:/srv"], "constraints": ["zone==external"]}


def _existing(params=None, **kwargs):
    desired = build_desired(dict(BASE, **(params or {})))
    return inspect_from_body("web", desired.body, **kwargs)


def test_same_configuration_has_no_differences():
    assert differences(build_desired(BASE), _existing()) == []


def test_image_defaults_on_the_container_are_allowed():
    inspect = _existing(image_env=["PATH=/bin"], image_labels={"maintainer": "someone"})
    assert differences(build_desired(BASE), inspect) == []


@pytest.mark.parametrize("change, option", [
    ({"image": "busybox:1.36"}, "image"),
    ({"command": "httpd -f -p 81"}, "command"),
    ({"entrypoint": ["/bin/sh"]}, "entrypoint"),
    ({"env": {"A": "2"}}, "env"),
    ({"labels": {"team": "core"}}, "labels"),
    ({"ports": ["8080:80"]}, "ports"),
    ({"ports": ["80:80/udp"]}, "ports"),
    ({"cpus": 2}, "cpus"),
    ({"memory": "128M"}, "memory"),
    ({"restart_policy": "unless-stopped"}, "restart_policy"),
    ({"links": ["db:database"]}, "links"),
    ({"volumes_from": ["data"]}, "volumes_from"),
    ({"network_mode": "host"}, "network_mode"),
    ({"volumes": ["/srv:/srv", "/opt:/opt"]}, "volumes"),
])
def test_each_changed_option_is_a_difference(change, option):
    found = differences(build_desired(dict(BASE, **change)), _existing())
    assert option in [difference.option for difference in found]


def test_changed_expressions_and_reservation_are_managed_label_differences():
    found = differences(build_desired(dict(BASE, constraints=["zone==internal"])), _existing())
    assert [d.option for d in found] == ["managed_labels"]
    assert found[0].wanted == {"com.docker.swarm.constraints": '["zone==internal"]'}


def test_options_not_given_are_not_compared():
    inspect = _existing()
    loose = {"name": "web", "image": "busybox", "ports": ["80:80"], "cpus": 1, "memory": "64M", "links": ["db"],
             "constraints": ["zone==external"]}
    assert differences(build_desired(loose), inspect) == []


def test_removing_a_port_is_a_difference_even_if_ports_not_given():
    inspect = _existing()
    portless = {"name": "web", "image": "busybox", "cpus": 1, "memory": "64M", "links": ["db"], "constraints": ["zone==external"]}
    found = differences(build_desired(portless), inspect)
    assert {"ports", "managed_labels"} <= {d.option for d in found}


def test_image_id_on_the_engine():
    desired = build_desired(BASE)
    assert differences(desired, _existing(), image_id=IMAGE_ID) == []
    found = differences(desired, _existing(), image_id="sha256:" + "2" * 64)
    assert [d.option for d in found] == ["image_id"]


def test_container_made_by_another_tool_lacks_reservation_labels():
    inspect = _existing()
    inspect["Config"]["Labels"] = {"team": "edge"}
    assert [d.option for d in differences(build_desired(BASE), inspect)] == ["managed_labels"]


def test_current_values_normalise_engine_forms():
    inspect = _existing()
    inspect["HostConfig"]["NetworkMode"] = "default"
    inspect["HostConfig"]["PortBindings"] = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "80"}]}
    values = current_values(inspect)
    assert values["network_mode"] == "bridge"
    assert values["ports"] == [["", 80, 80, "tcp"]]
    assert values["links"] == ["db:db"]
    assert values["cpus"] == 1 and values["memory"] == 64 * 1024 ** 2


def test_describe_sides():
    desired = build_desired(BASE)
    before = describe(desired, _existing(), "node-1", "running")
    after = describe(desired, None, "node-2", "running")
    assert before["node"] == "node-1" and after["node"] == "node-2"
    assert before["ports"] == after["ports"] == [["", 80, 80, "tcp"]]
    assert set(before) == set(after)
    assert describe(None, None, None, None) == {}
