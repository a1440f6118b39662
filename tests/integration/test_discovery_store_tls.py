# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS to the discovery stores, against throwaway Consul and etcd servers on 127.0.0.1.

The lab's stores speak plain HTTP, so each test starts its own server with HTTPS and client
certificate verification, using the lab's CA and its client certificate (valid for 127.0.0.1
and for server use). Consul is configured through Consul's own environment variables.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import DiscoveryError, list_nodes, open_backend
from tests.integration.helpers import stop_process

pytestmark = pytest.mark.integration


def free_ports(count: int) -> List[int]:
    sockets = [socket.socket() for unused_index in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the TLS store exited early: %s" % process.stderr.read())  # type: ignore[union-attr]
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("the TLS store did not listen on %d within %ss" % (port, timeout))


def stop(process: subprocess.Popen) -> None:
    stop_process(process, timeout=10)


@pytest.fixture()
def etcd_tls(lab: dict, tmp_path: Path) -> Iterator[str]:
    """An etcd serving HTTPS on 127.0.0.1 and requiring client certificates from the lab CA."""
    binary = shutil.which("etcd") or "/usr/bin/etcd"
    tls = lab["tls"]
    client, peer = free_ports(2)
    process = subprocess.Popen(
        [binary, "--name", "tls-test", "--data-dir", str(tmp_path / "etcd"),
         "--listen-client-urls", "https://127.0.0.1:%d" % client, "--advertise-client-urls", "https://127.0.0.1:%d" % client,
         "--listen-peer-urls", "http://127.0.0.1:%d" % peer, "--initial-advertise-peer-urls", "http://127.0.0.1:%d" % peer,
         "--initial-cluster", "tls-test=http://127.0.0.1:%d" % peer, "--cert-file", tls["client_cert"],
         "--key-file", tls["client_key"], "--trusted-ca-file", tls["ca_path"], "--client-cert-auth", "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(client, process)
        yield "127.0.0.1:%d" % client
    finally:
        stop(process)


@pytest.fixture()
def consul_tls(lab: dict, tmp_path: Path) -> Iterator[str]:
    """A Consul dev agent serving only HTTPS on 127.0.0.1, verifying client certificates."""
    from tests.lab.config import consul_binary

    tls = lab["tls"]
    https, serf_lan, serf_wan, server = free_ports(4)
    config = tmp_path / "tls.hcl"
    config.write_text(
        'ports { http = -1\n https = %d\n dns = -1\n grpc = -1\n serf_lan = %d\n serf_wan = %d\n server = %d }\n'
        'ca_file = "%s"\ncert_file = "%s"\nkey_file = "%s"\nverify_incoming_https = true\n'
        % (https, serf_lan, serf_wan, server, tls["ca_path"], tls["client_cert"], tls["client_key"]))
    process = subprocess.Popen([consul_binary(), "agent", "-dev", "-node", "tls-test-%s" % uuid.uuid4().hex[:6],
                                "-bind", "127.0.0.1", "-client", "127.0.0.1", "-config-file", str(config),
                                "-log-level", "error"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(https, process)
        time.sleep(3)  # leader election of the dev server
        yield "127.0.0.1:%d" % https
    finally:
        stop(process)


def test_etcd_over_tls_with_a_client_certificate(etcd_tls: str, lab: dict) -> None:
    tls = lab["tls"]
    url = "etcd://%s/tls" % etcd_tls
    params = {"discovery_ca_cert": tls["ca_path"], "discovery_client_cert": tls["client_cert"],
              "discovery_client_key": tls["client_key"]}
    with open_backend(url, params, environ={}) as backend:
        registration = backend.register("10.231.1.2:2376", 30)
        assert backend.list_nodes() == ["10.231.1.2:2376"]
        registration.close()
        assert backend.list_nodes() == []


def test_etcd_tls_mistakes_are_explained(etcd_tls: str, lab: dict) -> None:
    url = "etcd://%s/tls" % etcd_tls
    with pytest.raises(DiscoveryError, match=r"TLS error \(sslv3 alert bad certificate\): the store refused this client's "
                                             r"certificate .*set discovery_client_cert and discovery_client_key\.$"):
        list_nodes(url, {"discovery_ca_cert": lab["tls"]["ca_path"], "discovery_timeout": 5}, environ={})
    with pytest.raises(DiscoveryError, match=r"TLS error \(certificate verify failed: .*\): the store's certificate is "
                                             r"not trusted: point discovery_ca_cert/ETCDCTL_CACERT at the CA"):
        list_nodes(url, {"discovery_ca_cert": lab["tls"]["wrong_ca_path"], "discovery_timeout": 5}, environ={})
    with pytest.raises(DiscoveryError, match="if it serves HTTPS, set discovery_tls=true and discovery_ca_cert"):
        list_nodes(url, {"discovery_tls": False, "discovery_timeout": 5}, environ={})


def test_consul_over_tls_from_consuls_own_environment_variables(consul_tls: str, lab: dict) -> None:
    tls = lab["tls"]
    environ = {"CONSUL_HTTP_ADDR": "https://%s" % consul_tls, "CONSUL_CACERT": tls["ca_path"],
               "CONSUL_CLIENT_CERT": tls["client_cert"], "CONSUL_CLIENT_KEY": tls["client_key"]}
    with open_backend("consul:///tls", environ=environ) as backend:
        registration = backend.register("10.231.2.2:2376", 30)
        assert backend.list_nodes() == ["10.231.2.2:2376"]
        registration.close()
        assert backend.list_nodes() == []


def test_consul_without_client_certificate_is_refused_clearly(consul_tls: str, lab: dict) -> None:
    environ = {"CONSUL_HTTP_ADDR": "https://%s" % consul_tls, "CONSUL_CACERT": lab["tls"]["ca_path"]}
    with pytest.raises(DiscoveryError, match=r"Cannot reach Consul .*TLS error .*refused this client's certificate"):
        list_nodes("consul:///tls", {"discovery_timeout": 5}, environ=environ)
    with urllib.request.urlopen("http://%s/v1/status/leader" % lab["consul"], timeout=5) as answer:  # noqa: S310
        assert answer.status == 200  # the lab's own Consul is untouched
