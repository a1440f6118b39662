# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`swarm manage|join|list|create`: classic Swarm's command line.

No parser accepts abbreviations (``allow_abbrev=False``): with them ``--discovery`` would silently
become ``--discovery-opt``. ``join`` is the discovery layer's heartbeat agent (its parser is the
parent of ours, ``join.run`` runs what it parsed); ``list`` prints what discovery lists; ``create``
explains that Docker's hosted token service is gone.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any, Dict, List, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, list_nodes
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import join as join_agent
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import TOKEN_SHUTDOWN
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.config import (
    ConfigError,
    discovery_params,
    duration,
    manage_config,
)

LOG = logging.getLogger("dockyard.swarm.manager")
LOG_LEVELS = ("debug", "info", "warn", "warning", "error", "fatal", "panic")


def _log_flags(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default: Dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    parser.add_argument("--debug", action="store_true", help="debug logging (env DEBUG)", **default)
    parser.add_argument("--log-level", "-l", choices=LOG_LEVELS, help="log level (default info)",
                        **(default or {"default": None}))
    parser.add_argument("--experimental", action="store_true", help="accepted for compatibility; no effect", **default)


def _discovery_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("discovery", nargs="?", help="discovery URL (default: $SWARM_DISCOVERY)")
    parser.add_argument("--discovery", dest="discovery_flag", metavar="URL", help="discovery URL (instead of the positional)")
    parser.add_argument("--discovery-opt", action="append", default=[], metavar="KEY=VALUE",
                        help="kv.cacertfile=, kv.certfile=, kv.keyfile=, kv.path=")


def _manage_parser(subparsers: Any) -> None:
    manage = subparsers.add_parser("manage", aliases=["m"], allow_abbrev=False, help="run the Docker API endpoint of the cluster",
                                   description="Serve one Docker Engine API for every engine discovery lists.")
    _discovery_flags(manage)
    manage.add_argument("-H", "--host", action="append", default=[], metavar="URL",
                        help="listen on tcp://host:port or unix:///path (repeatable; default tcp://127.0.0.1:2375, env SWARM_HOST)")
    manage.add_argument("--tls", action="store_true", help="TLS on the listeners and toward the engines, no verification")
    manage.add_argument("--tlsverify", action="store_true", help="TLS, verify engines and require client certificates from --tlscacert")
    manage.add_argument("--tlscacert", help="CA of the engines' and clients' certificates")
    manage.add_argument("--tlscert", help="the manager's certificate (server and client authentication)")
    manage.add_argument("--tlskey", help="the manager's key")
    manage.add_argument("--strategy", default="spread", help="spread, binpack or random (default spread)")
    manage.add_argument("--filter", "-f", action="append", default=[],
                        help="filter to run (repeatable; any given replaces the default chain, in order)")
    manage.add_argument("--engine-refresh-min-interval", default="30s", metavar="DURATION")
    manage.add_argument("--engine-refresh-max-interval", default="60s", metavar="DURATION")
    manage.add_argument("--engine-failure-retry", type=int, default=3, metavar="N",
                        help="consecutive connection failures before an engine is Unhealthy (default 3)")
    manage.add_argument("--engine-refresh-retry", type=int, default=None, help=argparse.SUPPRESS)
    manage.add_argument("--cluster-opt", action="append", default=[], metavar="KEY=VALUE",
                        help="swarm.overcommit=0.05, swarm.createretry=0")
    manage.add_argument("--heartbeat", default="60s", metavar="DURATION", help="discovery poll period (default 60s)")
    manage.add_argument("--cluster-driver", "-c", default="swarm", help="only 'swarm'")
    manage.add_argument("--replication", action="store_true", help="not supported yet (high availability)")
    manage.add_argument("--replication-ttl", default=None, help=argparse.SUPPRESS)
    manage.add_argument("--advertise", "--addr", default=None, help=argparse.SUPPRESS)
    manage.add_argument("--api-enable-cors", "--cors", dest="cors", action="store_true", help=argparse.SUPPRESS)
    manage.add_argument("--refresh-on-node-filter", action="store_true", help="accepted; the picture follows engine events")
    manage.add_argument("--container-name-refresh-filter", default=None, help="accepted; the picture follows engine events")
    _log_flags(manage, suppress=True)


def _join_parser(subparsers: Any) -> None:
    parent = join_agent.build_parser()
    join = subparsers.add_parser("join", aliases=["j"], parents=[parent], add_help=False, allow_abbrev=False,
                                 help="keep an engine registered in discovery", description=parent.description)
    _log_flags(join, suppress=True)


def _list_parser(subparsers: Any) -> None:
    listing = subparsers.add_parser("list", aliases=["l"], allow_abbrev=False, help="print the engines discovery lists")
    _discovery_flags(listing)
    listing.add_argument("--timeout", default="10s", metavar="DURATION")
    _log_flags(listing, suppress=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="swarm", allow_abbrev=False,
                                     description="dockyard.swarm: classic Docker Swarm's manager and join agent.")
    _log_flags(parser, suppress=False)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    _manage_parser(subparsers)
    _join_parser(subparsers)
    _list_parser(subparsers)
    subparsers.add_parser("create", aliases=["c"], allow_abbrev=False, help="(Docker Hub token discovery: gone since 2019)")
    return parser


def log_level(args: Any, environ: Dict[str, str]) -> int:
    if getattr(args, "debug", False) or environ.get("DEBUG", "").lower() in ("1", "true", "yes"):
        return logging.DEBUG
    name = (getattr(args, "log_level", None) or "info").lower()
    return {"warn": logging.WARNING, "fatal": logging.CRITICAL, "panic": logging.CRITICAL}.get(
        name, getattr(logging, name.upper(), logging.INFO))


def run_list(args: Any, environ: Dict[str, str]) -> int:
    source = args.discovery_flag or args.discovery or environ.get("SWARM_DISCOVERY")
    if not source:
        raise ConfigError("No discovery given: swarm list <discovery URL> (or --discovery URL, or $SWARM_DISCOVERY).")
    duration(args.timeout, "--timeout")
    source, params = discovery_params(args.discovery_opt, source)
    for addr in list_nodes(source, params, environ):
        sys.stdout.write(addr + "\n")
    return 0


def main(argv: Optional[List[str]] = None, environ: Optional[Dict[str, str]] = None) -> int:
    """Entry point of `python -m ..._manager`; returns the exit status."""
    environ = dict(os.environ) if environ is None else environ
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=log_level(args, environ), stream=sys.stderr,
                        format="%(asctime)s swarm %(levelname)s %(name)s: %(message)s")
    command = {"m": "manage", "j": "join", "l": "list", "c": "create"}.get(args.command, args.command)
    try:
        if command == "create":
            raise ConfigError("swarm create: " + TOKEN_SHUTDOWN)
        if command == "join":
            return join_agent.run(args, environ)
        if command == "list":
            return run_list(args, environ)
        config = manage_config(args, environ)
    except (ConfigError, DiscoveryError) as exc:
        LOG.error("%s", exc)
        sys.stderr.write("swarm %s: %s\n" % (command, exc))
        return 1
    from ansible_collections.dockyard.swarm.plugins.module_utils._manager.server import run

    return run(config)
