# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing layer's nginx renderer: {service: [backends]} -> one nginx configuration file.

Public API (the rest of the package is internal):

* ``clean_services(services) -> (clean, rejected)``: strict sanitisation of names and backends
  (``sanitise``); ``valid_name``, ``valid_backend``
* ``render_nginx(services, mode="location", domain=None, listen=80, server_name="_", default_server=True)``
  -> ``Rendered``: pure rendering (``nginx``); zero backends give a placeholder upstream that answers 502
* ``render_haproxy(services, mode="location", domain=None, listen=80, server_name="_", pidfile=None,
  stats_socket=None)`` -> ``Rendered``: a complete haproxy.cfg (``haproxy``); zero backends answer 503
* ``apply_config(content, live_path, ..., validator="nginx"|"haproxy"|callable) -> Applied``,
  ``reload_nginx(...)``, ``reload_haproxy(command)``, ``run_reload(command)``: the I/O (``staging``):
  stage, ``nginx -t -c`` or ``haproxy -c -f``, atomic swap; nothing changes when validation fails
* ``watch.RoutingWatcher`` and ``cli.main``: the host agent that keeps the proxy following Consul
  (``python -m ...._routing [options] consul://HOST:PORT/PREFIX``; imported from their modules)
* ``RoutingError``

Pure Python apart from ``staging``, ``watch`` and ``cli``; Jinja2 is imported on first render; no ansible import.
"""
from __future__ import annotations

from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.haproxy import render_haproxy
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.nginx import PLACEHOLDER, Rendered, render_nginx
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.sanitise import MODES, clean_services, valid_backend, valid_name
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.staging import (
    Applied, apply_config, reload_haproxy, reload_nginx, run_reload, validation_conf,
)

__all__ = [
    "Applied", "MODES", "PLACEHOLDER", "Rendered", "RoutingError", "apply_config", "clean_services", "reload_haproxy",
    "reload_nginx", "render_haproxy", "render_nginx", "run_reload", "valid_backend", "valid_name", "validation_conf",
]
