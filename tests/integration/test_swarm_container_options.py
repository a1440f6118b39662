# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""swarm_container's docker-run options against the real lab, through real `ansible` runs.

One container with many options: the engine's inspect shows them, a second identical run changes
nothing, one changed option recreates it on the same engine, check and diff mode show the options.
Networks are created on the chosen engine by the test and removed afterwards; every container
carries the test's random prefix and is removed whatever happens.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List

import pytest

from tests.integration.helpers import engine_client
from tests.integration.playbooks.swarm_support import adhoc, prefix_fixture, task_args, where

pytestmark = pytest.mark.integration

prefix = pytest.fixture()(prefix_fixture)
ENGINE = "node-1"


@pytest.fixture()
def networks(lab: Dict[str, Any], prefix: str) -> Iterator[List[str]]:
    """Two user networks on node-1 only (created by the test, removed after its containers)."""
    names = [prefix + "front", prefix + "back"]
    client = engine_client(lab, ENGINE)
    try:
        for name in names:
            client.create_network(name, driver="bridge")
        yield names
    finally:
        for container in client.containers(all=True):
            if any(n.lstrip("/").startswith(prefix) for n in container.get("Names") or []):
                client.remove_container(container["Id"], force=True)
        for name in names:
            try:
                client.remove_network(name)
            except Exception:  # already gone
                pass
        client.close()


def _options(prefix: str, networks: List[str], env_file: str) -> Dict[str, Any]:
    return {
        "name": prefix + "opts", "image": "busybox:latest", "command": "sleep 3600",
        "constraints": ["node==" + ENGINE],
        "hostname": "opts", "domainname": "example.org", "user": "1000:1000", "working_dir": "/tmp/",
        "env": {"A": "1"}, "env_file": env_file, "labels": {"team": "options"},
        "healthcheck": {"test": ["CMD", "true"], "interval": "30s", "timeout": "5s", "retries": 2, "start_period": "1s"},
        "ulimits": ["nofile:1024:2048"], "devices": ["/dev/null:/dev/xnull:rw"],
        "capabilities": ["NET_ADMIN"], "cap_drop": ["MKNOD"], "read_only": True,
        "tmpfs": ["/run:rw,size=16m", "/scratch"],
        "networks": [{"name": networks[0], "aliases": ["web", "www"]}, {"name": networks[1], "aliases": ["api"]}],
        "log_driver": "json-file", "log_options": {"max-size": "1m", "max-file": "2"},
        "stop_signal": "SIGINT", "stop_timeout": 3, "init": True, "shm_size": "32M",
        "dns_servers": ["10.0.0.53"], "dns_search_domains": ["example.org"], "dns_opts": ["ndots:2"],
        "etc_hosts": {"db": "10.0.0.2"}, "sysctls": {"net.ipv4.ip_local_port_range": "32768 60999"},
        "security_opts": ["no-new-privileges"], "tty": True, "interactive": True,
        "memory": "64M", "memory_reservation": "32M", "memory_swap": "128M", "ipc_mode": "shareable",
        "groups": ["1234"], "pids_limit": 100, "cpu_shares": 512, "oom_score_adj": 100,
        "restart_policy": "on-failure", "restart_retries": 2, "exposed_ports": ["9000"],
    }


def _inspect(lab: Dict[str, Any], name: str) -> Dict[str, Any]:
    client = engine_client(lab, ENGINE)
    try:
        return client.inspect_container(name)
    finally:
        client.close()


def _run(lab: Dict[str, Any], ansible_env: Dict[str, str], args: Dict[str, Any], check: bool = False,
         diff: bool = False) -> Dict[str, Any]:
    result = adhoc(ansible_env, "swarm_container", task_args(lab, **args), check=check, diff=diff)
    assert result["_rc"] == 0, result
    return result


