# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Render the routes (an nginx ``http`` context include) from {service: [backends]}; pure, no I/O.

Upstreams and their ``location``/``server`` blocks come from one list, so a route never
points at an upstream that was not written. A service without backends gets one ``down``
placeholder server: nginx keeps the configuration valid and answers 502 for it.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, NamedTuple, Union

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import clean_services, valid_backend, valid_hostname

MODES = ("location", "server_name")
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


def _listen(listen: Union[int, str]) -> str:
    if isinstance(listen, int) and not isinstance(listen, bool) and 1 <= listen <= 65535:
        return str(listen)
    if isinstance(listen, str):
        if re.fullmatch(r"[0-9]{1,5}", listen, re.ASCII) and 1 <= int(listen) <= 65535:
            return listen
        canonical = valid_backend(listen)
        if canonical is not None:
            return canonical
    raise RoutingError("listen must be a port 1-65535 or address:port, got %r" % (listen,))


def render_nginx(services: Any, mode: str = "location", domain: Union[str, None] = None,
                 listen: Union[int, str] = 80, server_name: str = "_", default_server: bool = True) -> Rendered:
    """Routes by ``location /<service>/`` (one server) or by ``server_name <service>.<domain>``.

    In ``server_name`` mode ``default_server`` adds a catch-all server answering 404, so a request
    for an unknown host does not reach the first service (turn it off when another file of the
    same ``listen`` already has the default server).
    """
    if mode not in MODES:
        raise RoutingError("mode must be one of %s, got %r" % (", ".join(MODES), mode))
    if mode == "server_name" and not (isinstance(domain, str) and valid_hostname(domain.lower())):
        raise RoutingError("mode server_name needs a domain such as 'apps.example.com', got %r" % (domain,))
    if server_name != "_" and not (isinstance(server_name, str) and valid_hostname(server_name.lower())):
        raise RoutingError("server_name must be '_' or a host name, got %r" % (server_name,))
    clean, rejected = clean_services(services)
    entries = [{"name": name, "upstream": UPSTREAM_PREFIX + name, "backends": backends}
               for name, backends in clean.items()]
    import jinja2  # only the renderer needs it (host agents without it can still use sanitise)

    environment = jinja2.Environment(autoescape=False, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    text = environment.from_string(TEMPLATE).render(
        services=entries, mode=mode, domain=(domain or "").lower(), listen=_listen(listen), server_name=server_name.lower(),
        placeholder=PLACEHOLDER, proxy_settings=PROXY_SETTINGS, default_server=bool(default_server))
    return Rendered(text, clean, rejected)
