# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine simulation (benchmarks/fakedocker.py) answers as Docker does, for the docker SDK and a manager.

These tests drive it on 127.0.0.1 with the docker SDK and raw HTTP/1.1: creates, state changes, lists,
inspects, the events stream (order, replay, filters, out-of-band changes), keep-alive, latency, bounds.
"""
from __future__ import annotations

import http.client
import json
import queue
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))

docker = pytest.importorskip("docker")
fakedocker = pytest.importorskip("fakedocker")

CANNED = 4


@pytest.fixture(scope="module")
def fleet():
    with fakedocker.FakeDockerFleet(count=2, containers=CANNED, lifetime=120) as running:
        yield running


@pytest.fixture
def cli(fleet):
    client = docker.APIClient(base_url="tcp://" + fleet.addresses[0], timeout=10)
    yield client
    client.close()


@pytest.fixture
def names():
    """Unique container names per test (the module's fleet is shared)."""
    counter = iter(range(1000))
    stamp = "%x" % time.monotonic_ns()
    return lambda: "t%s-%d" % (stamp, next(counter))


def raw(addr: str, method: str, path: str, body: Any = None, conn: http.client.HTTPConnection = None,
        headers: Dict[str, str] = None) -> Tuple[int, Any, http.client.HTTPConnection]:
    """One request on a (kept) HTTP/1.1 connection: status, decoded body, the connection."""
    if conn is None:
        host, port = addr.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
    payload = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=payload, headers=dict(headers or {}, **({"Content-Type": "application/json"} if payload else {})))
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, (json.loads(data) if data and resp.getheader("Content-Type", "").startswith("application/json") else data), conn


class EventReader:
    """Reads an /events stream in a thread (docker SDK), so a test can act and then look at what came."""

    def __init__(self, address: str, **kwargs: Any) -> None:
        self.client = docker.APIClient(base_url="tcp://" + address, timeout=10)
        self.stream = self.client.events(decode=True, **kwargs)
        self.events: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self) -> None:
        try:
            for event in self.stream:
                self.events.put(event)
        except Exception:  # noqa: BLE001 - the stream was closed by the test
            pass

    def take(self, count: int, timeout: float = 5.0) -> List[Dict[str, Any]]:
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            try:
                found.append(self.events.get(timeout=max(0.01, deadline - time.monotonic())))
            except queue.Empty:
                break
        return found

    def close(self) -> None:
        self.stream.close()
        self.client.close()


def wait_subscribers(sim, count: int, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while sim.subscribers != count and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sim.subscribers == count


def test_canned_answers_stay_as_the_snapshot_benchmarks_know_them(fleet, cli):
    assert cli.version()["ApiVersion"] == "1.41" and cli.api_version == "1.41"
    info = cli.info()
    assert info["Name"] == "sim-0001" and info["OperatingSystem"].startswith("fakedocker simulation")
    expected = fakedocker.engine_data(0, CANNED, 2)
    listed = {c["Id"]: c for c in cli.containers(all=True)}
    assert all(listed[summary["Id"]] == summary for summary in expected["containers"])
    for summary in expected["containers"]:  # canned inspects keep what they had and gain Docker's other fields
        canned, served = expected["inspects"][summary["Id"]], cli.inspect_container(summary["Id"])
        for key in ("Config", "HostConfig", "State"):
            assert {k: served[key][k] for k in canned[key]} == canned[key]
        assert served["State"]["Running"] is (summary["State"] == "running") and served["Created"].endswith("Z")
        published = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(port["PublicPort"])}] for port in summary["Ports"]}
        assert served["NetworkSettings"]["Ports"] == published
    assert [image["RepoTags"] for image in cli.images()][0] == ["busybox:latest"]