def test_many_options_converge_idempotently(lab, ansible_env, prefix, networks, tmp_path):
    env_file = tmp_path / "app.env"
    env_file.write_text("# from the file\nB=2\nA=overridden-by-env\n")
    args = _options(prefix, networks, str(env_file))
    name = args["name"]

    predicted = _run(lab, ansible_env, args, check=True, diff=True)
    assert predicted["changed"] is True and predicted["node"]["name"] == ENGINE
    after = predicted["diff"]["after"]
    assert after["hostname"] == "opts" and after["working_dir"] == "/tmp"
    assert after["networks"][1] == {"name": networks[1], "aliases": ["api"]}
    assert after["healthcheck"]["interval"] == 30 * 10 ** 9 and after["ulimits"] == ["nofile:1024:2048"]
    assert where(lab, name) == []

    created = _run(lab, ansible_env, args)
    assert created["changed"] is True and created["node"]["name"] == ENGINE
    inspect = _inspect(lab, name)
    config, host = inspect["Config"], inspect["HostConfig"]
    assert inspect["State"]["Running"] is True
    assert (config["Hostname"], config["Domainname"], config["User"], config["WorkingDir"]) == ("opts", "example.org", "1000:1000", "/tmp")
    assert {"A=1", "B=2"} <= set(config["Env"]) and config["Labels"]["team"] == "options"
    assert config["Healthcheck"] == {"Test": ["CMD", "true"], "Interval": 30 * 10 ** 9, "Timeout": 5 * 10 ** 9,
                                     "StartPeriod": 10 ** 9, "Retries": 2}
    assert (config["StopSignal"], config["StopTimeout"], config["Tty"], config["OpenStdin"]) == ("SIGINT", 3, True, True)
    assert "9000/tcp" in config["ExposedPorts"]
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    assert host["Devices"] == [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/xnull", "CgroupPermissions": "rw"}]
    assert host["CapAdd"] == ["CAP_NET_ADMIN"] and host["CapDrop"] == ["CAP_MKNOD"] and host["ReadonlyRootfs"] is True
    assert host["Tmpfs"] == {"/run": "rw,size=16m", "/scratch": ""}
    assert host["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m", "max-file": "2"}}
    assert (host["Init"], host["ShmSize"], host["Dns"], host["DnsSearch"], host["DnsOptions"]) == (
        True, 32 * 1024 ** 2, ["10.0.0.53"], ["example.org"], ["ndots:2"])
    assert host["ExtraHosts"] == ["db:10.0.0.2"] and host["Sysctls"] == {"net.ipv4.ip_local_port_range": "32768 60999"}
    assert host["SecurityOpt"] == ["no-new-privileges"] and host["IpcMode"] == "shareable" and host["GroupAdd"] == ["1234"]
    assert (host["Memory"], host["MemoryReservation"], host["MemorySwap"]) == (64 * 1024 ** 2, 32 * 1024 ** 2, 128 * 1024 ** 2)
    assert (host["PidsLimit"], host["CpuShares"], host["OomScoreAdj"]) == (100, 512, 100)
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert host["NetworkMode"] == networks[0]
    joined = inspect["NetworkSettings"]["Networks"]
    assert sorted(joined) == sorted(networks)  # both networks, not the default bridge
    assert {"web", "www"} <= set(joined[networks[0]]["Aliases"]) and "api" in joined[networks[1]]["Aliases"]

    again = _run(lab, ansible_env, args)
    assert again["changed"] is False, again["differences"]
    assert again["container"]["Id"] == inspect["Id"]
    assert _run(lab, ansible_env, args, check=True)["changed"] is False

    changed = dict(args, hostname="opts2")
    preview = _run(lab, ansible_env, changed, check=True, diff=True)
    assert preview["changed"] is True and [d["option"] for d in preview["differences"]] == ["hostname"]
    assert (preview["diff"]["before"]["hostname"], preview["diff"]["after"]["hostname"]) == ("opts", "opts2")
    assert _inspect(lab, name)["Id"] == inspect["Id"]  # check mode left it alone

    recreated = _run(lab, ansible_env, changed)
    assert recreated["changed"] is True and recreated["node"]["name"] == ENGINE
    assert recreated["container"]["Id"] != inspect["Id"] and where(lab, name) == [ENGINE]
    assert _inspect(lab, name)["Config"]["Hostname"] == "opts2"
    assert _run(lab, ansible_env, changed)["changed"] is False


@pytest.mark.parametrize("change, option", [
    ({"networks": "aliases"}, "networks"),
    ({"ulimits": ["nofile:1024:4096"]}, "ulimits"),
    ({"healthcheck": {"test": ["NONE"]}}, "healthcheck"),
    ({"log_options": {"max-size": "2m"}}, "log_options"),
])
def test_a_changed_option_recreates_on_the_same_engine(lab, ansible_env, prefix, networks, change, option):
    args = {"name": prefix + "one", "image": "busybox:latest", "command": "sleep 3600", "constraints": ["node==" + ENGINE],
            "networks": [{"name": networks[0]}, {"name": networks[1], "aliases": ["api"]}], "ulimits": ["nofile:1024:2048"],
            "healthcheck": {"test": "true", "interval": "1m"}, "log_driver": "json-file", "log_options": {"max-size": "1m"}}
    first = _run(lab, ansible_env, args)
    assert _run(lab, ansible_env, args)["changed"] is False
    if change.get("networks") == "aliases":
        change = {"networks": [{"name": networks[0]}, {"name": networks[1], "aliases": ["api2"]}]}
    second = _run(lab, ansible_env, dict(args, **change))
    assert second["changed"] is True and option in [d["option"] for d in second["differences"]]
    assert second["node"]["name"] == ENGINE and second["container"]["Id"] != first["container"]["Id"]
    assert _run(lab, ansible_env, dict(args, **change))["changed"] is False


def test_a_missing_network_fails_and_leaves_nothing(lab, ansible_env, prefix, networks):
    args = task_args(lab, name=prefix + "lost", image="busybox:latest", command="sleep 3600",
                     constraints=["node==" + ENGINE], networks=[{"name": networks[0]}, {"name": prefix + "nowhere"}])
    result = adhoc(ansible_env, "swarm_container", args)
    assert result["_rc"] != 0 and result.get("failed") is True
    assert "The network %snowhere does not exist on engine" % prefix in result["msg"], result["msg"]
    assert where(lab, prefix + "lost") == []


def test_bad_values_fail_before_anything_is_contacted(lab, ansible_env, prefix):
    for extra, words in (({"cpus": "inf"}, "cpus: "), ({"ulimits": ["nofile"]}, "ulimits: 'nofile' is not name:soft"),
                         ({"healthcheck": {"test": "true", "interval": "30"}}, "healthcheck.interval: '30' is not a duration")):
        result = adhoc(ansible_env, "swarm_container", task_args(lab, name=prefix + "bad", image="busybox:latest", **extra))
        assert result["_rc"] != 0 and words in result["msg"], result
