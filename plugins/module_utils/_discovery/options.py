# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery options, defined once as plain data, and their resolution with env fallbacks.

``DISCOVERY_OPTIONS`` is what modules (through ``_argspec``), the inventory plugin and the
doc fragment share. ``resolve_store`` turns a parsed URL plus those options into a
``StoreConfig``: explicit option, then the project's ``SWARM_DISCOVERY_*`` variable, then
the store's own variables (Consul's ``CONSUL_*``, etcdctl's ``ETCDCTL_*``), then defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.addresses import normalize_address
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import STORE_PORTS, DiscoveryURL

DEFAULT_STORE_TIMEOUT = 10.0

# name -> plain description of the option (type, default, no_log, aliases, env entries for plugins).
DISCOVERY_OPTIONS: Dict[str, Dict[str, Any]] = {
    "discovery": {"type": "str"},  # $SWARM_DISCOVERY is read by discovery_source(), after `nodes`
    "nodes": {"type": "list", "elements": "str"},
    "manager": {"type": "str"},  # $SWARM_MANAGER is read by the front ends (_container.cluster, the inventory)
    "discovery_tls": {"type": "bool"},
    "discovery_validate_certs": {"type": "bool"},
    "discovery_ca_cert": {"type": "path", "aliases": ["discovery_cacert"], "env": ["SWARM_DISCOVERY_CACERT"]},
    "discovery_client_cert": {"type": "path", "env": ["SWARM_DISCOVERY_CLIENT_CERT"]},
    "discovery_client_key": {"type": "path", "env": ["SWARM_DISCOVERY_CLIENT_KEY"]},
    "discovery_token": {"type": "str", "no_log": True, "env": ["SWARM_DISCOVERY_TOKEN"]},
    # no_log: the documented `user:password` form (etcdctl's) carries the password.
    "discovery_username": {"type": "str", "no_log": True, "env": ["SWARM_DISCOVERY_USERNAME"]},
    "discovery_password": {"type": "str", "no_log": True, "env": ["SWARM_DISCOVERY_PASSWORD"]},
    "discovery_timeout": {"type": "float", "default": DEFAULT_STORE_TIMEOUT, "env": ["SWARM_DISCOVERY_TIMEOUT"]},
}

# The stores' own environment variables, consulted after the SWARM_DISCOVERY_* ones.
NATIVE_ENV: Dict[str, Dict[str, str]] = {
    "consul": {
        "endpoints": "CONSUL_HTTP_ADDR",
        "token": "CONSUL_HTTP_TOKEN",
        "ca_cert": "CONSUL_CACERT",
        "client_cert": "CONSUL_CLIENT_CERT",
        "client_key": "CONSUL_CLIENT_KEY",
        "tls": "CONSUL_HTTP_SSL",
        "validate_certs": "CONSUL_HTTP_SSL_VERIFY",
    },
    "etcd": {
        "endpoints": "ETCDCTL_ENDPOINTS",
        "ca_cert": "ETCDCTL_CACERT",
        "client_cert": "ETCDCTL_CERT",
        "client_key": "ETCDCTL_KEY",
        "username": "ETCDCTL_USER",
        "password": "ETCDCTL_PASSWORD",
        "insecure_skip_verify": "ETCDCTL_INSECURE_SKIP_TLS_VERIFY",
    },
    "zk": {},
}

TRUE_WORDS = ("1", "true", "yes", "on", "y")


@dataclass(frozen=True)
class StoreConfig:
    """Everything needed to talk to one key/value store; built by ``resolve_store``."""

    scheme: str
    endpoints: Tuple[str, ...]
    prefix: str
    use_tls: bool = False
    validate_certs: bool = True
    ca_cert: Optional[str] = None
    client_cert: Optional[str] = None
    client_key: Optional[str] = None
    token: Optional[str] = None
    username: Optional[str] = None
    password: Optional[str] = None
    timeout: float = DEFAULT_STORE_TIMEOUT

    @property
    def url(self) -> str:
        """The store URL for messages (never contains secrets)."""
        text = "%s://%s" % (self.scheme, ",".join(self.endpoints))
        return text + ("/" + self.prefix if self.prefix else "")


