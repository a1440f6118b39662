# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registrator's naming, ID, tag, port and address rules (../shared/reference/routing-and-consul.md, B6)."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import (
    RegistratorError,
    container_services,
    service_metadata,
    split_tags,
)


def inspect(name="/redis.0", image="progrium/redis", env=None, labels=None, exposed=None, ports=None, mode="default",
            ip="172.17.0.2", networks=None):
    """A `docker inspect` document with just the fields Registrator reads."""
    return {
        "Name": name,
        "Image": "sha256:abc",
        "Config": {"Image": image, "Env": env or [], "Labels": labels or {},
                   "ExposedPorts": {key: {} for key in (exposed or [])}},
        "HostConfig": {"NetworkMode": mode},
        "NetworkSettings": {"IPAddress": ip, "Ports": ports or {}, "Networks": networks or {}},
    }


def bound(host_port, host_ip="0.0.0.0"):
    return [{"HostIp": host_ip, "HostPort": str(host_port)}]


def summary(services):
    return [(s.name, s.id, s.ip, s.port, s.tags) for s in services]


REDIS = inspect(exposed=["6379/tcp"], ports={"6379/tcp": bound(10000)})
WEB = inspect(name="/web", image="nginx:1.25", exposed=["80/tcp", "443/tcp"],
              ports={"80/tcp": bound(8080), "443/tcp": bound(8443)})

