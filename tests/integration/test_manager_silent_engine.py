# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An engine that goes silent without closing anything (a host powered off, a cut cable) is Unhealthy in the
manager within its documented bound, and Healthy again when it answers.

`tests.lab stop-engine` stops dockerd, which closes its connections (the manager sees resets at once), and
freezing a shared engine would disturb everyone else on the lab; so the manager reaches node-1 through a TCP
relay of this test's own that can stop relaying while keeping every connection open (the bytes are TLS end
to end; the manager runs with --tls, so node-1's certificate need not name the relay's address)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Set

import pytest

from .helpers import stop_process, wait_for

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
MODULE = "ansible_collections.dockyard.swarm.plugins.module_utils._manager"
DOCKER = "/usr/bin/docker" if os.path.exists("/usr/bin/docker") else "docker"
BOUND = 5 + 3 * 2 + 2 * 0.5  # quiet, 3 pings of 2 s, 2 pauses (docs/manager.md "Silent engines")


class FreezableRelay:
    """127.0.0.1:<port> -> target; ``freeze()`` stops moving bytes (connections stay open, new ones are
    accepted and left unanswered), ``thaw()`` moves them again."""

    def __init__(self, target: str) -> None:
        self.host, port = target.rsplit(":", 1)
        self.target_port = int(port)
        self.loop = asyncio.new_event_loop()
        self.flowing = asyncio.Event()
        self.port = 0
        self.server: Optional[asyncio.AbstractServer] = None
        self.writers: Set[asyncio.StreamWriter] = set()
        ready = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self.thread.start()
        ready.wait(10)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.flowing.set()
        self.server = self.loop.run_until_complete(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                data = await reader.read(65536)
                await self.flowing.wait()
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _relay(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.writers.add(client_writer)
        await self.flowing.wait()
        try:
            engine_reader, engine_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_writer.close()
            return
        self.writers.add(engine_writer)
        await asyncio.gather(self._pump(client_reader, engine_writer), self._pump(engine_reader, client_writer))

    def freeze(self) -> None:
        self.loop.call_soon_threadsafe(self.flowing.clear)

    def thaw(self) -> None:
        self.loop.call_soon_threadsafe(self.flowing.set)

    def close(self) -> None:
        def shut() -> None:
            self.flowing.set()
            if self.server is not None:
                self.server.close()
            for writer in self.writers:
                writer.close()
            self.loop.stop()

        self.loop.call_soon_threadsafe(shut)
        self.thread.join(timeout=10)


def node_status(socket_path: Path, name: str) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCKER_")}
    env["DOCKER_HOST"] = "unix://%s" % socket_path
    proc = subprocess.run([DOCKER, "info"], env=env, capture_output=True, text=True, timeout=30, check=False)
    lines: List[str] = proc.stdout.splitlines()
    for number, line in enumerate(lines):
        if line.strip().startswith(name + ":"):
            for following in lines[number + 1:number + 4]:
                if "Status:" in following:
                    return following.split("Status:", 1)[1].strip()
    return ""


def test_a_silent_engine_is_unhealthy_within_the_bound_and_comes_back(lab: Dict[str, Any], tmp_path: Path) -> None:
    node1 = next(engine for engine in lab["engines"] if engine["name"] == "node-1")
    node2 = next(engine for engine in lab["engines"] if engine["name"] == "node-2")
    relay = FreezableRelay(node1["addr"])
    cert = lab["tls"]["cert_path"]
    sock = tmp_path / "manager.sock"
    log = tmp_path / "manager.log"
    env = dict(os.environ)
    env["PYTHONPATH"] = "%s:%s" % (REPO / ".venv" / "collections", REPO)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SWARM_HOST", "SWARM_DISCOVERY"):
        env.pop(name, None)
    command = [sys.executable, "-m", MODULE, "manage", "--tls", "--tlscert=%s/cert.pem" % cert,
               "--tlskey=%s/key.pem" % cert, "-H", "unix://%s" % sock,
               "--discovery", "nodes://127.0.0.1:%d,%s" % (relay.port, node2["addr"])]
    with open(log, "w") as handle:
        proc: "subprocess.Popen[bytes]" = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        wait_for("both engines Healthy", lambda: node_status(sock, "node-1") == "Healthy" == node_status(sock, "node-2"),
                 timeout=30, log=log)
        time.sleep(1)
        relay.freeze()
        frozen_at = time.monotonic()
        wait_for("node-1 Unhealthy", lambda: node_status(sock, "node-1") == "Unhealthy", timeout=BOUND + 10,
                 log=log, interval=0.2)
        took = time.monotonic() - frozen_at
        assert took <= BOUND + 2, "node-1 became Unhealthy %.1f s after it went silent (bound %.1f s)" % (took, BOUND)
        assert node_status(sock, "node-2") == "Healthy"
        relay.thaw()
        wait_for("node-1 Healthy again", lambda: node_status(sock, "node-1") == "Healthy", timeout=30, log=log)
        text = log.read_text()
        assert "is unhealthy after 3 failures" in text and "came back to life" in text
        print("silent node-1 noticed after %.1f s (bound %.1f s)" % (took, BOUND))
    finally:
        stop_process(proc)
        relay.close()