def as_bool(value: Any) -> bool:
    """Interpret an option or environment value as a boolean."""
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in TRUE_WORDS


def _pick(params: Mapping[str, Any], environ: Mapping[str, str], scheme: str, option: str, field: str) -> Any:
    value = params.get(option)
    if value is not None and value != "":
        return value
    for env_name in DISCOVERY_OPTIONS.get(option, {}).get("env", []):
        if environ.get(env_name):
            return environ[env_name]
    native = NATIVE_ENV[scheme].get(field)
    if native and environ.get(native):
        return environ[native]
    return None


def _endpoints(url: DiscoveryURL, environ: Mapping[str, str]) -> Tuple[Tuple[str, ...], bool]:
    """Endpoints from the URL, else the store's address variable, else localhost; plus 'https seen'."""
    if url.entries:
        return url.entries, False
    native = NATIVE_ENV[url.scheme].get("endpoints")
    text = environ.get(native, "") if native else ""
    endpoints: List[str] = []
    https = False
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        scheme, sep, rest = item.partition("://")
        if sep:
            https = https or scheme.lower() == "https"
            item = rest
        endpoints.append(normalize_address(item.rstrip("/"), STORE_PORTS[url.scheme], native or "endpoint"))
    if not endpoints:
        endpoints = ["127.0.0.1:%d" % STORE_PORTS[url.scheme]]
    return tuple(endpoints), https


def _existing_file(path: Optional[str], option: str) -> Optional[str]:
    if not path:
        return None
    path = os.path.expanduser(str(path))
    if not os.path.isfile(path):
        raise DiscoveryError("The discovery store file %s=%s does not exist or is not a file." % (option, path))
    return path


def resolve_store(url: DiscoveryURL, params: Optional[Mapping[str, Any]] = None,
                  environ: Optional[Mapping[str, str]] = None) -> StoreConfig:
    """Build the StoreConfig of a consul/etcd/zk URL from options and environment variables."""
    if not url.is_store:
        raise DiscoveryError("%s is not a key/value store URL." % url)
    params = params or {}
    environ = os.environ if environ is None else environ
    scheme = url.scheme
    endpoints, https_seen = _endpoints(url, environ)
    ca_cert = _existing_file(_pick(params, environ, scheme, "discovery_ca_cert", "ca_cert"), "discovery_ca_cert")
    client_cert = _existing_file(_pick(params, environ, scheme, "discovery_client_cert", "client_cert"), "discovery_client_cert")
    client_key = _existing_file(_pick(params, environ, scheme, "discovery_client_key", "client_key"), "discovery_client_key")
    if bool(client_cert) != bool(client_key):
        raise DiscoveryError("discovery_client_cert and discovery_client_key must be given together.")
    tls = _pick(params, environ, scheme, "discovery_tls", "tls")
    use_tls = as_bool(tls) if tls is not None else bool(https_seen or ca_cert or client_cert)
    validate = _pick(params, environ, scheme, "discovery_validate_certs", "validate_certs")
    validate_certs = as_bool(validate) if validate is not None else True
    if validate is None and as_bool(environ.get(NATIVE_ENV[scheme].get("insecure_skip_verify", ""), "")):
        validate_certs = False
    username = _pick(params, environ, scheme, "discovery_username", "username")
    password = _pick(params, environ, scheme, "discovery_password", "password")
    if username and password is None and ":" in str(username):
        username, password = str(username).split(":", 1)
    timeout = params.get("discovery_timeout") or environ.get("SWARM_DISCOVERY_TIMEOUT") or DEFAULT_STORE_TIMEOUT
    try:
        timeout_value = float(timeout)
    except ValueError:
        raise DiscoveryError("discovery_timeout must be a number of seconds, got %r." % (timeout,)) from None
    return StoreConfig(
        scheme=scheme,
        endpoints=endpoints,
        prefix=url.prefix,
        use_tls=use_tls,
        validate_certs=validate_certs,
        ca_cert=ca_cert,
        client_cert=client_cert,
        client_key=client_key,
        token=_pick(params, environ, scheme, "discovery_token", "token"),
        username=username,
        password=password,
        timeout=timeout_value,
    )
