# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names and backends from containers: a closed alphabet, everything else dropped and reported."""
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import RoutingError, clean_services, valid_backend, valid_name

INJECTIONS = [
    "x; } server { listen 81; }",
    "web\nserver { listen 81; }",
    "web\r\n",
    "web$host",
    "web'",
    'web"',
    "we b",
    "web{",
    "web}",
    "web;",
    "web#",
    "../etc",
    "web..x",
    "-web",
    "web-",
    "Web",
    "wéb",
    "",
    "a" * 101,
    "web/x",
    "web\\",
    None,
    42,
]


@pytest.mark.parametrize("name", ["web", "web-80", "a", "my.app_1", "0", "a" * 100])
def test_valid_names(name):
    assert valid_name(name)


@pytest.mark.parametrize("name", INJECTIONS)
def test_invalid_names(name):
    assert not valid_name(name)


@pytest.mark.parametrize("value, canonical", [
    ("10.0.0.1:80", "10.0.0.1:80"),
    ("10.0.0.1:08080", "10.0.0.1:8080"),
    ("10.0.0.1:65535", "10.0.0.1:65535"),
    ("[::1]:8080", "[::1]:8080"),
    ("[FD00:0::1]:1", "[fd00::1]:1"),
    ("Web.Example.com:443", "web.example.com:443"),
    ("node-2:80", "node-2:80"),
])
def test_valid_backends(value, canonical):
    assert valid_backend(value) == canonical


@pytest.mark.parametrize("value", [
    "10.0.0.1", "10.0.0.1:0", "10.0.0.1:065535", "10.0.0.1:65536", "10.0.0.1:80;", "10.0.0.1:80 down", "10.0.0.1:80\nserver 6.6.6.6:1",
    "999.1.1.1:80", "1.2.3:80", "::1:80", "[::1]", "[zz::1]:80", "web_1:80", "-web:80", "web .x:80", "$host:80",
    "a" * 64 + ":80", "10.0.0.1:+80", "10.0.0.1:8o", ":80", "", None, 80, "10.0.0.1:80}", "'10.0.0.1:80'",
])
def test_invalid_backends(value):
    assert valid_backend(value) is None


def test_clean_services_reports_each_drop():
    clean, rejected = clean_services({
        "web": ["10.0.0.2:80", "10.0.0.1:80", "10.0.0.1:80", "1.1.1.1:80; } server { listen 81; }"],
        "x; } server { listen 81; }": ["10.0.0.3:80"],
        "empty": [],
        "none": None,
        "text": "10.0.0.1:80",
    })
    assert clean == {"empty": [], "none": [], "text": [], "web": ["10.0.0.1:80", "10.0.0.2:80"]}
    assert len(rejected) == 3
    assert any("service 'x; } server { listen 81; }' dropped" in line for line in rejected)
    assert any("backend '1.1.1.1:80; } server" in line for line in rejected)
    assert any("service text: backends must be a list" in line for line in rejected)
    assert all("\n" not in line for line in rejected)


def test_clean_services_shape():
    assert clean_services(None) == ({}, [])
    with pytest.raises(RoutingError):
        clean_services(["web"])
