# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Store options: option, then SWARM_DISCOVERY_*, then the store's own variables, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, parse_discovery_url, resolve_store


@pytest.fixture()
def pem(tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\n")
    return str(path)


def resolve(url: str, params: dict = None, environ: dict = None):  # type: ignore[assignment]
    return resolve_store(parse_discovery_url(url), params or {}, environ or {})


def test_defaults_without_anything() -> None:
    config = resolve("consul:///swarm")
    assert config.endpoints == ("127.0.0.1:8500",) and config.prefix == "swarm"
    assert not config.use_tls and config.validate_certs and config.token is None and config.timeout == 10.0
    assert config.url == "consul://127.0.0.1:8500/swarm"


def test_consul_native_variables(pem: str) -> None:
    environ = {"CONSUL_HTTP_ADDR": "https://c1:8501", "CONSUL_HTTP_TOKEN": "native", "CONSUL_CACERT": pem,
               "CONSUL_CLIENT_CERT": pem, "CONSUL_CLIENT_KEY": pem, "CONSUL_HTTP_SSL_VERIFY": "false"}
    config = resolve("consul:///p", environ=environ)
    assert config.endpoints == ("c1:8501",) and config.use_tls and config.token == "native"
    assert (config.ca_cert, config.client_cert, config.client_key) == (pem, pem, pem)
    assert config.validate_certs is False


def test_precedence_option_then_project_env_then_native() -> None:
    environ = {"CONSUL_HTTP_TOKEN": "native", "SWARM_DISCOVERY_TOKEN": "project"}
    assert resolve("consul://h/p", environ=environ).token == "project"
    assert resolve("consul://h/p", {"discovery_token": "option"}, environ).token == "option"
    assert resolve("consul://h/p", environ={"CONSUL_HTTP_TOKEN": "native"}).token == "native"


def test_url_hosts_win_over_address_variable() -> None:
    assert resolve("consul://h9/p", environ={"CONSUL_HTTP_ADDR": "c1:1"}).endpoints == ("h9:8500",)


def test_consul_token_is_not_used_for_etcd() -> None:
    assert resolve("etcd://h/p", environ={"CONSUL_HTTP_TOKEN": "x"}).token is None


def test_etcd_native_variables(pem: str) -> None:
    environ = {"ETCDCTL_ENDPOINTS": "https://e1:2379,e2", "ETCDCTL_CACERT": pem, "ETCDCTL_USER": "root:secret",
               "ETCDCTL_INSECURE_SKIP_TLS_VERIFY": "true"}
    config = resolve("etcd:///p", environ=environ)
    assert config.endpoints == ("e1:2379", "e2:2379") and config.use_tls and not config.validate_certs
    assert (config.username, config.password) == ("root", "secret")


def test_tls_switches_on_with_a_ca_and_can_be_forced_off(pem: str) -> None:
    assert resolve("zk://z/p", {"discovery_ca_cert": pem}).use_tls
    assert not resolve("zk://z/p", {"discovery_ca_cert": pem, "discovery_tls": False}).use_tls
    assert resolve("consul://h/p", environ={"CONSUL_HTTP_SSL": "true"}).use_tls


def test_missing_files_and_half_a_key_pair(pem: str) -> None:
    with pytest.raises(DiscoveryError, match="discovery_ca_cert=/nope.pem does not exist"):
        resolve("consul://h/p", {"discovery_ca_cert": "/nope.pem"})
    with pytest.raises(DiscoveryError, match="must be given together"):
        resolve("consul://h/p", {"discovery_client_cert": pem})


def test_timeout_must_be_a_number() -> None:
    assert resolve("consul://h/p", {"discovery_timeout": 2.5}).timeout == 2.5
    with pytest.raises(DiscoveryError, match="discovery_timeout must be a number"):
        resolve("consul://h/p", environ={"SWARM_DISCOVERY_TIMEOUT": "soon"})


def test_static_urls_have_no_store() -> None:
    with pytest.raises(DiscoveryError, match="not a key/value store"):
        resolve("nodes://h:1")
