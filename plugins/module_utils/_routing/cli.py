# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing host agent's command line (the `routing` role runs it as a systemd service).

`python -m ansible_collections.dockyard.swarm.plugins.module_utils._routing [options] consul://HOST:PORT/PREFIX`

Exit status: 0 stopped by SIGTERM/SIGINT (or ``--once`` applied or found nothing to change),
1 ``--once`` and the proxy refused the new routes or the reload failed, 2 bad input (one line on
stderr) or, with ``--once``, Consul could not be read.
"""
from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import signal
import sys
import threading
from functools import partial
from typing import Any, Callable, Dict, List, NoReturn, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import parse_duration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import parse_discovery_url
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.errors import RoutingError
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.haproxy import render_haproxy
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.nginx import render_nginx
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.staging import (
    HAPROXY, HAPROXY_RELOAD, NGINX, apply_config, check_nginx, read_config, restore_config, run_reload,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._routing.watch import (
    INVALID,
    RELOAD_FAILED,
    ProxyHooks,
    RoutingWatcher,
    WatchSettings,
)

LOG = logging.getLogger("dockyard.swarm.routing")
PROG = "dockyard-routing"
DEFAULT_PREFIX = "services"
OUTPUTS = {"nginx": "/etc/nginx/conf.d/dockyard-routes.conf", "haproxy": "/etc/haproxy/haproxy.cfg"}
NGINX_CONF = "/etc/nginx/nginx.conf"


class UsageError(Exception):
    """Bad input: one line on stderr, exit 2."""


class _Stop(Exception):
    """Raised by the signal handler to leave a blocking Consul query at once."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Keep nginx (or HAProxy) routing /<service>/ to what Registrator wrote in Consul.")
    parser.add_argument("uri", help="consul://HOST:PORT/PREFIX (PREFIX default 'services'; HOST:PORT default "
                                    "$CONSUL_HTTP_ADDR or 127.0.0.1:8500)")
    parser.add_argument("--proxy", choices=("nginx", "haproxy"), default="nginx")
    parser.add_argument("--output", help="the routes file (nginx: %(nginx)s; haproxy: %(haproxy)s)" % OUTPUTS)
    parser.add_argument("--mode", choices=("location", "server_name"), default="location",
                        help="route /<service>/ (location) or Host <service>.<domain> (server_name)")
    parser.add_argument("--domain", help="the domain of server_name mode")
    parser.add_argument("--listen", default="80", help="PORT or ADDR:PORT (default 80)")
    parser.add_argument("--server-name", default="_", help="location mode: the host name served (default _: any)")
    parser.add_argument("--nginx-conf", default=NGINX_CONF, help="the main nginx.conf (default %s)" % NGINX_CONF)
    parser.add_argument("--nginx", default=NGINX, help="the nginx binary (default %s)" % NGINX)
    parser.add_argument("--haproxy", default=HAPROXY, help="the haproxy binary (default %s)" % HAPROXY)
    parser.add_argument("--haproxy-pidfile", help="haproxy: a pidfile line for the rendered global section")
    parser.add_argument("--haproxy-stats-socket", help="haproxy: a stats socket line for the rendered global section")
    parser.add_argument("--reload-command", help="the reload command, split like a shell would (no shell): nginx default "
                                                 "'<nginx> -c <nginx-conf> -s reload', haproxy default '%s'" % " ".join(HAPROXY_RELOAD))
    parser.add_argument("--wait-min", default="0.5s", help="quiet time after a change before rendering (default 0.5s)")
    parser.add_argument("--wait-max", default="5s", help="longest delay after the first change (default 5s)")
    parser.add_argument("--block", default="60s", help="Consul blocking-query wait (default 60s, at most 10m)")
    parser.add_argument("--forget-vanished", action="store_true",
                        help="drop a service whose keys are all gone (404) instead of keeping it with no backends (502/503)")
    parser.add_argument("--once", action="store_true", help="render, validate, swap and reload once, then exit")
    parser.add_argument("--verbose", "-v", action="store_true")
    return parser


