# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The manager's settings, validated with classic `swarm manage`'s rules before anything starts.

``manage_config(args, environ)`` turns parsed command-line flags into a ``ManagerConfig`` or raises
``ConfigError`` with a message that names the flag and the reason (the CLI prints it and exits 1).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, parse_discovery_url
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import split_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import DISCOVERY_OPTS, discovery_settings, parse_duration
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.options import ConnectionOptions
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.registry import get_filters, get_strategy

DEFAULT_HOST = "tcp://127.0.0.1:2375"
STRATEGY_ALIASES = {"binpacking": "binpack"}


class ConfigError(Exception):
    """A flag value the manager cannot run with; the message names the flag."""


@dataclass(frozen=True)
class Listener:
    """One ``-H`` address: ``tcp`` with host and port, or ``unix`` with a path."""

    scheme: str
    host: str = ""
    port: int = 0
    path: str = ""

    def __str__(self) -> str:
        return "unix://" + self.path if self.scheme == "unix" else "tcp://%s:%d" % (self.host, self.port)


@dataclass
class ManagerConfig:
    """Everything `manage` runs with."""

    listeners: List[Listener]
    discovery: str
    discovery_params: Dict[str, Any] = field(default_factory=dict)
    tls: bool = False
    tls_verify: bool = False
    tls_ca: Optional[str] = None
    tls_cert: Optional[str] = None
    tls_key: Optional[str] = None
    strategy: str = "spread"
    filters: Optional[List[str]] = None
    overcommit: float = 0.05
    create_retry: int = 0
    refresh_min: float = 30.0
    refresh_max: float = 60.0
    failure_retry: int = 3
    heartbeat: float = 60.0
    request_timeout: float = 30.0
    # an engine quiet for this long (no event, no answer) is sent a `GET /_ping` (stretched to engines/100 s:
    # at most ~100 pings a second); a ping not answered within ping_timeout counts as a connection failure
    engine_quiet: float = 5.0
    ping_timeout: float = 2.0
    validation_concurrency: int = 64  # engines validated (and fully read) at the same time

    @property
    def engine_options(self) -> ConnectionOptions:
        """The connection settings toward every engine (classic: the manager's own TLS flags)."""
        return ConnectionOptions(docker_host="", tls=self.tls or self.tls_verify, validate_certs=self.tls_verify,
                                 ca_path=self.tls_ca if self.tls_verify else None, client_cert=self.tls_cert,
                                 client_key=self.tls_key, timeout=self.request_timeout)


def parse_listener(text: str) -> Listener:
    """``tcp://0.0.0.0:2376``, ``unix:///var/run/swarm.sock``, ``host:port`` or ``:port``."""
    value = text.strip()
    scheme, sep, rest = value.partition("://")
    if not sep:
        scheme, rest = "tcp", value
    scheme = scheme.lower()
    if scheme == "unix":
        if not rest.startswith("/"):
            raise ConfigError("-H %s: a unix socket needs an absolute path, e.g. unix:///var/run/swarm.sock." % text)
        return Listener("unix", path=rest)
    if scheme != "tcp":
        raise ConfigError("-H %s: only tcp://host:port and unix:///path are supported." % text)
    rest = rest.rstrip("/")
    if rest.startswith(":"):
        rest = "0.0.0.0" + rest
    try:
        host, port = split_address(rest, None, "-H address")
    except DiscoveryError as exc:
        raise ConfigError(str(exc)) from None
    return Listener("tcp", host=host, port=port)


def duration(text: str, flag: str) -> float:
    try:
        return parse_duration(text, flag)
    except DiscoveryError as exc:
        raise ConfigError(str(exc)) from None


def discovery_params(items: List[str], source: Optional[str] = None) -> Tuple[Optional[str], Dict[str, Any]]:
    """(discovery URL, the discovery layer's options) from `--discovery-opt` values (the join agent's rules:
    ``kv.path`` folds into the URL's prefix); unknown keys are errors."""
    try:
        source, params = discovery_settings(source, items)
    except DiscoveryError as exc:
        raise ConfigError(str(exc)) from None
    tls_files = [name for name in DISCOVERY_OPTS.values() if name in params]
    if tls_files and len(tls_files) != len(DISCOVERY_OPTS):
        raise ConfigError("--discovery-opt kv.cacertfile, kv.certfile and kv.keyfile must be given together.")
    return source, dict(params)


def cluster_opts(items: List[str]) -> Tuple[float, int]:
    """(overcommit, createretry) from `--cluster-opt swarm.overcommit=0.05 swarm.createretry=0`."""
    overcommit, retry = 0.05, 0
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ConfigError("--cluster-opt %r: expected key=value." % item)
        if key == "swarm.overcommit":
            try:
                overcommit = float(value)
            except ValueError:
                raise ConfigError("--cluster-opt swarm.overcommit=%s: expected a number such as 0.05." % value) from None
            if overcommit <= -1:
                raise ConfigError("--cluster-opt swarm.overcommit=%s: must be greater than -1." % value)
        elif key == "swarm.createretry":
            if not value.isdigit():
                raise ConfigError("--cluster-opt swarm.createretry=%s: expected a whole number >= 0." % value)
            retry = int(value)
        elif key.startswith("mesos."):
            raise ConfigError("--cluster-opt %s: the Mesos cluster driver was removed from classic Swarm in 2018 and "
                              "is not supported." % key)
        else:
            raise ConfigError("--cluster-opt %s: unknown option; known: swarm.overcommit, swarm.createretry." % key)
    return overcommit, retry