def test_create_start_inspect_and_list(fleet, cli, names):
    name = names()
    host_config = cli.create_host_config(port_bindings={80: 18080}, mem_limit="64m", nano_cpus=500000000, cpu_shares=512,
                                         network_mode="bridge")
    created = cli.create_container("busybox:latest", name=name, command=["sleep", "60"], environment=["A=1"],
                                   labels={"role": "web", "com.dockyard.swarm.cpus": "0.5"}, ports=[80], host_config=host_config)
    assert set(created) == {"Id", "Warnings"} and len(created["Id"]) == 64
    before = cli.inspect_container(name)
    assert before["State"]["Status"] == "created" and before["State"]["Running"] is False
    assert name not in {c["Names"][0][1:] for c in cli.containers()}  # not running: only with all=1
    cli.start(created["Id"])
    inspect = cli.inspect_container(created["Id"][:12])
    assert inspect["Id"] == created["Id"] and inspect["Name"] == "/" + name and inspect["Created"].endswith("Z")
    assert inspect["State"]["Status"] == "running" and inspect["State"]["Running"] is True
    assert inspect["State"]["StartedAt"] != "0001-01-01T00:00:00Z"
    config, host = inspect["Config"], inspect["HostConfig"]
    assert (config["Image"], config["Env"], config["Cmd"]) == ("busybox:latest", ["A=1"], ["sleep", "60"])
    assert config["Labels"] == {"role": "web", "com.dockyard.swarm.cpus": "0.5"} and config["ExposedPorts"] == {"80/tcp": {}}
    assert (host["NetworkMode"], host["Memory"], host["NanoCpus"], host["CpuShares"]) == ("bridge", 64 << 20, 500000000, 512)
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "", "HostPort": "18080"}]}
    assert inspect["NetworkSettings"]["Ports"] == {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "18080"}]}
    summary = cli.containers(filters={"name": name})
    assert [c["Id"] for c in summary] == [created["Id"]]
    assert summary[0]["Ports"] == [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 18080, "Type": "tcp"}]
    assert summary[0]["State"] == "running" and summary[0]["Labels"]["role"] == "web"
    assert [c["Id"] for c in cli.containers(filters={"id": created["Id"][:10]})] == [created["Id"]]
    assert created["Id"] in [c["Id"] for c in cli.containers(filters={"label": "role=web"})]
    assert cli.containers(filters={"label": "role=db"}) == []
    assert cli.info()["ContainersRunning"] == fleet.sims[0].info()["ContainersRunning"]
    cli.remove_container(name, force=True)


def test_docker_conflict_and_missing_answers(fleet, names):
    addr, name = fleet.addresses[0], names()
    status, body, conn = raw(addr, "POST", "/v1.41/containers/create?name=" + name, {"Image": "busybox"})
    assert status == 201
    cid = body["Id"]
    status, body, conn = raw(addr, "POST", "/v1.41/containers/create?name=" + name, {"Image": "busybox:latest"}, conn)
    assert status == 409 and body["message"] == (
        'Conflict. The container name "/%s" is already in use by container "%s". You have to remove (or rename) that '
        "container to be able to reuse that name." % (name, cid))
    status, body, conn = raw(addr, "POST", "/v1.41/containers/create?name=" + names(), {"Image": "nginx:missing"}, conn)
    assert (status, body["message"]) == (404, "No such image: nginx:missing")
    status, body, conn = raw(addr, "POST", "/v1.41/containers/create?name=bad%20name", {"Image": "busybox"}, conn)
    assert status == 400 and "Invalid container name" in body["message"]
    assert raw(addr, "POST", "/v1.41/containers/%s/start" % cid, conn=conn)[0] == 204
    assert raw(addr, "POST", "/v1.41/containers/%s/start" % cid, conn=conn)[0] == 304
    status, body, conn = raw(addr, "DELETE", "/v1.41/containers/" + cid, conn=conn)
    assert status == 409 and body["message"].startswith("You cannot remove a running container " + cid)
    assert raw(addr, "POST", "/v1.41/containers/%s/pause" % cid, conn=conn)[0] == 204
    assert raw(addr, "POST", "/v1.41/containers/%s/pause" % cid, conn=conn)[1]["message"] == "Container %s is already paused" % cid
    assert raw(addr, "POST", "/v1.41/containers/%s/start" % cid, conn=conn)[0] == 409
    assert raw(addr, "POST", "/v1.41/containers/%s/unpause" % cid, conn=conn)[0] == 204
    assert raw(addr, "POST", "/v1.41/containers/%s/stop" % cid, conn=conn)[0] == 204
    assert raw(addr, "POST", "/v1.41/containers/%s/stop" % cid, conn=conn)[0] == 304
    assert raw(addr, "POST", "/v1.41/containers/%s/kill" % cid, conn=conn)[0] == 409
    assert raw(addr, "POST", "/v1.41/containers/%s/restart" % cid, conn=conn)[0] == 204
    assert raw(addr, "DELETE", "/v1.41/containers/%s?force=1" % cid, conn=conn)[0] == 204
    for method, path in (("GET", "/containers/%s/json" % cid), ("POST", "/containers/%s/start" % cid),
                         ("DELETE", "/containers/" + cid)):
        status, body, conn = raw(addr, method, "/v1.41" + path, conn=conn)
        assert (status, body["message"]) == (404, "No such container: " + cid)
    assert raw(addr, "GET", "/v1.41/secrets", conn=conn)[0] == 404
    conn.close()


