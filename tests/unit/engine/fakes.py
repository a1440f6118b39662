# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for docker.APIClient with canned engine answers (unit tests only)."""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Optional

import requests


def api_error(status: int, message: str = "boom") -> Exception:
    """An exception shaped like docker.errors.APIError (``response.status_code``)."""
    response = requests.Response()
    response.status_code = status
    error = requests.exceptions.HTTPError(message, response=response)
    return error


def info(name: str, labels: Optional[List[str]] = None, ncpu: int = 4, memory: int = 8 << 30, engine_id: str = "") -> Dict[str, Any]:
    return {"ID": engine_id or "ID-" + name, "Name": name, "NCPU": ncpu, "MemTotal": memory, "Labels": labels or [],
            "Driver": "overlay2", "KernelVersion": "6.1.0", "OperatingSystem": "Debian GNU/Linux 12 (bookworm)",
            "OSType": "linux", "ServerVersion": "20.10.24"}


def summary(cid: str, name: str, state: str = "running", labels: Optional[Dict[str, str]] = None,
            ports: Optional[List[Dict[str, Any]]] = None, network: str = "default") -> Dict[str, Any]:
    return {"Id": cid, "Names": ["/" + name], "Image": "busybox:latest", "ImageID": "sha256:img", "State": state,
            "Labels": labels or {}, "Ports": ports or [], "HostConfig": {"NetworkMode": network}}


class FakeEngine:
    """One engine's canned answers; counts calls; can fail or be slow."""

    def __init__(self, name: str, containers: Optional[List[Dict[str, Any]]] = None,
                 inspects: Optional[Dict[str, Dict[str, Any]]] = None, error: Optional[Exception] = None,
                 delay: float = 0.0, **info_args: Any) -> None:
        self.info_data = info(name, **info_args)
        self.container_list = containers or []
        self.inspects = inspects or {}
        self.error = error
        self.delay = delay
        self.calls: List[str] = []
        self.lock = threading.Lock()

    def client(self) -> "FakeClient":
        if self.error is not None:
            raise self.error
        return FakeClient(self)


class FakeClient:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.closed = False

    def _call(self, what: str) -> None:
        with self.engine.lock:
            self.engine.calls.append(what)
        if self.engine.delay:
            time.sleep(self.engine.delay)

    def info(self) -> Dict[str, Any]:
        self._call("info")
        return dict(self.engine.info_data)

    def containers(self, all: bool = False) -> List[Dict[str, Any]]:  # noqa: A002 (the SDK's name)
        self._call("containers all=%s" % all)
        return list(self.engine.container_list)

    def images(self) -> List[Dict[str, Any]]:
        self._call("images")
        return [{"Id": "sha256:img", "RepoTags": ["busybox:latest"]}, {"Id": "sha256:none", "RepoTags": ["<none>:<none>"]}]

    def inspect_container(self, cid: str) -> Dict[str, Any]:
        self._call("inspect %s" % cid)
        if cid not in self.engine.inspects:
            raise api_error(404, "No such container")
        return self.engine.inspects[cid]

    def close(self) -> None:
        self.closed = True
