# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every docker-run option of the table round-trips: create body -> inspect -> no difference; a changed value differs."""
from __future__ import annotations

import copy
from typing import Any, Dict

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.compare import current_values, describe, differences
from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import build_desired
from ansible_collections.dockyard.swarm.plugins.module_utils._container.options import TABLE

BASE = {"name": "web", "image": "busybox"}

# option -> (a value, a different value); every option the table writes into the create body must be here.
SAMPLES: Dict[str, Any] = {
    "image": ("busybox:1.36", "busybox:1.37"),
    "command": ("sleep 60", ["sleep", "61"]),
    "entrypoint": (["/bin/sh", "-c"], "/bin/ash -c"),
    "env": ({"A": "1"}, {"A": "2"}),
    "ports": (["80:80"], ["8080:80"]),
    "exposed_ports": (["9000", "53/udp"], ["9001"]),
    "volumes": (["/srv:/srv:ro", "/cache"], ["/opt:/opt"]),
    "volumes_from": (["data:ro"], ["other"]),
    "links": (["db:database"], ["db"]),
    "network_mode": ("host", "none"),
    "networks": ([{"name": "backend", "aliases": ["www"]}, {"name": "frontend"}], [{"name": "backend", "aliases": ["api"]}]),
    "cpus": (0.5, 1),
    "memory": ("64M", "128M"),
    "memory_reservation": ("32M", "16M"),
    "memory_swap": ("256M", "unlimited"),
    "shm_size": ("128M", "256M"),
    "restart_policy": ("always", "no"),
    "restart_retries": (3, 4),
    "hostname": ("web", "web2"),
    "domainname": ("example.org", "example.com"),
    "user": ("1000:1000", "nobody"),
    "working_dir": ("/app/", "/srv"),
    "healthcheck": ({"test": "true", "interval": "30s", "retries": 3}, {"test": ["CMD", "true"], "interval": "1m"}),
    "stop_signal": ("SIGINT", "SIGTERM"),
    "stop_timeout": (5, 20),
    "tty": (True, False),
    "interactive": (True, False),
    "init": (True, False),
    "privileged": (True, False),
    "read_only": (True, False),
    "auto_remove": (True, False),
    "capabilities": (["NET_ADMIN"], ["SYS_TIME"]),
    "cap_drop": (["mknod"], ["NET_RAW"]),
    "devices": (["/dev/fuse"], ["/dev/fuse:/dev/fuse:r"]),
    "ulimits": (["nofile:1024:2048"], ["nofile:1024:4096"]),
    "tmpfs": (["/run:rw,size=64m", "/tmp"], ["/run:rw,size=32m"]),
    "sysctls": ({"net.ipv4.ip_forward": 1}, {"net.ipv4.ip_forward": "0"}),
    "security_opts": (["no-new-privileges"], ["apparmor=unconfined"]),
    "dns_servers": (["10.0.0.53", "10.0.0.54"], ["10.0.0.54", "10.0.0.53"]),
    "dns_search_domains": (["example.org"], ["example.com"]),
    "dns_opts": (["ndots:2"], ["ndots:3"]),
    "etc_hosts": ({"db": "10.0.0.2"}, {"db": "10.0.0.3"}),
    "groups": (["audio"], ["video"]),
    "log_driver": ("json-file", "local"),
    "log_options": ({"max-size": "10m"}, {"max-size": "20m"}),
    "pid_mode": ("host", ""),
    "ipc_mode": ("shareable", "private"),
    "userns_mode": ("host", ""),
    "uts": ("host", ""),
    "runtime": ("runc", "io.containerd.runc.v2"),
    "cgroup_parent": ("/docker-custom", "/other"),
    "pids_limit": (100, 200),
    "cpu_shares": (512, 1024),
    "oom_score_adj": (100, -100),
}
# Options that need another one to be valid.
COMPANIONS = {"restart_retries": {"restart_policy": "on-failure"}, "log_options": {"log_driver": "json-file"},
              "memory_reservation": {"memory": "64M"}, "memory_swap": {"memory": "64M"}}


