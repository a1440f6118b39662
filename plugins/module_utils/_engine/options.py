# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Engine connection options, defined once as plain data (community.docker's names, docs/tls.md).

Names, aliases and environment variables are community.docker's, so `module_defaults`,
AWX credentials and habits carry over. ``CONNECTION_OPTIONS`` feeds the modules' argument
spec (``_argspec``) and the inventory plugin; ``connection_options`` resolves the values the
same way everywhere: option (or alias), then environment variable (an empty one counts as
unset, as for the docker CLI), then default. The same settings apply to every engine of the
cluster (one CA, like classic Swarm). A ``docker_host`` of ``https://...`` switches TLS on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineConfigError

DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
DEFAULT_TIMEOUT = 60

CONNECTION_OPTIONS: Dict[str, Dict[str, Any]] = {
    "docker_host": {"type": "str", "default": DEFAULT_DOCKER_HOST, "aliases": ["docker_url"], "env": ["DOCKER_HOST"]},
    "tls": {"type": "bool", "default": False, "env": ["DOCKER_TLS"]},
    "validate_certs": {"type": "bool", "default": False, "aliases": ["tls_verify"], "env": ["DOCKER_TLS_VERIFY"]},
    "ca_path": {"type": "path", "aliases": ["ca_cert", "tls_ca_cert", "cacert_path"], "cert_path_file": "ca.pem"},
    "client_cert": {"type": "path", "aliases": ["tls_client_cert", "cert_path"], "cert_path_file": "cert.pem"},
    "client_key": {"type": "path", "aliases": ["tls_client_key", "key_path"], "cert_path_file": "key.pem"},
    "api_version": {"type": "str", "default": "auto", "aliases": ["docker_api_version"], "env": ["DOCKER_API_VERSION"]},
    "timeout": {"type": "int", "default": DEFAULT_TIMEOUT, "env": ["DOCKER_TIMEOUT"]},
}
CERT_PATH_ENV = "DOCKER_CERT_PATH"
TRUE_WORDS = ("1", "true", "yes", "on", "y")


@dataclass(frozen=True)
class ConnectionOptions:
    """Resolved connection settings shared by every engine of the cluster."""

    docker_host: str = DEFAULT_DOCKER_HOST
    tls: bool = False
    validate_certs: bool = False
    ca_path: Optional[str] = None
    client_cert: Optional[str] = None
    client_key: Optional[str] = None
    api_version: str = "auto"
    timeout: float = DEFAULT_TIMEOUT

    @property
    def use_tls(self) -> bool:
        """TLS is on when either ``tls`` or ``validate_certs`` is (verification wins, as in community.docker)."""
        return self.tls or self.validate_certs


def _given(params: Mapping[str, Any], name: str) -> Any:
    for key in [name] + CONNECTION_OPTIONS[name].get("aliases", []):
        value = params.get(key)
        if value is not None and value != "":
            return value
    return None


def _raw_value(params: Mapping[str, Any], environ: Mapping[str, str], name: str) -> Any:
    spec = CONNECTION_OPTIONS[name]
    value = _given(params, name)
    if value is None:
        for env_name in spec.get("env", []):
            if environ.get(env_name):
                return environ[env_name]
    if value is None and spec.get("cert_path_file") and environ.get(CERT_PATH_ENV):
        return os.path.join(environ[CERT_PATH_ENV], spec["cert_path_file"])
    return spec.get("default") if value is None else value


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in TRUE_WORDS


def _check_file(path: Optional[str], name: str) -> Optional[str]:
    if path is None:
        return None
    path = os.path.expanduser(str(path))
    if not os.path.isfile(path):
        raise EngineConfigError("The TLS file %s=%s does not exist or is not a file (DOCKER_CERT_PATH sets %s too)."
                                % (name, path, name))
    return path


def _scheme_tls(docker_host: str, tls: bool, validate: bool) -> bool:
    """``https://`` means TLS (verified only with validate_certs, as for tcp://); ``http://`` with TLS asked for is a contradiction."""
    scheme = docker_host.partition("://")[0].lower() if "://" in docker_host else ""
    if scheme == "https":
        return True
    if scheme == "http" and (tls or validate):
        asked = [name for name, value in (("tls=true", tls), ("validate_certs=true", validate)) if value]
        raise EngineConfigError(
            "docker_host=%s is plain HTTP, but %s ask%s for TLS (as options, or as DOCKER_TLS/DOCKER_TLS_VERIFY). Use "
            "https:// or tcp:// in docker_host for a TLS engine, or turn tls and validate_certs off for a plain one."
            % (docker_host, " and ".join(asked), "" if len(asked) > 1 else "s"))
    return tls


def connection_options(params: Optional[Mapping[str, Any]] = None,
                       environ: Optional[Mapping[str, str]] = None) -> ConnectionOptions:
    """Resolve connection options from module/plugin params (aliases allowed) and the environment."""
    params = params or {}
    environ = os.environ if environ is None else environ
    docker_host = str(_raw_value(params, environ, "docker_host"))
    tls = _as_bool(_raw_value(params, environ, "tls"))
    validate = _as_bool(_raw_value(params, environ, "validate_certs"))
    tls = _scheme_tls(docker_host, tls, validate)
    files = {name: _raw_value(params, environ, name) for name in ("ca_path", "client_cert", "client_key")}
    if tls or validate:
        files = {name: _check_file(path, name) for name, path in files.items()}
        if bool(files["client_cert"]) != bool(files["client_key"]):
            raise EngineConfigError("client_cert and client_key must be given together (or DOCKER_CERT_PATH with cert.pem and key.pem).")
    try:
        timeout = float(_raw_value(params, environ, "timeout"))
    except (TypeError, ValueError):
        raise EngineConfigError("timeout must be a number of seconds, got %r." % (_raw_value(params, environ, "timeout"),)) from None
    return ConnectionOptions(
        docker_host=docker_host,
        tls=tls,
        validate_certs=validate,
        ca_path=files["ca_path"],
        client_cert=files["client_cert"],
        client_key=files["client_key"],
        api_version=str(_raw_value(params, environ, "api_version")),
        timeout=timeout,
    )