def _tls(args: Any) -> Tuple[bool, bool, Optional[str], Optional[str], Optional[str]]:
    """Classic's rules: --tls/--tlsverify need cert and key, --tlsverify needs the CA, files need a TLS flag."""
    tls, verify = bool(args.tls), bool(args.tlsverify)
    files = {"--tlscacert": args.tlscacert, "--tlscert": args.tlscert, "--tlskey": args.tlskey}
    if not (tls or verify):
        given = [flag for flag, value in files.items() if value]
        if given:
            raise ConfigError("%s given without --tls or --tlsverify: add --tlsverify (verify both sides with the "
                              "CA) or --tls (encrypt only)." % ", ".join(given))
        return False, False, None, None, None
    if not args.tlscert or not args.tlskey:
        raise ConfigError("--tls and --tlsverify need --tlscert and --tlskey (the manager's certificate, valid for "
                          "server and client authentication).")
    if verify and not args.tlscacert:
        raise ConfigError("--tlsverify needs --tlscacert (the CA that signed the engines' and clients' certificates).")
    for flag, path in files.items():
        if path and not os.path.isfile(os.path.expanduser(path)):
            raise ConfigError("%s %s: the file does not exist." % (flag, path))
    ca = os.path.expanduser(args.tlscacert) if args.tlscacert else None
    return tls, verify, ca, os.path.expanduser(args.tlscert), os.path.expanduser(args.tlskey)


def _scheduling(args: Any) -> Tuple[str, Optional[List[str]]]:
    strategy = STRATEGY_ALIASES.get(args.strategy, args.strategy)
    filters = list(args.filter) if args.filter else None
    try:
        get_strategy(strategy)
    except SchedulingError as exc:
        raise ConfigError("--strategy: %s" % exc) from None
    try:
        get_filters(filters)
    except SchedulingError as exc:
        raise ConfigError("--filter: %s" % exc) from None
    return strategy, filters


def unsupported(args: Any) -> None:
    """Classic flags this manager does not carry out: say so instead of ignoring them."""
    if getattr(args, "replication", False) or getattr(args, "replication_ttl", None) or getattr(args, "advertise", None):
        raise ConfigError("--replication/--replication-ttl/--advertise: high availability (leader election between "
                          "several managers) is not supported by this manager yet; run a single manager.")
    driver = getattr(args, "cluster_driver", None)
    if driver and driver != "swarm":
        raise ConfigError("--cluster-driver %s: only the swarm driver exists (the Mesos driver was removed from classic "
                          "Swarm in 2018)." % driver)
    if getattr(args, "cors", False):
        raise ConfigError("--api-enable-cors/--cors: CORS headers are not supported by this manager.")
    if getattr(args, "engine_refresh_retry", None) not in (None, 3):
        raise ConfigError("--engine-refresh-retry is deprecated (classic Swarm refused it too): use --engine-failure-retry.")


def manage_config(args: Any, environ: Optional[Mapping[str, str]] = None) -> ManagerConfig:
    """Validate `manage` flags (argparse namespace) into a ManagerConfig."""
    environ = os.environ if environ is None else environ
    unsupported(args)
    hosts = list(args.host or []) or [item for item in environ.get("SWARM_HOST", "").split(",") if item] or [DEFAULT_HOST]
    listeners = [parse_listener(host) for host in hosts]
    source = args.discovery_flag or args.discovery or environ.get("SWARM_DISCOVERY")
    if args.discovery_flag and args.discovery and args.discovery_flag != args.discovery:
        raise ConfigError("Two discovery URLs given (--discovery %s and %s): give one." % (args.discovery_flag, args.discovery))
    if not source:
        raise ConfigError("No discovery given: pass a discovery URL (consul://host:8500/prefix, etcd://, zk://, "
                          "file:///path, nodes://h1:2376,h2:2376), --discovery URL or $SWARM_DISCOVERY.")
    try:
        parse_discovery_url(source)
    except DiscoveryError as exc:
        raise ConfigError(str(exc)) from None
    source, store_options = discovery_params(args.discovery_opt or [], source)
    tls, verify, ca, cert, key = _tls(args)
    strategy, filters = _scheduling(args)
    overcommit, retry = cluster_opts(args.cluster_opt or [])
    refresh_min = duration(args.engine_refresh_min_interval, "--engine-refresh-min-interval")
    refresh_max = duration(args.engine_refresh_max_interval, "--engine-refresh-max-interval")
    if refresh_min <= 0:
        raise ConfigError("--engine-refresh-min-interval must be greater than 0.")
    if refresh_max < refresh_min:
        raise ConfigError("--engine-refresh-max-interval (%ss) must not be less than --engine-refresh-min-interval (%ss)."
                          % (refresh_max, refresh_min))
    if args.engine_failure_retry < 1:
        raise ConfigError("--engine-failure-retry must be at least 1.")
    heartbeat = duration(args.heartbeat, "--heartbeat")
    if heartbeat < 1:
        raise ConfigError("--heartbeat must be at least 1s.")
    return ManagerConfig(listeners=listeners, discovery=source, discovery_params=store_options,
                         tls=tls, tls_verify=verify, tls_ca=ca, tls_cert=cert, tls_key=key, strategy=strategy,
                         filters=filters, overcommit=overcommit, create_retry=retry, refresh_min=refresh_min,
                         refresh_max=refresh_max, failure_retry=args.engine_failure_retry, heartbeat=heartbeat)
