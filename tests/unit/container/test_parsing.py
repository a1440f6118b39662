# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Option value parsing: ports, memory, cpus, env, labels, command, volumes, links, restart policy."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    ContainerOptionError,
    PortSpec,
    parse_command,
    parse_cpus,
    parse_env,
    parse_labels,
    parse_links,
    parse_memory,
    parse_ports,
    parse_volumes,
    parse_restart_policy,
    parse_restart_retries,
    parse_int,
    parse_number,
    parse_size,
    parse_text_dict,
    parse_text_list,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing_runtime import (
    parse_absolute_path,
    parse_capabilities,
    parse_devices,
    parse_duration,
    parse_etc_hosts,
    parse_healthcheck,
    parse_namespace_mode,
    parse_networks,
    parse_tmpfs,
    parse_ulimits,
    read_env_file,
)


@pytest.mark.parametrize("text, expected", [
    ("80:80", [PortSpec("", 80, 80, "tcp")]),
    ("127.0.0.1:53:53/udp", [PortSpec("127.0.0.1", 53, 53, "udp")]),
    ("8080", [PortSpec("", None, 8080, "tcp")]),
    ("127.0.0.1::80", [PortSpec("127.0.0.1", None, 80, "tcp")]),
    ("[::1]:80:80", [PortSpec("::1", 80, 80, "tcp")]),
    ("8000-8001:80-81/TCP", [PortSpec("", 8000, 80, "tcp"), PortSpec("", 8001, 81, "tcp")]),
    ("5000:5000/sctp", [PortSpec("", 5000, 5000, "sctp")]),
])
def test_ports(text, expected):
    assert parse_ports([text]) == expected


@pytest.mark.parametrize("text, words", [
    ("80:http", "not a port number"),
    ("0:80", "not a port number"),
    ("70000:80", "not a port number"),
    ("80:80/icmp", "unknown protocol"),
    ("8000-8002:80-81", "same length"),
    ("1:2:3:4", "too many"),
    ("host.example:80:80", "not an IP address"),
    ("", "empty"),
    ("[::1:80:80", "unclosed"),
])
def test_bad_ports(text, words):
    with pytest.raises(ContainerOptionError, match=words):
        parse_ports([text])


def test_same_host_port_twice_is_an_error_but_other_protocol_is_not():
    with pytest.raises(ContainerOptionError, match="published twice"):
        parse_ports(["80:80", "80:81"])
    assert len(parse_ports(["53:53/tcp", "53:53/udp"])) == 2
    assert len(parse_ports(["127.0.0.1:80:80", "127.0.0.2:80:80"])) == 2


def test_request_shape():
    assert PortSpec("", None, 80, "tcp").as_request() == {"host_ip": "", "host_port": 0, "container_port": 80, "protocol": "tcp"}
    assert PortSpec("", 80, 80, "udp").key == "80/udp"


@pytest.mark.parametrize("value, expected", [
    ("64M", 64 * 1024 ** 2), ("64m", 64 * 1024 ** 2), ("1G", 1024 ** 3), ("512MiB", 512 * 1024 ** 2), ("1gb", 1024 ** 3),
    ("100", 100), (100, 100), ("1.5g", int(1.5 * 1024 ** 3)), ("0", 0), (None, 0), ("", 0), ("2k", 2048),
])
def test_memory(value, expected):
    assert parse_memory(value) == expected


@pytest.mark.parametrize("value", ["lots", "64Q", "-1", True, -5, "1 2"])
def test_bad_memory(value):
    with pytest.raises(ContainerOptionError, match="memory"):
        parse_memory(value)


def test_cpus():
    assert parse_cpus(None) == 0
    assert parse_cpus(1.0) == 1 and isinstance(parse_cpus(1.0), int)
    assert parse_cpus("0.5") == 0.5
    for bad in ("many", -1):
        with pytest.raises(ContainerOptionError, match="cpus"):
            parse_cpus(bad)


def test_env_dict_and_list():
    assert parse_env({"A": "1", "B": 2, "C": None}) == ["A=1", "B=2", "C="]
    assert parse_env(["A=1", "constraint:zone==external"]) == ["A=1", "constraint:zone==external"]
    assert parse_env(None) == []
    assert parse_env("A=1, affinity:container==web") == ["A=1", "affinity:container==web"]


@pytest.mark.parametrize("value, words", [
    ({"DEBUG": True}, "quote it"),
    ({"X": {"a": 1}}, "must be a string"),
    (["A=1", 5], "must be strings"),
    (["JUSTAWORD"], "neither"),
    (5, "dict, a list"),
])
def test_bad_env(value, words):
    with pytest.raises(ContainerOptionError, match=words):
        parse_env(value)