CASES = [
    # (id, inspect, kwargs, expected [(name, id, ip, port, tags)])
    ("upstream redis example", REDIS, {"host_ip": "192.168.1.102"},
     [("redis", "hostname:redis.0:6379", "192.168.1.102", 10000, [])]),
    ("default name: image basename without tag", inspect(image="gliderlabs/foobar:1.2", exposed=["80/tcp"],
                                                         ports={"80/tcp": bound(80)}), {"host_ip": "10.0.0.1"},
     [("foobar", "hostname:redis.0:80", "10.0.0.1", 80, [])]),
    ("registry with port in image name", inspect(image="registry.local:5000/team/app:2", exposed=["80/tcp"],
                                                 ports={"80/tcp": bound(80)}), {"host_ip": "10.0.0.1"},
     [("app", "hostname:redis.0:80", "10.0.0.1", 80, [])]),
    ("several ports: <name>-<port>", WEB, {"host_ip": "10.0.0.1"},
     [("nginx-80", "hostname:web:80", "10.0.0.1", 8080, []), ("nginx-443", "hostname:web:443", "10.0.0.1", 8443, [])]),
    ("SERVICE_NAME with several ports still gets -<port>", dict(WEB, Config=dict(WEB["Config"], Env=["SERVICE_NAME=www"])),
     {"host_ip": "10.0.0.1"},
     [("www-80", "hostname:web:80", "10.0.0.1", 8080, []), ("www-443", "hostname:web:443", "10.0.0.1", 8443, [])]),
    ("SERVICE_<port>_NAME is not suffixed", dict(WEB, Config=dict(WEB["Config"], Env=["SERVICE_443_NAME=tls"])),
     {"host_ip": "10.0.0.1"},
     [("nginx-80", "hostname:web:80", "10.0.0.1", 8080, []), ("tls", "hostname:web:443", "10.0.0.1", 8443, [])]),
    ("unpublished ports are ignored",
     inspect(exposed=["80/tcp", "6379/tcp"], ports={"80/tcp": None, "6379/tcp": bound(10000)}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:6379", "10.0.0.1", 10000, [])]),
    ("no published port: no service", inspect(exposed=["80/tcp"], ports={"80/tcp": None}), {"host_ip": "10.0.0.1"}, []),
    ("internal: container IP and exposed port, unpublished too",
     inspect(exposed=["80/tcp", "6379/tcp"], ports={"80/tcp": None, "6379/tcp": bound(10000)}),
     {"host_ip": "10.0.0.1", "internal": True},
     [("redis-80", "hostname:redis.0:80", "172.17.0.2", 80, []),
      ("redis-6379", "hostname:redis.0:6379", "172.17.0.2", 6379, [])]),
    ("host network: every exposed port", inspect(exposed=["8500/tcp", "53/udp"], mode="host", ip=""),
     {"host_ip": "10.0.0.9"},
     [("redis-53", "hostname:redis.0:53:udp", "10.0.0.9", 53, ["udp"]),
      ("redis-8500", "hostname:redis.0:8500", "10.0.0.9", 8500, [])]),
    ("udp: :udp on the ID and a udp tag", inspect(exposed=["53/udp"], ports={"53/udp": bound(5353)}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:53:udp", "10.0.0.1", 5353, ["udp"])]),
    ("binding HostIP is kept", inspect(exposed=["80/tcp"], ports={"80/tcp": bound(8080, "127.0.0.1")}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:80", "127.0.0.1", 8080, [])]),
    ("empty HostIP counts as 0.0.0.0", inspect(exposed=["80/tcp"], ports={"80/tcp": bound(8080, "")}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:80", "10.0.0.1", 8080, [])]),
    ("-ip replaces even a specific binding", inspect(exposed=["80/tcp"], ports={"80/tcp": bound(8080, "127.0.0.1")}),
     {"ip": "10.9.9.9"}, [("redis", "hostname:redis.0:80", "10.9.9.9", 8080, [])]),
    ("first binding wins", inspect(exposed=["80/tcp"], ports={"80/tcp": bound(8080) + bound(9090, "::")}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:80", "10.0.0.1", 8080, [])]),
    ("user-defined network: its container address", inspect(exposed=["80/tcp"], ports={"80/tcp": bound(8080)}, mode="appnet",
                                                            ip="", networks={"appnet": {"IPAddress": "10.10.0.5"}}),
     {"host_ip": "10.0.0.1"}, [("redis", "hostname:redis.0:80", "10.10.0.5", 8080, [])]),
    ("SERVICE_ID overrides the ID", inspect(env=["SERVICE_ID=my-id"], exposed=["80/tcp"], ports={"80/tcp": bound(8080)}),
     {"host_ip": "10.0.0.1"}, [("redis", "my-id", "10.0.0.1", 8080, [])]),
    ("SERVICE_ID replaces :udp too", inspect(env=["SERVICE_ID=dns"], exposed=["53/udp"], ports={"53/udp": bound(53)}),
     {"host_ip": "10.0.0.1"}, [("redis", "dns", "10.0.0.1", 53, ["udp"])]),
    ("tags: split, escaped comma, forced tags, udp last",
     inspect(env=["SERVICE_TAGS=a,b\\,c,,"], exposed=["53/udp"], ports={"53/udp": bound(53)}),
     {"host_ip": "10.0.0.1", "force_tags": "x,y"}, [("redis", "hostname:redis.0:53:udp", "10.0.0.1", 53,
                                                     ["a", "b,c", "x", "y", "udp"])]),
    ("forced tags as a list keep their commas", REDIS, {"host_ip": "10.0.0.1", "force_tags": ["p,q", "r"]},
     [("redis", "hostname:redis.0:6379", "10.0.0.1", 10000, ["p,q", "r"])]),
    ("SERVICE_IGNORE=false also ignores",
     inspect(env=["SERVICE_IGNORE=false"], exposed=["80/tcp"], ports={"80/tcp": bound(8080)}), {"host_ip": "10.0.0.1"}, []),
    ("empty SERVICE_IGNORE does not ignore",
     inspect(env=["SERVICE_IGNORE="], exposed=["80/tcp"], ports={"80/tcp": bound(8080)}), {"host_ip": "10.0.0.1"},
     [("redis", "hostname:redis.0:80", "10.0.0.1", 8080, [])]),
    ("SERVICE_<port>_IGNORE ignores that port only", dict(WEB, Config=dict(WEB["Config"], Labels={"SERVICE_443_IGNORE": "1"})),
     {"host_ip": "10.0.0.1"}, [("nginx-80", "hostname:web:80", "10.0.0.1", 8080, [])]),
    ("label wins over env", inspect(env=["SERVICE_NAME=from-env"], labels={"SERVICE_NAME": "from-label"},
                                    exposed=["80/tcp"], ports={"80/tcp": bound(8080)}), {"host_ip": "10.0.0.1"},
     [("from-label", "hostname:redis.0:80", "10.0.0.1", 8080, [])]),
    ("port-specific wins over generic whatever the order",
     inspect(env=["SERVICE_80_NAME=specific"], labels={"SERVICE_NAME": "generic"}, exposed=["80/tcp"],
             ports={"80/tcp": bound(8080)}), {"host_ip": "10.0.0.1"},
     [("specific", "hostname:redis.0:80", "10.0.0.1", 8080, [])]),
    ("no hostname: the binding address in the ID", REDIS, {"hostname": "", "host_ip": "10.0.0.1"},
     [("redis", "0.0.0.0:redis.0:6379", "10.0.0.1", 10000, [])]),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_registrator_rules(case):
    unused_id, data, kwargs, expected = case
    kwargs = dict(kwargs)
    hostname = kwargs.pop("hostname", "hostname")
    assert summary(container_services(data, hostname, **kwargs)) == expected


def test_attrs_are_the_remaining_lowercased_keys():
    data = inspect(env=["SERVICE_REGION=us-east", "SERVICE_NAME=db", "SERVICE_TAGS=a", "SERVICE_CHECK_HTTP=/health",
                        "OTHER=1", "SERVICE_NOVALUE"], exposed=["80/tcp"], ports={"80/tcp": bound(8080)})
    service = container_services(data, "h", host_ip="10.0.0.1")[0]
    assert service.attrs == {"region": "us-east", "check_http": "/health"}
    assert service.as_dict()["attrs"] == service.attrs


def test_metadata_for_another_port_is_skipped():
    metadata, from_port = service_metadata({"Env": ["SERVICE_443_NAME=tls", "SERVICE_80_TAGS=x"]}, "80")
    assert metadata == {"tags": "x"} and from_port == {"tags": True}


@pytest.mark.parametrize("text, tags", [
    (None, []), ("", []), ("a", ["a"]), ("a,b", ["a", "b"]), (",a,", ["a"]), ("a\\,b,c", ["a,b", "c"]),
    ("a\\,,b", ["a,", "b"]), (" a , b", [" a ", " b"]), ("a\\b", ["a\\b"]),
])
def test_split_tags(text, tags):
    assert split_tags(text) == tags


@pytest.mark.parametrize("data, message", [
    ("nope", "must be a mapping"),
    ({"Config": {}}, "has no Name"),
    ({"Name": "/x", "Config": {"ExposedPorts": ["80/tcp"]}}, "Config.ExposedPorts must be a mapping"),
])
def test_bad_inspect_data(data, message):
    with pytest.raises(RegistratorError, match=message):
        container_services(data, "h")
