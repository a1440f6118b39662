# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Consul check definitions from SERVICE_CHECK_* attrs (Registrator's consul backend)."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._registrator import Service
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.checks import build_check, unsupported_check


def service(attrs, ip="10.0.0.5", port=32768):
    return Service("h:web:80", "web", port, ip, [], dict(attrs), "80", "tcp")


@pytest.mark.parametrize("attrs, expected", [
    ({}, None),
    ({"region": "eu"}, None),
    ({"check_http": "/health"}, {"HTTP": "http://10.0.0.5:32768/health", "Interval": "10s"}),
    ({"check_http": "/", "check_http_method": "HEAD", "check_timeout": "2s", "check_interval": "5s"},
     {"HTTP": "http://10.0.0.5:32768/", "Method": "HEAD", "Timeout": "2s", "Interval": "5s"}),
    ({"check_https": "/ok", "check_tls_skip_verify": "true", "check_https_method": "POST"},
     {"HTTP": "https://10.0.0.5:32768/ok", "TLSSkipVerify": True, "Method": "POST", "Interval": "10s"}),
    ({"check_ttl": "30s", "check_interval": "5s"}, {"TTL": "30s"}),
    ({"check_tcp": "true", "check_timeout": "1s"}, {"TCP": "10.0.0.5:32768", "Interval": "10s", "Timeout": "1s"}),
    ({"check_grpc": "true"}, {"GRPC": "10.0.0.5:32768", "Interval": "10s"}),
    ({"check_grpc": "true", "check_grpc_use_tls": "1", "check_tls_skip_verify": "1"},
     {"GRPC": "10.0.0.5:32768", "GRPCUseTLS": True, "TLSSkipVerify": True, "Interval": "10s"}),
    ({"check_script": "curl -fs 'http://$SERVICE_IP:$SERVICE_PORT/a b'"},
     {"Args": ["curl", "-fs", "http://10.0.0.5:32768/a b"], "Interval": "10s"}),
    ({"check_script": "echo 'unclosed $SERVICE_PORT"}, {"Args": ["echo", "'unclosed", "32768"], "Interval": "10s"}),
    ({"check_http": "/", "check_initial_status": "passing", "check_deregister_after": "90m"},
     {"HTTP": "http://10.0.0.5:32768/", "Interval": "10s", "Status": "passing", "DeregisterCriticalServiceAfter": "90m"}),
])
def test_check_kinds(attrs, expected):
    assert build_check(service(attrs)) == expected


def test_priority_is_registrators():
    every = {"check_http": "/h", "check_https": "/s", "check_script": "true", "check_ttl": "9s", "check_tcp": "1", "check_grpc": "1"}
    order = ["HTTP", "HTTP", "Args", "TTL", "TCP", "GRPC"]
    keys = ["check_http", "check_https", "check_script", "check_ttl", "check_tcp", "check_grpc"]
    for index, kind in enumerate(order):
        attrs = {key: every[key] for key in keys[index:]}
        assert kind in build_check(service(attrs)), attrs
    assert build_check(service({"check_https": "/s", "check_tcp": "1"}))["HTTP"].startswith("https://")


def test_check_cmd_is_skipped_and_reported():
    assert build_check(service({"check_cmd": "/bin/check"})) is None
    assert build_check(service({"check_cmd": "/bin/check", "check_tcp": "1"}))["TCP"] == "10.0.0.5:32768"
    assert "SERVICE_CHECK_CMD" in unsupported_check(service({"check_cmd": "/bin/check"}))
    assert unsupported_check(service({"check_http": "/"})) is None


def test_ipv6_and_mappings():
    assert build_check(service({"check_tcp": "1"}, ip="fd00::5"))["TCP"] == "[fd00::5]:32768"
    assert build_check({"id": "x", "ip": "1.2.3.4", "port": 80, "attrs": {"check_http": "/"}})["HTTP"] == "http://1.2.3.4:80/"
