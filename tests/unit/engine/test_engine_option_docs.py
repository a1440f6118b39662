# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plain option data, the argument specs built from it and the doc fragments agree."""

from __future__ import annotations

import yaml

from ansible_collections.dockyard.swarm.plugins.doc_fragments import connection as connection_doc
from ansible_collections.dockyard.swarm.plugins.doc_fragments import discovery as discovery_doc
from ansible_collections.dockyard.swarm.plugins.module_utils._argspec import connection_argument_spec, discovery_argument_spec
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DISCOVERY_OPTIONS
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import CONNECTION_OPTIONS


def _check(fragment: type, data: dict) -> None:
    documented = yaml.safe_load(fragment.DOCUMENTATION)["options"]
    with_env = yaml.safe_load(fragment.ENV)["options"]
    assert list(documented) == list(data)
    for name, spec in data.items():
        doc = documented[name]
        assert doc["type"] == spec["type"], name
        assert doc.get("aliases", []) == spec.get("aliases", []), name
        assert doc.get("default") == spec.get("default"), name
        assert [entry["name"] for entry in with_env.get(name, {}).get("env", [])] == spec.get("env", []), name
        assert "env" not in doc
    assert all(set(entry) == {"env"} for entry in with_env.values()), "the .env fragments hold env: entries only"


def test_connection_fragment_matches_the_data() -> None:
    _check(connection_doc.ModuleDocFragment, CONNECTION_OPTIONS)


def test_discovery_fragment_matches_the_data() -> None:
    _check(discovery_doc.ModuleDocFragment, DISCOVERY_OPTIONS)


def test_argument_specs() -> None:
    spec = connection_argument_spec()
    assert spec["validate_certs"]["aliases"] == ["tls_verify"] and spec["validate_certs"]["fallback"][1] == ["DOCKER_TLS_VERIFY"]
    assert "fallback" not in spec["ca_path"] and "cert_path_file" not in spec["ca_path"]
    discovery = discovery_argument_spec()
    assert discovery["discovery_token"]["no_log"] is True and discovery["nodes"]["elements"] == "str"
    assert "fallback" not in discovery["discovery"]


def test_argument_spec_is_accepted_by_ansible(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    monkeypatch.setenv("DOCKER_HOST", "tcp://10.0.0.1:2376")
    validator = ArgumentSpecValidator(dict(connection_argument_spec(), **discovery_argument_spec()))
    result = validator.validate({"tls_verify": True, "nodes": ["h:1"], "discovery_token": "s3cret"})
    assert not result.error_messages, result.error_messages
    params = result.validated_parameters
    assert params["docker_host"] == "tcp://10.0.0.1:2376" and params["validate_certs"] is True
    assert params["timeout"] == 60 and "s3cret" in result._no_log_values


def test_empty_variables_count_as_unset(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`DOCKER_TLS_VERIFY=` is how shells unset it for the docker CLI; Ansible's env_fallback would pass '' on."""
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    for name in ("DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_TIMEOUT", "DOCKER_HOST", "DOCKER_API_VERSION",
                 "SWARM_DISCOVERY_TIMEOUT", "SWARM_DISCOVERY_TOKEN"):
        monkeypatch.setenv(name, "")
    result = ArgumentSpecValidator(dict(connection_argument_spec(), **discovery_argument_spec())).validate({})
    assert not result.error_messages, result.error_messages
    params = result.validated_parameters
    assert params["validate_certs"] is False and params["tls"] is False and params["timeout"] == 60
    assert params["docker_host"] == "unix:///var/run/docker.sock" and params["discovery_token"] is None
    monkeypatch.setenv("DOCKER_TLS_VERIFY", "1")
    assert ArgumentSpecValidator(connection_argument_spec()).validate({}).validated_parameters["validate_certs"] is True


def test_every_option_that_can_hold_a_secret_is_no_log(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    secret_holders = {"discovery_token", "discovery_username", "discovery_password"}
    spec = dict(connection_argument_spec(), **discovery_argument_spec())
    assert {name for name, entry in spec.items() if entry.get("no_log")} == secret_holders
    monkeypatch.setenv("SWARM_DISCOVERY_PASSWORD", "FROMENV1")
    result = ArgumentSpecValidator(spec).validate({"discovery_username": "root:SECRETX1", "discovery_token": "TOK1"})
    assert {"root:SECRETX1", "FROMENV1", "TOK1"} <= set(result._no_log_values)