def test_a_taken_host_port_fails_the_start_as_docker_does(fleet, cli, names):
    first, second = names(), names()
    host_config = cli.create_host_config(port_bindings={80: 18181})
    for name in (first, second):
        cli.create_container("busybox", name=name, ports=[80], host_config=host_config)
    cli.start(first)
    with pytest.raises(docker.errors.APIError) as err:
        cli.start(second)
    assert err.value.status_code == 500 and "Bind for 0.0.0.0:18181 failed: port is already allocated" in str(err.value)
    cli.remove_container(first, force=True)
    cli.start(second)  # free again
    cli.remove_container(second, force=True)


def test_events_stream_in_docker_order_and_format(fleet, cli, names):
    reader = EventReader(fleet.addresses[0], filters={"type": "container"})
    try:
        wait_subscribers(fleet.sims[0], 1)
        name = names()
        cid = cli.create_container("busybox", name=name, labels={"tier": "front"})["Id"]
        cli.start(cid)
        cli.stop(cid)
        cli.remove_container(cid)
        events = reader.take(6)
    finally:
        reader.close()
    assert [e["Action"] for e in events] == ["create", "start", "kill", "die", "stop", "destroy"]
    for event in events:
        assert (event["Type"], event["status"], event["id"], event["from"]) == ("container", event["Action"], cid, "busybox")
        assert event["Actor"]["ID"] == cid and event["scope"] == "local"
        assert event["Actor"]["Attributes"]["name"] == name and event["Actor"]["Attributes"]["image"] == "busybox"
        assert event["Actor"]["Attributes"]["tier"] == "front"
        assert event["time"] == event["timeNano"] // 10 ** 9
    assert [e["timeNano"] for e in events] == sorted(e["timeNano"] for e in events)
    assert events[2]["Actor"]["Attributes"]["signal"] == "15" and events[3]["Actor"]["Attributes"]["exitCode"] == "0"
    wait_subscribers(fleet.sims[0], 0)  # the client went away: the fake let go of it


def test_since_until_replay_and_filters(fleet, cli, names):
    since = time.time()
    labelled, other = names(), names()
    cli.create_container("busybox", name=labelled, labels={"pick": "me"})
    cli.create_container("busybox", name=other)
    cli.start(labelled)
    until = time.time()
    replay = list(cli.events(since=since, until=until, decode=True))  # ends by itself
    assert [(e["Action"], e["Actor"]["Attributes"]["name"]) for e in replay] == [
        ("create", labelled), ("create", other), ("start", labelled)]
    picked = list(cli.events(since=since, until=until, decode=True, filters={"label": "pick=me", "event": "start"}))
    assert [(e["Action"], e["Actor"]["Attributes"]["name"]) for e in picked] == [("start", labelled)]
    by_name = list(cli.events(since=since, until=until, decode=True, filters={"container": other}))
    assert [e["Action"] for e in by_name] == ["create"]
    for name in (labelled, other):
        cli.remove_container(name, force=True)
    status, body, unused_conn = raw(fleet.addresses[0], "GET", "/v1.41/events?since=yesterday")
    assert status == 400 and "invalid timestamp" in body["message"]


def test_out_of_band_changes_reach_an_open_stream(fleet):
    reader = EventReader(fleet.addresses[1])
    try:
        wait_subscribers(fleet.sims[1], 1)
        cid = fleet.create_direct(1, "outside-1", labels={"made": "directly"})
        status, unused_body = fleet.change_direct(1, "outside-1", "kill")
        events = reader.take(4)
    finally:
        reader.close()
    assert status == 204
    assert [(e["Action"], e["id"]) for e in events] == [("create", cid), ("start", cid), ("kill", cid), ("die", cid)]
    assert events[0]["Actor"]["Attributes"]["made"] == "directly" and events[3]["Actor"]["Attributes"]["exitCode"] == "137"
    # the same through the engine's own port, for a benchmark that runs the fleet in another process
    status, body, conn = raw(fleet.addresses[1], "POST", "/_fakedocker/direct/create?name=outside-2", {"Labels": {"x": "1"}})
    assert status == 201 and fleet.sims[1].find("outside-2").state == "running"
    assert raw(fleet.addresses[1], "POST", "/_fakedocker/direct/outside-2/remove", conn=conn)[0] == 204
    stats = raw(fleet.addresses[1], "GET", "/_fakedocker/stats", conn=conn)[1]
    assert stats["name"] == "sim-0002" and stats["containers"] == CANNED + 1 and stats["subscribers"] == 0
    fleet.change_direct(1, cid, "remove")


