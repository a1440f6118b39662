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