def test_labels():
    assert parse_labels({"a": 1, "b": True, "c": "x"}) == {"a": "1", "b": "true", "c": "x"}
    with pytest.raises(ContainerOptionError):
        parse_labels({"a": None})
    with pytest.raises(ContainerOptionError):
        parse_labels(["a=b"])


def test_command():
    assert parse_command("httpd -f -p 80 -h '/var/www html'", "command") == ["httpd", "-f", "-p", "80", "-h", "/var/www html"]
    assert parse_command(["sleep", 5], "command") == ["sleep", "5"]
    assert parse_command(None, "command") is None
    with pytest.raises(ContainerOptionError, match="entrypoint"):
        parse_command("echo 'unclosed", "entrypoint")


def test_volumes():
    volumes = parse_volumes(["/srv:/data:ro", "cache:/cache", "/scratch"])
    assert volumes.binds == ["/srv:/data:ro", "cache:/cache"]
    assert volumes.anonymous == ["/scratch"]
    for bad in ("data", "/a:b", ":/x", "a:b:c:d"):
        with pytest.raises(ContainerOptionError, match="volumes"):
            parse_volumes([bad])


def test_links():
    assert parse_links(["db", "cache:redis"]) == ["db:db", "cache:redis"]
    with pytest.raises(ContainerOptionError):
        parse_links(["db:"])


def test_restart_policy():
    assert parse_restart_policy("no") == "no"
    assert parse_restart_retries(3, "on-failure") == 3
    with pytest.raises(ContainerOptionError, match="only applies"):
        parse_restart_retries(3, "always")
    with pytest.raises(ContainerOptionError, match="needs"):
        parse_restart_retries(3, None)
    with pytest.raises(ContainerOptionError, match="must be one of"):
        parse_restart_policy("sometimes")


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), -0.5, "inf", "nan", True, "many"])
def test_cpus_must_be_a_finite_number_of_cpus(value):
    with pytest.raises(ContainerOptionError, match=r"^cpus: "):
        parse_cpus(value)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), "1e400", 1.5, 2 ** 63, "9000P"])
def test_sizes_are_checked(value):
    with pytest.raises(ContainerOptionError, match=r"^shm_size: "):
        parse_size(value, "shm_size")


def test_numbers_and_texts():
    assert parse_int("5", "retries", 0) == 5
    assert parse_number("0.5", "x") == 0.5
    for bad in (True, 1.5, "x", None):
        with pytest.raises(ContainerOptionError, match="stop_timeout"):
            parse_int(bad, "stop_timeout", 0)
    with pytest.raises(ContainerOptionError, match="must be 0 or more"):
        parse_int(-1, "stop_timeout", 0)
    with pytest.raises(ContainerOptionError, match="finite"):
        parse_number(float("inf"), "lock_timeout", 0)
    assert parse_text_list("a, b", "groups") == ["a", "b"]
    assert parse_text_dict({"a": 1}, "sysctls") == {"a": "1"}
    with pytest.raises(ContainerOptionError, match="quote it"):
        parse_text_dict({"compress": True}, "log_options")


@pytest.mark.parametrize("text, nanoseconds", [("30s", 30 * 10 ** 9), ("1m30s", 90 * 10 ** 9), ("500ms", 5 * 10 ** 8),
                                               ("1h", 3600 * 10 ** 9), ("1.5s", 15 * 10 ** 8), ("10us", 10000)])
def test_durations(text, nanoseconds):
    assert parse_duration(text, "healthcheck.interval") == nanoseconds


@pytest.mark.parametrize("value", ["30", "s", "30 s", "1x", 30, "", "1m 30s"])
def test_bad_durations(value):
    with pytest.raises(ContainerOptionError, match=r"healthcheck.interval: .* duration such as 30s"):
        parse_duration(value, "healthcheck.interval")


