# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The join heartbeat: keep one engine address registered in a discovery store.

What classic `swarm join` did, for a host agent to run: wait a random part of ``delay``,
register, then refresh every ``heartbeat`` seconds; the store drops the key about ``ttl``
seconds after the last refresh (``ttl`` must exceed ``heartbeat``). Store errors are logged
and retried, never fatal. On stop (SIGTERM/SIGINT) the key is removed unless asked not to.

Run it with `python -m ansible_collections.dockyard.swarm.plugins.module_utils._discovery
--advertise 10.0.0.5:2376 consul://127.0.0.1:8500/swarm` (or classic's `--addr=… --discovery URL`).
The manager's `swarm join` uses ``build_parser`` as the parent of its own parser and ``run``
on what it parsed: one command line, one implementation.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import os
import random
import re
import signal
import sys
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import normalize_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.backends import open_backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend, Registration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.keys import NODES_PATH
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import parse_discovery_url

LOG = logging.getLogger("dockyard.swarm.join")
DEFAULT_HEARTBEAT = 60.0
DEFAULT_TTL = 180.0
RETRY_AFTER_FAILURE = 5.0
DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)?$")
UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
# classic `--discovery-opt` names -> our option names
DISCOVERY_OPTS = {"kv.cacertfile": "discovery_ca_cert", "kv.certfile": "discovery_client_cert",
                  "kv.keyfile": "discovery_client_key"}


def parse_duration(text: str, what: str) -> float:
    """Seconds from `60`, `60s`, `500ms`, `3m` or `1h` (the forms classic's Go flags took)."""
    match = DURATION.match(str(text).strip())
    if not match:
        raise DiscoveryError("Invalid %s %r: expected a duration such as 20s, 500ms, 3m or a number of seconds." % (what, text))
    return float(match.group(1)) * UNITS[match.group(2)]


def check_timing(heartbeat: float, ttl: float, delay: float = 0.0) -> None:
    """Reject timings that cannot keep a registration alive (classic's rules)."""
    if heartbeat < 1:
        raise DiscoveryError("heartbeat must be at least 1 second, got %s." % heartbeat)
    if ttl <= heartbeat:
        raise DiscoveryError("ttl (%ss) must be greater than heartbeat (%ss), e.g. heartbeat 60s and ttl 180s." % (ttl, heartbeat))
    if delay < 0:
        raise DiscoveryError("delay must not be negative, got %s." % delay)


def run_join_loop(backend: Backend, addr: str, heartbeat: float = DEFAULT_HEARTBEAT, ttl: float = DEFAULT_TTL,
                  delay: float = 0.0, stop: Optional[threading.Event] = None, max_beats: Optional[int] = None,
                  deregister_on_exit: bool = True, jitter: Callable[[float, float], float] = random.uniform) -> int:
    """Register ``addr`` and refresh it until ``stop`` is set (or ``max_beats`` refreshes); return the beats done."""
    check_timing(heartbeat, ttl, delay)
    addr = normalize_address(addr, None, "advertise address")
    if not backend.can_register:
        backend.register(addr, int(ttl))  # raises the backend's explanation
    stop = stop or threading.Event()
    if delay and stop.wait(jitter(0.0, delay)):
        return 0
    registration: Optional[Registration] = None
    beats = 0
    try:
        while not stop.is_set():
            pause = heartbeat
            try:
                if registration is None:
                    registration = backend.register(addr, int(ttl))
                    LOG.info("registered %s as %s (heartbeat %ss, ttl %ss)", addr, registration.key, heartbeat, ttl)
                else:
                    registration.refresh()
                    LOG.debug("refreshed %s", registration.key)
            except DiscoveryError as exc:
                LOG.warning("heartbeat for %s failed, retrying: %s", addr, exc)
                pause = min(heartbeat, RETRY_AFTER_FAILURE)
            beats += 1
            if max_beats is not None and beats >= max_beats:
                break
            stop.wait(pause)
    finally:
        if registration is not None:
            try:
                registration.close(deregister=deregister_on_exit)
                LOG.info("%s %s", "deregistered" if deregister_on_exit else "stopped heartbeating", addr)
            except DiscoveryError as exc:
                LOG.warning("could not deregister %s: %s", addr, exc)
    return beats