def test_pull_then_create_and_image_inspect(fleet, cli, names):
    with pytest.raises(docker.errors.NotFound):
        cli.inspect_image("registry.local/app:2")
    progress = list(cli.pull("registry.local/app", tag="2", stream=True, decode=True))
    assert progress[-1] == {"status": "Status: Downloaded newer image for registry.local/app:2"}
    image = cli.inspect_image("registry.local/app:2")
    assert image["RepoTags"] == ["registry.local/app:2"] and image["Id"].startswith("sha256:")
    name = names()
    cli.create_container("registry.local/app:2", name=name)
    cli.remove_container(name)
    assert cli.networks()[0]["Name"] == "bridge" and cli.volumes() == {"Volumes": [], "Warnings": None}


def test_one_kept_alive_connection_serves_many_calls(fleet, names):
    addr = fleet.addresses[0]
    status, unused_body, conn = raw(addr, "GET", "/_ping")
    sock = conn.sock
    before = fleet.requests
    name = names()
    for method, path, body in (("GET", "/v1.41/info", None), ("POST", "/v1.41/containers/create?name=" + name, {"Image": "busybox"}),
                               ("POST", "/v1.41/containers/%s/start" % name, None), ("GET", "/v1.41/containers/json", None),
                               ("DELETE", "/v1.41/containers/%s?force=true" % name, None)):
        status, unused_body, conn = raw(addr, method, path, body, conn)
        assert status in (200, 201, 204) and conn.sock is sock  # the same socket all along
    assert fleet.requests - before == 5
    status, unused_body, conn = raw(addr, "GET", "/_ping", conn=conn, headers={"Connection": "close"})
    assert status == 200
    assert conn.sock is None or conn.sock.recv(1) == b""  # the fake closed it as asked
    conn.close()


def test_latency_is_added_to_every_call():
    with fakedocker.FakeDockerFleet(count=1, containers=0, lifetime=30, latency=0.05) as slow:
        started = time.monotonic()
        conn = None
        for unused in range(3):
            conn = raw(slow.addresses[0], "GET", "/_ping", conn=conn)[2]
        conn.close()
    assert time.monotonic() - started >= 0.15


def test_bounds(fleet):
    assert all(addr.startswith("127.0.0.1:") for addr in fleet.addresses)
    with pytest.raises(ValueError, match="count must be 1..2000"):
        fakedocker.FakeDockerFleet(count=fakedocker.MAX_ENGINES + 1)
    with fakedocker.FakeDockerFleet(count=1, containers=1, max_containers=2, lifetime=30) as small:
        small.create_direct(0, "fills-it", start=False)
        status, body, conn = raw(small.addresses[0], "POST", "/containers/create?name=one-too-many", {"Image": "busybox"})
        assert status == 500 and "max_containers" in body["message"]
        status, body, conn = raw(small.addresses[0], "POST", "/containers/create", b"{not json", conn=conn)
        assert status == 400 and "bad request" in body["message"]
        conn.close()
        host, port = small.addresses[0].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as sock:  # a body over 1 MiB is refused unread
            sock.sendall(b"POST /containers/create HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % ((1 << 20) + 1))
            answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413 ") and b"Connection: close" in answer


def test_changes_from_many_threads_are_all_kept_and_announced(fleet, cli):
    sim = fleet.sims[0]
    since = time.time()
    errors: List[BaseException] = []

    def direct(worker: int) -> None:
        try:
            for number in range(10):
                fleet.create_direct(0, "par-%d-%d" % (worker, number), start=False)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=direct, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for number in range(10):
        cli.create_container("busybox", name="par-http-%d" % number)
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    made = cli.containers(all=True, filters={"name": "^/par-"})
    assert len(made) == 50 and len({c["Id"] for c in made}) == 50
    creates = [e for e in sim.history if e["Action"] == "create" and e["timeNano"] >= int(since * 1e9)]
    assert len(creates) == 50
    for container in made:
        fleet.change_direct(0, container["Id"], "remove")


def test_canned_containers_change_state_like_created_ones(fleet):
    cli = docker.APIClient(base_url="tcp://" + fleet.addresses[1], timeout=10)
    try:
        canned = fakedocker.engine_data(1, CANNED, 2)["containers"][0]
        cli.stop(canned["Id"])
        stopped = cli.containers(all=True, filters={"id": canned["Id"]})[0]
        assert (stopped["State"], stopped["Ports"]) == ("exited", [])
        assert canned["Id"] not in [c["Id"] for c in cli.containers()]
        cli.start(canned["Id"])
        again = cli.inspect_container(canned["Id"])
        assert again["State"]["Running"] is True
        assert again["NetworkSettings"]["Ports"] == {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8000"}]}
    finally:
        cli.close()