def test_healthcheck():
    assert parse_healthcheck({"test": "curl -f localhost", "interval": "30s", "retries": 3}) == {
        "test": ["CMD-SHELL", "curl -f localhost"], "interval": 30 * 10 ** 9, "retries": 3}
    assert parse_healthcheck({"test": ["NONE"]}) == {"test": ["NONE"]}
    assert parse_healthcheck({}) == {"test": ["NONE"]}
    assert parse_healthcheck({"interval": "30s"}) == {"test": ["NONE"]}  # docker_container: no test disables
    assert parse_healthcheck({"interval": "30s", "test_cli_compatible": True}) == {"interval": 30 * 10 ** 9}
    assert parse_healthcheck({"test": "true", "interval": "0s", "retries": 0}) == {"test": ["CMD-SHELL", "true"]}
    for bad, words in (({"test": ["RUN", "x"]}, "NONE, CMD or CMD-SHELL"), ({"test": "x", "interval": "100us"}, "1ms"),
                       ({"test": "x", "every": "1s"}, "unknown key"), ({"test": "x", "retries": -1}, "retries")):
        with pytest.raises(ContainerOptionError, match=words):
            parse_healthcheck(bad)


def test_ulimits_devices_tmpfs_hosts():
    assert parse_ulimits(["nofile:1024:2048", "nproc:512", "memlock:-1:-1"]) == [
        "memlock:-1:-1", "nofile:1024:2048", "nproc:512:512"]
    for bad, words in ((["nofile"], "name:soft"), (["nofile:a"], "whole number"), (["nofile:10:5"], "above"),
                       (["nproc:1", "nproc:2"], "twice")):
        with pytest.raises(ContainerOptionError, match="ulimits.*" + words):
            parse_ulimits(bad)
    assert parse_devices(["/dev/fuse", "/dev/sda:/dev/xvda", "/dev/sdb:/dev/xvdb:r", "/dev/sdc:rw"]) == [
        "/dev/fuse:/dev/fuse:rwm", "/dev/sda:/dev/xvda:rwm", "/dev/sdb:/dev/xvdb:r", "/dev/sdc:/dev/sdc:rw"]
    for bad in ("dev/fuse", "/dev/a:/dev/b:rx", "/a:/b:r:x"):
        with pytest.raises(ContainerOptionError, match="devices"):
            parse_devices([bad])
    assert parse_tmpfs(["/run", "/tmp:rw,size=64m"]) == {"/run": "", "/tmp": "rw,size=64m"}
    with pytest.raises(ContainerOptionError, match="tmpfs.*absolute"):
        parse_tmpfs(["run"])
    assert parse_etc_hosts({"db": "10.0.0.2", "gw": "host-gateway"}) == ["db:10.0.0.2", "gw:host-gateway"]
    with pytest.raises(ContainerOptionError, match="etc_hosts"):
        parse_etc_hosts(["db:10.0.0.2"])


def test_capabilities_namespaces_paths():
    assert parse_capabilities(["net_admin", "CAP_SYS_TIME", "ALL", "NET_ADMIN"], "capabilities") == [
        "CAP_NET_ADMIN", "CAP_SYS_TIME", "ALL"]
    with pytest.raises(ContainerOptionError, match="cap_drop"):
        parse_capabilities(["NET ADMIN"], "cap_drop")
    assert parse_namespace_mode("host", "pid_mode") == "host"
    with pytest.raises(ContainerOptionError, match="ipc_mode.*scheduler"):
        parse_namespace_mode("container:db", "ipc_mode")
    assert parse_absolute_path("/app/", "working_dir") == "/app"
    with pytest.raises(ContainerOptionError, match="working_dir.*absolute"):
        parse_absolute_path("app", "working_dir")


def test_networks():
    entries = parse_networks([{"name": "backend", "aliases": ["www", "web", "www"], "ipv4_address": None,
                               "links": ["db"]}, {"name": "frontend"}], None)
    assert entries == [{"name": "backend", "aliases": ["web", "www"], "links": ["db:db"]}, {"name": "frontend"}]
    for value, mode, words in (([{"name": "a"}], "host", "network_mode host"), ([{"name": "a"}, {"name": "a"}], None, "twice"),
                               ([{"aliases": ["x"]}], None, "with a name"), ([{"name": "host"}], None, "network mode"),
                               ([{"name": "a", "mac": "x"}], None, "unknown key"), ({"name": "a"}, None, "list of dicts")):
        with pytest.raises(ContainerOptionError, match="networks.*" + words):
            parse_networks(value, mode)


def test_env_file(tmp_path):
    path = tmp_path / "app.env"
    path.write_text("# settings\nA=1\n\nB=two=2\n  C = x\n")
    assert read_env_file(str(path)) == {"A": "1", "B": "two=2", "C": " x"}
    path.write_text("A=1\nJUSTAWORD\n")
    with pytest.raises(ContainerOptionError, match="env_file: line 2 of .* is not KEY=value"):
        read_env_file(str(path))
    with pytest.raises(ContainerOptionError, match="env_file: cannot read"):
        read_env_file(str(tmp_path / "missing.env"))
