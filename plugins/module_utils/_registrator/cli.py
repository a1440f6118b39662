# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line of the registrator host agent (what the ``registrator`` role runs as a service).

`python -m ansible_collections.dockyard.swarm.plugins.module_utils._registrator [options] URI` with
URI ``consulkv://HOST:PORT/PREFIX`` (the seed's layout, keys held by a TTL session) or
``consul://HOST:PORT`` (services on the Consul agent). Bad input exits 2 with one line; SIGTERM
and SIGINT stop it cleanly (exit 0). docs/routing.md describes every option.
"""
from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import socket
import sys
import threading
from typing import Any, Dict, List, Mapping, NoReturn, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.consul_store import ConsulStore
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.join import parse_duration
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.options import resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import DiscoveryURL, parse_discovery_url
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineError, connect, connection_options, engine_addr
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.agent import DEFAULT_RESYNC, AgentOptions, RegistratorAgent, host_address
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.backend import LOG, RegistryBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.consul_catalog import ConsulCatalogBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.consul_kv import ConsulKVBackend
from ansible_collections.dockyard.swarm.plugins.module_utils._registrator.errors import RegistratorError

FORMS = "consulkv://HOST:PORT/PREFIX (KV layout) or consul://HOST:PORT (catalog); HOST:PORT may be left out"
MIN_TTL = 10.0


class UsageError(Exception):
    """Bad command-line input: exit 2 with this one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="registrator", description="Register a Docker engine's containers in Consul (Registrator's rules).")
    parser.add_argument("uri", help=FORMS)
    docker = parser.add_argument_group("Docker engine")
    docker.add_argument("--docker-host", help="engine URL (default $DOCKER_HOST, else unix:///var/run/docker.sock)")
    docker.add_argument("--tls-verify", action="store_true", help="TLS with verification (also $DOCKER_TLS_VERIFY)")
    docker.add_argument("--cert-path", help="folder with ca.pem, cert.pem, key.pem (also $DOCKER_CERT_PATH)")
    consul = parser.add_argument_group("Consul (token from $CONSUL_HTTP_TOKEN or $SWARM_DISCOVERY_TOKEN)")
    consul.add_argument("--consul-tls", action="store_true", help="https to Consul (also $CONSUL_HTTP_SSL)")
    consul.add_argument("--consul-ca-cert", help="CA file (also $CONSUL_CACERT)")
    consul.add_argument("--consul-client-cert", help="client certificate (also $CONSUL_CLIENT_CERT)")
    consul.add_argument("--consul-client-key", help="client key (also $CONSUL_CLIENT_KEY)")
    rules = parser.add_argument_group("Registrator's rules")
    rules.add_argument("--ip", help="address of every service (Registrator's -ip)")
    rules.add_argument("--internal", action="store_true", help="container address and exposed port")
    rules.add_argument("--tags", help="comma-separated tags added to every service")
    rules.add_argument("--explicit", action="store_true", help="only containers with SERVICE_NAME (or SERVICE_<port>_NAME)")
    rules.add_argument("--hostname", help="first part of service ids (default: this host's name)")
    rules.add_argument("--deregister", choices=("always", "on-success"), default="always",
                       help="on-success keeps the services of a container that died with a non-zero exit code")
    agent = parser.add_argument_group("Agent")
    agent.add_argument("--resync", default="%gs" % DEFAULT_RESYNC,
                       help="full resync period (default %gs; 0 = never)" % DEFAULT_RESYNC)
    agent.add_argument("--ttl", default="30s", help="consulkv session TTL (default 30s, at least 10s; renewed every ttl/3)")
    agent.add_argument("--retry-interval", default="2s", help="first reconnect delay, doubled up to 30s (default 2s)")
    agent.add_argument("--deregister-on-exit", action="store_true",
                       help="remove everything on SIGTERM/SIGINT (default: keep, so a restart loses nothing)")
    agent.add_argument("--once", action="store_true", help="one full sync, then exit (consulkv: the session is left to expire)")
    agent.add_argument("--verbose", "-v", action="store_true")
    return parser


def parse_uri(text: str) -> Tuple[str, DiscoveryURL]:
    """('consulkv' or 'consul', the store URL) of the agent's URI."""
    scheme, sep, rest = str(text or "").strip().partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ("consulkv", "consul"):
        raise UsageError("unsupported URI %r: expected %s" % (text, FORMS))
    try:
        url = parse_discovery_url("consul://" + rest)
    except DiscoveryError as exc:
        raise UsageError("bad URI %r: %s" % (text, exc)) from None
    if scheme == "consulkv" and not url.prefix:
        raise UsageError("URI %r needs a KV prefix: consulkv://HOST:PORT/PREFIX, e.g. consulkv://127.0.0.1:8500/services" % text)
    if scheme == "consul" and url.prefix:
        raise UsageError("URI %r: consul:// (the catalog) takes no prefix; use consulkv://HOST:PORT/%s for the KV layout"
                         % (text, url.prefix))
    return scheme, url


