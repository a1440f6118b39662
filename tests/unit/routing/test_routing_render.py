# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure renderer: upstreams and routes from one list, the 502 placeholder, injections change nothing."""
from __future__ import annotations

import re

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._routing import PLACEHOLDER, RoutingError, render_nginx

from tests.unit.routing.test_routing_sanitise import INJECTIONS


def upstreams(text):
    return re.findall(r"^upstream (\S+) \{$", text, re.MULTILINE)


def test_location_mode():
    rendered = render_nginx({"web": ["10.0.0.2:80", "10.0.0.1:80"], "api": ["[::1]:81"]}, listen="127.0.0.1:8080")
    text = rendered.text
    assert upstreams(text) == ["dockyard_api", "dockyard_web"]
    assert "    server 10.0.0.1:80;\n    server 10.0.0.2:80;\n" in text
    assert "    server [::1]:81;\n" in text
    assert "listen 127.0.0.1:8080;" in text and "server_name _;" in text
    assert "location /web/ {\n        proxy_pass http://dockyard_web/;" in text
    assert "location /api/ {\n        proxy_pass http://dockyard_api/;" in text
    assert rendered.rejected == []


def test_server_name_mode():
    text = render_nginx({"web": ["10.0.0.1:80"], "api": []}, mode="server_name", domain="Apps.Example.com").text
    assert "server_name web.apps.example.com;" in text and "server_name api.apps.example.com;" in text
    assert "proxy_pass http://dockyard_web;" in text
    assert text.count("listen 80;") == 2
    assert text.count("listen 80 default_server;") == 1 and "    return 404;" in text


def test_server_name_mode_without_default_server():
    text = render_nginx({"web": []}, mode="server_name", domain="x.test", default_server=False).text
    assert "default_server" not in text and "return 404" not in text


def test_zero_backends_placeholder():
    text = render_nginx({"web": []}).text
    assert "server %s;" % PLACEHOLDER in text
    assert "location /web/" in text


def test_no_services_is_still_a_valid_shape():
    text = render_nginx({}).text
    assert "upstream" not in text and "location / {\n        return 404;" in text
    assert render_nginx({}, mode="server_name", domain="x.test").text.count("server {") == 1  # the catch-all


def test_every_route_has_its_upstream():
    services = {name: ["10.0.0.1:80"] for name in ["a", "b", "c"] + INJECTIONS if isinstance(name, str)}
    for mode in ("location", "server_name"):
        text = render_nginx(services, mode=mode, domain="x.test").text
        assert sorted(set(re.findall(r"proxy_pass http://(dockyard_[a-z0-9._-]+)", text))) == upstreams(text)


@pytest.mark.parametrize("name", [n for n in INJECTIONS if isinstance(n, str)])
def test_injected_names_change_nothing(name):
    base = render_nginx({"web": ["10.0.0.1:80"]})
    attacked = render_nginx({"web": ["10.0.0.1:80"], name: ["10.0.0.9:80"]})
    assert attacked.text == base.text
    assert len(attacked.rejected) == 1


@pytest.mark.parametrize("backend", ["10.0.0.9:80; } server { listen 81; }", "10.0.0.9:80\n", "$x:80", "10.0.0.9:80 backup"])
def test_injected_backends_change_nothing(backend):
    base = render_nginx({"web": ["10.0.0.1:80"]})
    attacked = render_nginx({"web": ["10.0.0.1:80", backend]})
    assert attacked.text == base.text and len(attacked.rejected) == 1


def test_all_backends_rejected_gives_placeholder():
    rendered = render_nginx({"web": ["x; }"]})
    assert "server %s;" % PLACEHOLDER in rendered.text and rendered.services == {"web": []}


def test_deterministic():
    one = render_nginx({"b": ["10.0.0.2:80", "10.0.0.1:80"], "a": ["10.0.0.3:80"]}).text
    two = render_nginx({"a": ["10.0.0.3:80"], "b": ["10.0.0.1:80", "10.0.0.2:80"]}).text
    assert one == two


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "path"}, "mode must be one of"),
    ({"mode": "server_name"}, "needs a domain"),
    ({"mode": "server_name", "domain": "x; }"}, "needs a domain"),
    ({"listen": "80; }"}, "listen must be"),
    ({"listen": 0}, "listen must be"),
    ({"listen": True}, "listen must be"),
    ({"server_name": "a b"}, "server_name must be"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(RoutingError, match=message):
        render_nginx({"web": []}, **kwargs)