def inspect_from(desired: Any, running: bool = True) -> Dict[str, Any]:
    """What an engine shows for a container created from ``desired.body``, all networks joined."""
    body = copy.deepcopy(desired.body)
    host = body.pop("HostConfig", {})
    endpoints = body.pop("NetworkingConfig", {}).get("EndpointsConfig") or {}
    mode = host.get("NetworkMode") or "default"
    networks = dict(endpoints)
    if mode not in ("host", "none") and not mode.startswith("container:") and mode not in networks:
        networks[mode] = {}
    for endpoint in networks.values():
        endpoint["Aliases"] = list(endpoint.get("Aliases") or []) + ["0123456789ab"]  # the engine adds the short id
    if host.get("Links"):
        host["Links"] = ["/%s:/%s/%s" % (link.split(":")[0], desired.name, link.split(":")[1]) for link in host["Links"]]
    return {"Id": "f" * 64, "Name": "/" + desired.name, "Image": "sha256:" + "1" * 64, "Config": body, "HostConfig": host,
            "State": {"Running": running, "Status": "running" if running else "exited"},
            "NetworkSettings": {"Networks": networks}}


def _params(option: str, value: Any) -> Dict[str, Any]:
    return dict(BASE, **COMPANIONS.get(option, {}), **{option: value})


def test_every_written_option_has_samples() -> None:
    written = {option.name for option in TABLE if option.write is not None}
    assert written == set(SAMPLES)


@pytest.mark.parametrize("option", sorted(SAMPLES))
def test_option_round_trips(option: str) -> None:
    first, second = SAMPLES[option]
    desired = build_desired(_params(option, first))
    assert option in desired.wanted
    inspect = inspect_from(desired)
    assert differences(desired, inspect) == []
    changed = build_desired(_params(option, second))
    found = {difference.option for difference in differences(changed, inspect)}
    assert option in found, found
    before = describe(changed, inspect, "node-1", "running")
    after = describe(changed, None, "node-1", "running")
    assert before[option] != after[option]


def test_the_image_may_add_entries() -> None:
    desired = build_desired(dict(BASE, env={"A": "1"}, capabilities=["NET_ADMIN"], sysctls={"a.b": "1"},
                                 healthcheck={"test": "true", "interval": "30s"}))
    inspect = inspect_from(desired)
    inspect["Config"]["Env"] = ["PATH=/bin", "A=1"]
    inspect["HostConfig"]["CapAdd"] = ["CAP_NET_ADMIN", "CAP_SYS_TIME"]
    inspect["HostConfig"]["Sysctls"]["c.d"] = "2"
    inspect["Config"]["Healthcheck"]["Retries"] = 3
    assert differences(desired, inspect) == []


def test_engine_forms_are_normalised() -> None:
    desired = build_desired(dict(BASE, capabilities=["cap_net_admin"], working_dir="/app/", pids_limit=-1))
    inspect = inspect_from(desired)
    inspect["HostConfig"].update(CapAdd=["NET_ADMIN"], PidsLimit=None)
    inspect["Config"]["WorkingDir"] = "/app"
    assert differences(desired, inspect) == []
    values = current_values(inspect)
    assert values["capabilities"] == ["CAP_NET_ADMIN"] and values["pids_limit"] == 0


def test_networks_compare_like_docker_container() -> None:
    desired = build_desired(dict(BASE, networks=[{"name": "backend", "aliases": ["www"], "ipv4_address": "172.20.0.5"}]))
    inspect = inspect_from(desired)
    inspect["NetworkSettings"]["Networks"]["backend"]["IPAMConfig"] = {"IPv4Address": "172.20.0.5"}
    inspect["NetworkSettings"]["Networks"]["extra"] = {"Aliases": []}
    assert differences(desired, inspect) == []  # more networks and aliases on the container are fine
    inspect["NetworkSettings"]["Networks"]["backend"]["IPAMConfig"] = {"IPv4Address": "172.20.0.6"}
    assert [d.option for d in differences(desired, inspect)] == ["networks"]
    del inspect["NetworkSettings"]["Networks"]["backend"]
    assert [d.option for d in differences(desired, inspect)] == ["networks"]


def test_a_disabled_healthcheck_matches_a_container_without_one() -> None:
    desired = build_desired(dict(BASE, healthcheck={"test": ["NONE"]}))
    inspect = inspect_from(desired)
    inspect["Config"]["Healthcheck"] = None
    assert differences(desired, inspect) == []


def test_absent_view_shows_what_is_set_on_the_container() -> None:
    inspect = inspect_from(build_desired(dict(BASE, hostname="web", ulimits=["nproc:10"])))
    view = describe(None, inspect, "node-1", "running")
    assert view["hostname"] == "web" and view["ulimits"] == ["nproc:10:10"] and "tty" not in view
