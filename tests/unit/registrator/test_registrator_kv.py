# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The consulkv layout both ways."""
from __future__ import annotations

import base64

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import (
    RegistratorError,
    Service,
    join_host_port,
    kv_key,
    kv_pairs,
    parse_kv,
)


def service(name="redis", service_id="hostname:redis.0:6379", ip="192.168.1.102", port=10000):
    return Service(service_id, name, port, ip, [], {}, "6379", "tcp")


def test_upstream_example():
    assert kv_pairs([service()], "/services") == [("services/redis/hostname:redis.0:6379", "192.168.1.102:10000")]


@pytest.mark.parametrize("prefix", ["services", "/services", "services/", "/services/"])
def test_prefix_slashes_do_not_matter(prefix):
    assert kv_key(prefix, {"name": "web", "id": "h:c:80"}) == "services/web/h:c:80"


@pytest.mark.parametrize("prefix", ["", "/", None, 3])
def test_prefix_is_required(prefix):
    with pytest.raises(RegistratorError, match="prefix"):
        kv_key(prefix, service())


def test_ipv6_in_brackets():
    assert join_host_port("::1", 8080) == "[::1]:8080"
    assert kv_pairs([service(ip="fd00::5")], "services")[0][1] == "[fd00::5]:10000"


def b64(text):
    return base64.b64encode(text.encode()).decode()


def test_parse_consul_api_items():
    items = [
        {"Key": "services/web/h1:web:80", "Value": b64("10.0.0.1:8080")},
        {"Key": "services/web/h2:web:80", "Value": "10.0.0.2:8080"},
        {"Key": "services/web/h3:web:80", "Value": b64("10.0.0.1:8080")},
        {"Key": "services/api/h1:api:80", "Value": b64("[::1]:81")},
        {"Key": "services/web2x/deeper/key", "Value": b64("1.1.1.1:1")},
        {"Key": "services/", "Value": None},
        {"Key": "services/empty/h:c:1", "Value": None},
        {"Key": "services/web/", "Value": b64("9.9.9.9:9")},
    ]
    assert parse_kv(items, "services") == {"api": ["[::1]:81"], "web": ["10.0.0.1:8080", "10.0.0.2:8080"]}
    assert list(parse_kv(items, "services")) == ["api", "web"]


def test_string_prefix_trap():
    items = {"services/web/h:web:80": "10.0.0.1:80", "services-old/web/h:web:80": "10.0.0.9:80",
             "servicesweb/x": "10.0.0.8:80"}
    assert parse_kv(items, "services") == {"web": ["10.0.0.1:80"]}
    assert parse_kv(items, "services/web") == {}


def test_nested_prefix_and_bytes():
    assert parse_kv([{"Key": "a/b/svc/id", "Value": b"1.2.3.4:5"}], "/a/b/") == {"svc": ["1.2.3.4:5"]}


@pytest.mark.parametrize("items", ["text", 5, [1], [{"Value": "x"}]])
def test_bad_items(items):
    with pytest.raises(RegistratorError):
        parse_kv(items, "services")


def test_none_is_empty():
    assert parse_kv(None, "services") == {}