def _seconds(text: str, option: str) -> float:
    try:
        return parse_duration(text, option)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from None


def _docker_params(args: argparse.Namespace) -> Dict[str, Any]:
    params: Dict[str, Any] = {"docker_host": args.docker_host}
    if args.tls_verify:
        params["validate_certs"] = True
    if args.cert_path:
        folder = os.path.expanduser(args.cert_path)
        if not os.path.isdir(folder):
            raise UsageError("--cert-path %s is not a folder (expected ca.pem, cert.pem, key.pem in it)" % args.cert_path)
        params.update(ca_path=os.path.join(folder, "ca.pem"), client_cert=os.path.join(folder, "cert.pem"),
                      client_key=os.path.join(folder, "key.pem"))
    return params


def _consul_params(args: argparse.Namespace) -> Dict[str, Any]:
    params: Dict[str, Any] = {"discovery_ca_cert": args.consul_ca_cert, "discovery_client_cert": args.consul_client_cert,
                              "discovery_client_key": args.consul_client_key}
    if args.consul_tls:
        params["discovery_tls"] = True
    return params


def build_agent(args: argparse.Namespace, environ: Mapping[str, str], stop: threading.Event) -> RegistratorAgent:
    """Validate everything (UsageError, DiscoveryError, EngineError) and build the agent; no I/O yet."""
    mode, url = parse_uri(args.uri)
    ttl = _seconds(args.ttl, "--ttl")
    if ttl < MIN_TTL or ttl > 86400:
        raise UsageError("--ttl must be 10s to 24h (Consul's session limits), got %s" % args.ttl)
    resync = _seconds(args.resync, "--resync")
    retry = _seconds(args.retry_interval, "--retry-interval")
    if retry <= 0:
        raise UsageError("--retry-interval must be positive, got %s" % args.retry_interval)
    if args.ip:
        try:
            ipaddress.ip_address(args.ip)
        except ValueError:
            raise UsageError("--ip %r is not an IP address" % args.ip) from None
    engine = connection_options(_docker_params(args), environ)
    hostname = args.hostname or socket.gethostname()
    if not hostname or "/" in hostname:
        raise UsageError("--hostname %r cannot be used in service ids" % hostname)
    store = ConsulStore(resolve_store(url, _consul_params(args), environ))
    backend: RegistryBackend
    if mode == "consulkv":
        backend = ConsulKVBackend(store, url.prefix, hostname, int(ttl))
        keepalive = ttl / 3.0
    else:
        backend = ConsulCatalogBackend(store, hostname)
        keepalive = min(retry, 10.0)
    host_ip = args.ip or host_address(engine.docker_host)
    options = AgentOptions(hostname=hostname, host_ip=host_ip, ip=args.ip, internal=args.internal, tags=args.tags,
                           explicit=args.explicit, deregister=args.deregister, resync=resync, retry_interval=retry,
                           keepalive=keepalive, deregister_on_exit=args.deregister_on_exit)
    LOG.info("registrator for %s as %r (services at %s) into %s://%s%s", engine.docker_host, hostname, host_ip or "?",
             mode, ",".join(url.entries) or "(from CONSUL_HTTP_ADDR or 127.0.0.1:8500)",
             "/" + url.prefix if url.prefix else "")
    return RegistratorAgent(options, backend, lambda: connect(engine.docker_host, engine), stop,
                            engine_name=engine_addr(engine.docker_host))


def main(argv: Optional[List[str]] = None, environ: Optional[Dict[str, str]] = None) -> int:
    """Entry point of the host agent; returns the exit status (2: bad input)."""
    environ = dict(os.environ) if environ is None else environ
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        sys.stderr.write("registrator: error: %s\n" % exc)
        return 2
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s registrator %(levelname)s %(message)s", stream=sys.stderr)
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *unused: stop.set()) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        try:
            agent = build_agent(args, environ, stop)
        except (UsageError, DiscoveryError, EngineError, RegistratorError) as exc:
            sys.stderr.write("registrator: error: %s\n" % exc)
            return 2
        return agent.run(once=args.once)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