def kv_path_source(source: str, kv_path: str) -> str:
    """The discovery URL that puts nodes where classic's ``--discovery-opt kv.path=`` did.

    Classic kept engines under ``<prefix>/<kv.path>/<addr>`` (default ``docker/swarm/nodes``). The stores
    here keep them under ``<prefix>/docker/swarm/nodes``, so a path ending in ``docker/swarm/nodes`` is the
    same layout with a longer prefix (``consul://h/p`` + ``kv.path=team/docker/swarm/nodes`` reads
    ``p/team/docker/swarm/nodes``); any other path cannot be expressed and is refused."""
    path = kv_path.strip().strip("/")
    if path != NODES_PATH and not path.endswith("/" + NODES_PATH):
        raise DiscoveryError("Invalid --discovery-opt kv.path=%s: engines are kept under <prefix>/%s, so kv.path must "
                             "be %s or end with /%s (the part before it joins the discovery URL's prefix)."
                             % (kv_path, NODES_PATH, NODES_PATH, NODES_PATH))
    parsed = parse_discovery_url(source)
    if not parsed.is_store:
        raise DiscoveryError("--discovery-opt kv.path applies to consul://, etcd:// and zk:// discovery only, not %s."
                             % source)
    extra = path[:-len(NODES_PATH)].strip("/")
    if not extra:
        return source
    prefix = "/".join(part for part in (parsed.prefix, extra) if part)
    return str(dataclasses.replace(parsed, prefix=prefix))


def discovery_settings(source: Optional[str], items: Sequence[str]) -> Tuple[Optional[str], Dict[str, str]]:
    """(discovery URL, backend options) from classic `--discovery-opt` values; unknown keys are errors."""
    params: Dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if sep and key == "kv.path" and source:
            source = kv_path_source(source, value)
            continue
        if not sep or key not in DISCOVERY_OPTS:
            raise DiscoveryError(
                "Invalid --discovery-opt %r: expected key=value with key one of %s; tokens and passwords come from "
                "the environment (CONSUL_HTTP_TOKEN, ETCDCTL_USER, SWARM_DISCOVERY_TOKEN ...)."
                % (item, ", ".join(sorted(list(DISCOVERY_OPTS) + ["kv.path"]))))
        params[DISCOVERY_OPTS[key]] = value
    return source, params


def _discovery_opts(items: Sequence[str]) -> Dict[str, str]:
    """The backend options of `--discovery-opt` values that need no discovery URL (kv.path does)."""
    return discovery_settings(None, items)[1]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="swarm-join", allow_abbrev=False,
                                     description="Keep a Docker engine registered in discovery.")
    parser.add_argument("discovery", nargs="?",
                        help="consul://h:8500/<prefix>, etcd://h1,h2/<prefix> or zk://h1,h2/<prefix> (default: $SWARM_DISCOVERY)")
    parser.add_argument("--discovery", dest="discovery_flag", metavar="URL", help="the discovery URL (instead of the positional)")
    parser.add_argument("--advertise", "--addr", help="the engine address to register, host:port (default: $SWARM_ADVERTISE)")
    parser.add_argument("--heartbeat", default="60s", help="refresh period (default 60s)")
    parser.add_argument("--ttl", default="180s", help="how long the key outlives the last heartbeat (default 180s)")
    parser.add_argument("--delay", default="0s", help="wait a random time up to this before registering (default 0s)")
    parser.add_argument("--discovery-opt", action="append", default=[], metavar="KEY=VALUE",
                        help="kv.cacertfile=, kv.certfile=, kv.keyfile= (TLS to the store), kv.path=")
    parser.add_argument("--no-deregister", action="store_true", help="on stop, let the key expire instead of removing it")
    parser.add_argument("--verbose", "-v", action="store_true")
    return parser


def discovery_of(args: Any, environ: Dict[str, str]) -> Optional[str]:
    """The discovery URL: the positional or ``--discovery`` (not two different ones), else $SWARM_DISCOVERY."""
    flag = getattr(args, "discovery_flag", None)
    if flag and args.discovery and flag != args.discovery:
        raise DiscoveryError("Two discovery URLs given (--discovery %s and %s): give one." % (flag, args.discovery))
    return flag or args.discovery or environ.get("SWARM_DISCOVERY")


def run(args: Any, environ: Dict[str, str]) -> int:
    """Run the join loop for parsed arguments (``build_parser``'s, or a parser that has it as a parent)."""
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_args: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        source = discovery_of(args, environ)
        addr = args.advertise or environ.get("SWARM_ADVERTISE")
        if not source or not addr:
            raise DiscoveryError("Both a discovery URL and --advertise host:port are required.")
        heartbeat = parse_duration(args.heartbeat, "--heartbeat")
        ttl = parse_duration(args.ttl, "--ttl")
        delay = parse_duration(args.delay, "--delay")
        check_timing(heartbeat, ttl, delay)
        source, params = discovery_settings(source, args.discovery_opt)
        with open_backend(source, params, environ) as backend:
            run_join_loop(backend, addr, heartbeat, ttl, delay, stop=stop, deregister_on_exit=not args.no_deregister)
    except DiscoveryError as exc:
        LOG.error("%s", exc)
        return 2
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def main(argv: Optional[List[str]] = None, environ: Optional[Dict[str, str]] = None) -> int:
    """Command-line entry point for host agents; returns the exit status."""
    environ = dict(os.environ) if environ is None else environ
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s swarm-join %(levelname)s %(message)s", stream=sys.stderr)
    return run(args, environ)


if __name__ == "__main__":
    raise SystemExit(main())