def _store(uri: str, environ: Dict[str, str]) -> Tuple[ConsulStore, str]:
    url = parse_discovery_url(uri)
    if url.scheme != "consul":
        raise UsageError("the URI must be consul://HOST:PORT/PREFIX, got %r" % uri)
    if not url.prefix:
        url = dataclasses.replace(url, prefix=DEFAULT_PREFIX)
    return ConsulStore(resolve_store(url, {}, environ)), url.prefix


def _renderer(args: argparse.Namespace) -> Callable[[Dict[str, List[str]]], Any]:
    if args.proxy == "haproxy":
        return partial(render_haproxy, mode=args.mode, domain=args.domain, listen=args.listen, server_name=args.server_name,
                       pidfile=args.haproxy_pidfile, stats_socket=args.haproxy_stats_socket)
    return partial(render_nginx, mode=args.mode, domain=args.domain, listen=args.listen, server_name=args.server_name)


def build_watcher(args: argparse.Namespace, environ: Dict[str, str], stop: threading.Event) -> RoutingWatcher:
    """Everything from the arguments, checked before the first Consul query (UsageError, RoutingError, DiscoveryError)."""
    output = os.path.abspath(args.output or OUTPUTS[args.proxy])
    if not os.path.isdir(os.path.dirname(output)):
        raise UsageError("the directory of --output %s does not exist" % output)
    wait_min = parse_duration(args.wait_min, "--wait-min")
    wait_max = parse_duration(args.wait_max, "--wait-max")
    block = parse_duration(args.block, "--block")
    if not 1 <= block <= 600:
        raise UsageError("--block must be between 1s and 10m, got %s" % args.block)
    render = _renderer(args)
    render({})  # mode, domain, listen, server name and paths are checked now, not at the first change
    if args.reload_command is not None and not args.reload_command.strip():
        raise UsageError("--reload-command is empty")
    store, prefix = _store(args.uri, environ)
    check_live: Optional[Callable[[], Optional[str]]] = None
    if args.proxy == "haproxy":
        apply = partial(apply_config, live_path=output, validator="haproxy", haproxy=args.haproxy)
        reload_command = args.reload_command or list(HAPROXY_RELOAD)
    else:
        apply = partial(apply_config, live_path=output, nginx=args.nginx)
        reload_command = args.reload_command or [args.nginx, "-c", args.nginx_conf, "-s", "reload"]
        if os.path.isfile(args.nginx_conf):
            check_live = partial(check_nginx, args.nginx_conf, nginx=args.nginx)
    hooks = ProxyHooks(render, apply, partial(run_reload, reload_command), check_live=check_live,
                       snapshot=partial(read_config, output), restore=partial(restore_config, live_path=output),
                       proxy=args.proxy)
    settings = WatchSettings(wait_min=wait_min, wait_max=wait_max, block=block, keep_vanished=not args.forget_vanished)
    return RoutingWatcher(store, prefix, hooks, settings, stop=stop)


def main(argv: Optional[List[str]] = None, environ: Optional[Dict[str, str]] = None) -> int:
    """Command-line entry point; returns the exit status."""
    environ = dict(os.environ) if environ is None else environ
    stop = threading.Event()
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        sys.stderr.write("%s: error: %s\n" % (PROG, exc))
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s " + PROG + " %(levelname)s %(message)s", stream=sys.stderr)
    try:
        watcher = build_watcher(args, environ, stop)
    except (UsageError, RoutingError, DiscoveryError, RegistratorError) as exc:
        sys.stderr.write("%s: error: %s\n" % (PROG, exc))
        return 2
    if args.once:
        try:
            outcome = watcher.once()
        except DiscoveryError as exc:
            LOG.error("%s", exc)
            return 2
        return 1 if outcome in (INVALID, RELOAD_FAILED) else 0

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()
        if watcher.in_query:
            raise _Stop()

    previous = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        watcher.run()
    except _Stop:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    LOG.info("stopped")
    return 0
