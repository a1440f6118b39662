# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options: community.docker's names, aliases, env fallbacks and DOCKER_CERT_PATH."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import EngineConfigError, connection_options, engine_url


@pytest.fixture()
def cert_path(tmp_path: Path) -> Path:
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text(name)
    return tmp_path


def test_defaults() -> None:
    options = connection_options({}, {})
    assert options.docker_host == "unix:///var/run/docker.sock" and not options.use_tls
    assert options.api_version == "auto" and options.timeout == 60 and options.ca_path is None


def test_environment_fallbacks(cert_path: Path) -> None:
    environ = {"DOCKER_HOST": "tcp://10.0.0.1:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": str(cert_path),
               "DOCKER_API_VERSION": "1.41", "DOCKER_TIMEOUT": "7"}
    options = connection_options({}, environ)
    assert options.docker_host == "tcp://10.0.0.1:2376" and options.validate_certs and options.use_tls
    assert options.ca_path == str(cert_path / "ca.pem") and options.client_cert == str(cert_path / "cert.pem")
    assert options.client_key == str(cert_path / "key.pem") and options.api_version == "1.41" and options.timeout == 7


def test_aliases_and_options_win_over_environment(cert_path: Path) -> None:
    params = {"docker_url": "tcp://h:1", "tls_verify": True, "cacert_path": str(cert_path / "cert.pem"),
              "tls_client_cert": str(cert_path / "cert.pem"), "key_path": str(cert_path / "key.pem"),
              "docker_api_version": "1.40"}
    options = connection_options(params, {"DOCKER_HOST": "tcp://other:1", "DOCKER_CERT_PATH": "/nowhere"})
    assert options.docker_host == "tcp://h:1" and options.validate_certs and options.ca_path == str(cert_path / "cert.pem")
    assert options.api_version == "1.40"


def test_tls_without_verification() -> None:
    options = connection_options({"tls": True}, {})
    assert options.use_tls and not options.validate_certs
    assert not connection_options({}, {"DOCKER_TLS_VERIFY": "0"}).use_tls


def test_missing_tls_file_is_named(cert_path: Path) -> None:
    with pytest.raises(EngineConfigError, match=r"The TLS file ca_path=/nope/ca.pem does not exist"):
        connection_options({"validate_certs": True}, {"DOCKER_CERT_PATH": "/nope"})


def test_files_are_not_checked_without_tls() -> None:
    assert connection_options({}, {"DOCKER_CERT_PATH": "/nope"}).ca_path == "/nope/ca.pem"


def test_cert_and_key_together(cert_path: Path) -> None:
    with pytest.raises(EngineConfigError, match="client_cert and client_key must be given together"):
        connection_options({"tls": True, "client_cert": str(cert_path / "cert.pem")}, {})


def test_bad_timeout() -> None:
    with pytest.raises(EngineConfigError, match="timeout must be a number"):
        connection_options({"timeout": "soon"}, {})


def test_an_https_docker_host_means_tls() -> None:
    options = connection_options({"docker_host": "https://10.0.0.1:2376"}, {})
    assert options.tls is True and options.validate_certs is False and options.use_tls
    assert engine_url(options.docker_host, options) == "https://10.0.0.1:2376"
    verified = connection_options({}, {"DOCKER_HOST": "HTTPS://10.0.0.1:2376", "DOCKER_TLS_VERIFY": "1"})
    assert verified.tls and verified.validate_certs
    plain = connection_options({"docker_host": "http://10.0.0.1:2375"}, {})
    assert not plain.use_tls and engine_url(plain.docker_host, plain) == "http://10.0.0.1:2375"


@pytest.mark.parametrize("params, environ, named", [
    ({"docker_host": "http://10.0.0.1:2375", "tls": True}, {}, "tls=true asks for TLS"),
    ({"docker_host": "http://10.0.0.1:2375", "tls_verify": True}, {}, "validate_certs=true asks for TLS"),
    ({}, {"DOCKER_HOST": "http://10.0.0.1:2375", "DOCKER_TLS": "1", "DOCKER_TLS_VERIFY": "1"},
     "tls=true and validate_certs=true ask for TLS"),
])
def test_an_http_docker_host_with_tls_is_an_error_naming_both(params: dict, environ: dict, named: str) -> None:
    with pytest.raises(EngineConfigError, match=r"docker_host=http://10.0.0.1:2375 is plain HTTP, but %s" % named):
        connection_options(params, environ)


def test_empty_environment_values_are_unset() -> None:
    options = connection_options({}, {"DOCKER_TLS_VERIFY": "", "DOCKER_TLS": "", "DOCKER_HOST": "", "DOCKER_TIMEOUT": "",
                                      "DOCKER_API_VERSION": "", "DOCKER_CERT_PATH": ""})
    assert options == connection_options({}, {})
