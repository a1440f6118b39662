# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab is real: TLS engines with their own names and labels, published ports, Consul KV, etcd, ZooKeeper."""
from __future__ import annotations

import json
import socket
import ssl
import time
import urllib.request
import uuid

import pytest

from tests.integration.helpers import engine_client

pytestmark = pytest.mark.integration


def test_each_engine_answers_over_tls_with_its_name_and_labels(lab):
    assert [e["name"] for e in lab["engines"]] == ["node-1", "node-2", "node-3"]
    for engine in lab["engines"]:
        cli = engine_client(lab, engine["name"])
        try:
            info = cli.info()
            images = [tag for image in cli.images() for tag in image.get("RepoTags") or []]
        finally:
            cli.close()
        assert info["Name"] == engine["name"]
        labels = dict(item.split("=", 1) for item in info["Labels"])
        assert labels == engine["labels"]
        assert "busybox:latest" in images


def test_busybox_image_has_the_same_id_everywhere(lab):
    ids = set()
    for engine in lab["engines"]:
        cli = engine_client(lab, engine["name"])
        try:
            ids.add(cli.inspect_image("busybox:latest")["Id"])
        finally:
            cli.close()
    assert ids == {lab["image"]["id"]}


def test_published_port_answers_http_at_the_engine_ip(lab):
    engine = lab["engines"][1]
    cli = engine_client(lab, engine["name"])
    name = f"labtest-{uuid.uuid4().hex[:8]}"
    try:
        host_config = cli.create_host_config(port_bindings={80: 18080})
        container = cli.create_container("busybox:latest", command=["httpd", "-f", "-p", "80", "-h", "/www"],
                                         name=name, ports=[80], host_config=host_config)
        cli.start(container["Id"])
        ip = engine["addr"].split(":")[0]
        deadline, body = time.monotonic() + 10, b""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://{ip}:18080/", timeout=2) as resp:  # noqa: S310
                    body = resp.read()
                break
            except OSError:
                time.sleep(0.2)
        assert b"dockyard lab" in body
    finally:
        cli.remove_container(name, force=True)
        cli.close()


def test_client_without_certificate_is_refused(lab):
    host, port = lab["engines"][0]["addr"].split(":")
    ctx = ssl.create_default_context(cafile=lab["tls"]["ca_path"])
    with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            with ctx.wrap_socket(raw, server_hostname=host) as tls:
                tls.sendall(b"GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
                data = tls.recv(100)
                if not data:
                    raise ConnectionResetError("closed without answer")
                pytest.fail(f"engine answered a client without certificate: {data!r}")


def test_wrong_ca_does_not_verify_the_engine(lab):
    host, port = lab["engines"][0]["addr"].split(":")
    ctx = ssl.create_default_context(cafile=lab["tls"]["wrong_ca_path"])
    ctx.load_cert_chain(lab["tls"]["client_cert"], lab["tls"]["client_key"])
    with pytest.raises(ssl.SSLCertVerificationError):
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            ctx.wrap_socket(raw, server_hostname=host)


def test_consul_kv_put_get(lab):
    key = f"labtest/{uuid.uuid4().hex}"
    base = f"http://{lab['consul']}/v1/kv/{key}"
    put = urllib.request.Request(base, data=b"10.231.1.2:2376", method="PUT")
    with urllib.request.urlopen(put, timeout=5) as resp:  # noqa: S310 - loopback
        assert json.loads(resp.read()) is True
    try:
        with urllib.request.urlopen(base + "?raw", timeout=5) as resp:  # noqa: S310
            assert resp.read() == b"10.231.1.2:2376"
    finally:
        urllib.request.urlopen(urllib.request.Request(base, method="DELETE"), timeout=5).close()  # noqa: S310


def test_etcd_and_zookeeper_answer(lab):
    with urllib.request.urlopen(f"http://{lab['etcd']}/health", timeout=5) as resp:  # noqa: S310
        assert json.loads(resp.read())["health"] == "true"
    host, port = lab["zookeeper"].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"ruok")
        assert sock.recv(4) == b"imok"
