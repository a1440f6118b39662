# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_host schemes and empty variables against the lab's TLS engines.

* ``docker_host=https://...`` without ``tls`` speaks TLS (it used to send plain HTTP, which the engine refused).
* ``http://`` with ``tls=true`` fails before any connection, naming both options.
* ``DOCKER_TLS_VERIFY=`` (empty, how shells unset it for the docker CLI) is unset, not an invalid boolean.
"""

from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._engine import connect, connection_options
from tests.integration.playbooks.swarm_support import adhoc

pytestmark = pytest.mark.integration


def client_files(lab: dict) -> dict:
    return {"client_cert": lab["tls"]["client_cert"], "client_key": lab["tls"]["client_key"]}


def test_an_https_docker_host_speaks_tls(lab: dict) -> None:
    engine = lab["engines"][0]
    options = connection_options(dict(client_files(lab), docker_host="https://" + engine["addr"], timeout=10), {})
    client = connect(options.docker_host, options)
    try:
        assert client.info()["Name"] == engine["name"]
    finally:
        client.close()
    verified = connection_options(dict(client_files(lab), docker_host="https://" + engine["addr"], ca_path=lab["tls"]["ca_path"],
                                       validate_certs=True, timeout=10), {})
    client = connect(verified.docker_host, verified)
    try:
        assert client.info()["Name"] == engine["name"]
    finally:
        client.close()


def test_modules_with_an_https_docker_host_and_empty_tls_variables(lab: dict, ansible_env: dict) -> None:
    engine = lab["engines"][1]
    env = dict(ansible_env, DOCKER_HOST="https://" + engine["addr"], DOCKER_TLS_VERIFY="", DOCKER_TLS="")
    result = adhoc(env, "swarm_info", {"timeout": 10})
    assert result["_rc"] == 0, result
    assert [node["name"] for node in result["nodes"]] == [engine["name"]] and result["totals"]["healthy"] == 1


def test_an_http_docker_host_with_tls_fails_naming_both(lab: dict, ansible_env: dict) -> None:
    engine = lab["engines"][1]
    result = adhoc(ansible_env, "swarm_info", {"docker_host": "http://" + engine["addr"], "tls": True, "timeout": 10})
    assert result["_rc"] != 0 and result.get("failed") is True
    assert result["msg"].startswith("docker_host=http://%s is plain HTTP, but tls=true and validate_certs=true ask for TLS"
                                    % engine["addr"]), result["msg"]
