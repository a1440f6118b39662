# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the routes (an nginx ``http`` context include) from {service: [backends]}; pure, no I/O.

Upstreams and their ``location``/``server`` blocks come from one list, so a route never
points at an upstream that was not written. A service without backends gets one ``down``
placeholder server: nginx keeps the configuration valid and answers 502 for it.
"""
from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import (
    canonical_listen, check_routing, clean_services, valid_hostname,
)

PLACEHOLDER = "127.0.0.1:65535 down"
UPSTREAM_PREFIX = "dockyard_"

TEMPLATE = """\
# Rendered by dockyard.swarm (routing); every render replaces this file.
{% for svc in services %}
upstream {{ svc.upstream }} {
{% for backend in svc.backends %}
    server {{ backend }};
{% else %}
    server {{ placeholder }};  # no backends: requests get 502
{% endfor %}
}
{% endfor %}
{% if mode == "location" %}
server {
    listen {{ listen }};
    server_name {{ server_name }};
{% for svc in services %}

    location /{{ svc.name }}/ {
        proxy_pass http://{{ svc.upstream }}/;
{{ proxy_settings }}
    }
{% endfor %}

    location / {
        return 404;
    }
}
{% else %}
{% if default_server %}
server {
    listen {{ listen }} default_server;
    server_name _;
    return 404;
}
{% endif %}
{% for svc in services %}

server {
    listen {{ listen }};
    server_name {{ svc.name }}.{{ domain }};

    location / {
        proxy_pass http://{{ svc.upstream }};
{{ proxy_settings }}
    }
}
{% endfor %}
{% endif %}
"""

PROXY_SETTINGS = """\
        proxy_http_version 1.1;
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;"""


class Rendered(NamedTuple):
    """The file's text, the services it routes (after sanitisation) and what was dropped and why."""

    text: str
    services: Dict[str, List[str]]
    rejected: List[str]


def render_nginx(services: Any, mode: str = "location", domain: Union[str, None] = None,
                 listen: Union[int, str] = 80, server_name: str = "_", default_server: bool = True) -> Rendered:
    """Routes by ``location /<service>/`` (one server) or by ``server_name <service>.<domain>``.

    In ``server_name`` mode ``default_server`` adds a catch-all server answering 404, so a request
    for an unknown host does not reach the first service (turn it off when another file of the
    same ``listen`` already has the default server).
    """
    domain = check_routing(mode, domain)
    if server_name != "_" and not (isinstance(server_name, str) and valid_hostname(server_name.lower())):
        raise RoutingError("server_name must be '_' or a host name, got %r" % (server_name,))
    clean, rejected = clean_services(services)
    entries = [{"name": name, "upstream": UPSTREAM_PREFIX + name, "backends": backends}
               for name, backends in clean.items()]
    import jinja2  # only the renderer needs it (host agents without it can still use sanitise)

    environment = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    text = environment.from_string(TEMPLATE).render(
        services=entries, mode=mode, domain=domain, listen=canonical_listen(listen), server_name=server_name.lower(),
        placeholder=PLACEHOLDER, proxy_settings=PROXY_SETTINGS, default_server=bool(default_server))
    return Rendered(text, clean, rejected)
