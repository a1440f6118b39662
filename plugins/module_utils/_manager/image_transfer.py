# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Images arriving on engines: `docker pull` (``POST /images/create?fromImage=``), `docker import`
(``fromSrc=``) and `docker load`, on every healthy engine at once.

Which engines: all healthy ones, or those that pass the constraint expressions given as
``constraint=`` query parameters or in the ``X-Dockyard-Constraint`` header (comma-separated; the
docker CLI sends it for every call when ``HttpHeaders`` in its config.json names it), with the
scheduler's expression language (``zone==external``, ``node!=node-3``, ``node==/node-[12]/``).

A pull is answered once every engine answered its request: when all of them refused it (an
unknown image, missing credentials), the client gets the engine's own status and words, as from a
single engine. Otherwise the engines' progress lines are relayed as they come, each with
``id`` = the engine's name and its status prefixed the classic way (``Pulling busybox:latest... :
<layer>: Downloading``), so the CLI shows one line per engine. An engine that fails says so on
its line; the final line is an error (the CLI then fails) only when no engine succeeded. Each
engine's images are read again before its last line, so the next `docker images` shows the pull.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import EngineResponse, aiohttp_module
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import proxy
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.app import cluster_of, requested_version
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import (
    NO_HEALTHY,
    Outcome,
    combined_failure,
    engines_for,
    healthy_engines,
    on_engines,
    reread,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.pulls import PULL_TIMEOUT, failure_text, open_pull, progress
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.tee import Tee

CONSTRAINT_HEADER = "X-Dockyard-Constraint"
MANAGER_PARAMS = ("constraint",)


def target_engines(cluster: Any, request: Any) -> List[Any]:
    """Healthy engines, narrowed by the request's constraint expressions (see the module docstring)."""
    engines = healthy_engines(cluster)
    if not engines:
        raise ApiError(500, NO_HEALTHY)
    expressions = list(request.query.getall("constraint", []))
    for header in request.headers.getall(CONSTRAINT_HEADER, []):
        expressions += [part.strip() for part in header.split(",") if part.strip()]
    return engines_for(engines, {"constraints": expressions})


def engine_params(request: Any) -> Dict[str, str]:
    return {key: value for key, value in request.query.items() if key not in MANAGER_PARAMS}


def engine_headers(request: Any) -> Dict[str, str]:
    return {name: value for name, value in proxy.request_headers(request.headers).items()
            if name.lower() != CONSTRAINT_HEADER.lower()}


def _line(item: Dict[str, Any]) -> bytes:
    return json.dumps(item).encode("utf-8") + b"\r\n"


def error_line(message: str) -> bytes:
    return _line({"errorDetail": {"message": message}, "error": message})


async def _start_stream(request: Any) -> Any:
    web = aiohttp_module().web
    response = web.StreamResponse(status=200)
    response.content_type = "application/json"
    await response.prepare(request)
    return response


# --- pull -----------------------------------------------------------------------------------------
class Pull:
    """One `docker pull` through the manager."""

    def __init__(self, cluster: Any, request: Any) -> None:
        self.cluster = cluster
        self.request = request
        self.params = engine_params(request)
        image, tag = self.params.get("fromImage", ""), self.params.get("tag", "")
        separator = "@" if tag.startswith("sha256:") else ":"
        self.reference = image + (separator + tag if tag and separator not in image.rpartition("/")[2] else "")
        self.auth = request.headers.get("X-Registry-Auth")
        self.lines: "asyncio.Queue[Optional[bytes]]" = asyncio.Queue()
        self.failures: List[Tuple[Any, str]] = []
        self.succeeded: List[Any] = []

    def status(self, engine: Any, text: str, item: Optional[Dict[str, Any]] = None) -> bytes:
        line: Dict[str, Any] = {"id": engine.name, "status": "Pulling %s... : %s" % (self.reference, text)}
        for key in ("progressDetail", "progress"):
            if item and item.get(key):
                line[key] = item[key]
        return _line(line)

    async def open(self, engine: Any) -> Tuple[Any, Any]:
        """(engine, streaming response) or (engine, Outcome of a refusal or failure)."""
        version = self.cluster.engine_version(engine, requested_version(self.request))
        try:
            response = await open_pull(engine, self.params, self.auth, version)
        except EngineError as exc:
            return engine, Outcome(engine, error=exc)
        if response.status >= 400:
            try:
                body = await response.read()
            except Exception:  # the refusal's words are lost: the status still says it failed
                body = b""
            finally:
                response.release()
            return engine, Outcome(engine, answer=EngineResponse(response.status, dict(response.headers), body))
        return engine, response

    async def follow(self, engine: Any, response: Any) -> None:
        """Relay one engine's progress; its images are read again before its last line."""
        error = None
        try:
            async for item in progress(engine, response):
                failed = failure_text(item)
                if failed:
                    error = failed
                    await self.lines.put(self.status(engine, failed))
                    continue
                text = str(item.get("status") or "")
                if item.get("id"):
                    text = "%s: %s" % (item["id"], text)
                await self.lines.put(self.status(engine, text, item))
        except EngineError as exc:
            error = str(exc)
            await self.lines.put(self.status(engine, error))
        finally:
            response.release()
        if error:
            self.failures.append((engine, error))
            return
        await reread([engine], "images")
        self.succeeded.append(engine)
        await self.lines.put(self.status(engine, "downloaded"))

    async def run(self) -> Any:
        engines = target_engines(self.cluster, self.request)
        opened = await asyncio.gather(*(self.open(engine) for engine in engines))
        streams = [(engine, answer) for engine, answer in opened if not isinstance(answer, Outcome)]
        refused = [answer for _engine, answer in opened if isinstance(answer, Outcome)]
        if not streams:
            raise combined_failure(refused)
        out = await _start_stream(self.request)
        for outcome in refused:
            self.failures.append((outcome.engine, outcome.message))
            await out.write(self.status(outcome.engine, outcome.message))
        tasks = [asyncio.ensure_future(self.follow(engine, response)) for engine, response in streams]
        for engine, _response in streams:
            await out.write(self.status(engine, "pulling"))
        watcher = asyncio.ensure_future(self._close_when_done(tasks))
        try:
            while True:
                line = await self.lines.get()
                if line is None:
                    break
                await out.write(line)
        finally:
            for task in tasks:
                task.cancel()
            watcher.cancel()
        if not self.succeeded:
            await out.write(error_line(self._failure_message()))
        await out.write_eof()
        return out

    async def _close_when_done(self, tasks: List["asyncio.Task[Any]"]) -> None:
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.lines.put(None)

    def _failure_message(self) -> str:
        messages = {message for _engine, message in self.failures}
        if len(messages) == 1:
            return messages.pop()
        return "; ".join("%s: %s" % (engine.name, message) for engine, message in self.failures)


# --- load and import: one body for every engine ---------------------------------------------------
async def send_body(cluster: Any, request: Any, engines: List[Any], path: str) -> List[Outcome]:
    """The client's body, read once, sent to every engine at once (``Tee``); each engine's whole answer."""
    params, headers = engine_params(request), engine_headers(request)
    tee = Tee(request.content.iter_chunked(proxy.CHUNK), len(engines)) if request.body_exists else None
    index = {id(engine): position for position, engine in enumerate(engines)}

    async def send(engine: Any) -> Any:
        position = index[id(engine)]
        try:
            return await engine.client.request("POST", proxy.engine_path(cluster, request, engine, path), params=params,
                                               data=tee.reader(position) if tee else None, headers=headers,
                                               timeout=PULL_TIMEOUT)
        finally:
            if tee is not None:
                tee.drop(position)

    pump = asyncio.ensure_future(tee.pump()) if tee is not None else None
    try:
        return await on_engines(engines, send)
    finally:
        if pump is not None and not pump.done():
            pump.cancel()


def _engine_items(outcome: Outcome) -> List[Dict[str, Any]]:
    items = []
    for raw in outcome.answer.body.splitlines() if outcome.answer is not None else []:
        try:
            item = json.loads(raw)
        except ValueError:
            continue
        if isinstance(item, dict):
            items.append(item)
    return items


async def _fanned_in(request: Any, path: str) -> Any:
    """Send the body to the target engines and answer their messages, each line marked with its engine."""
    cluster = cluster_of(request)
    engines = target_engines(cluster, request)
    outcomes = await send_body(cluster, request, engines, path)
    answered = [outcome for outcome in outcomes if outcome.ok]
    if not answered:
        raise combined_failure(outcomes)
    await reread([outcome.engine for outcome in answered], "images")
    out = await _start_stream(request)
    succeeded = False
    for outcome in outcomes:
        name = outcome.engine.name
        if not outcome.ok:
            await out.write(_line({"stream": "%s: %s\n" % (name, outcome.message)}))
            continue
        failed = False
        for item in _engine_items(outcome):
            problem = failure_text(item)
            if problem:
                failed = True
                await out.write(_line({"stream": "%s: %s\n" % (name, problem)}))
            elif "stream" in item:
                text = "".join("%s: %s\n" % (name, part) for part in str(item["stream"]).splitlines() if part.strip())
                if text:
                    await out.write(_line({"stream": text}))
            elif item.get("status"):
                await out.write(_line(dict(item, id=name)))
        succeeded = succeeded or not failed
    if not succeeded:
        await out.write(error_line("no node accepted the images (see the lines above)"))
    await out.write_eof()
    return out


async def load(request: Any) -> Any:
    return await _fanned_in(request, "/images/load")


async def create(request: Any) -> Any:
    """`POST /images/create`: a pull (``fromImage``) or an import (``fromSrc``), on every target engine."""
    query = request.query
    if query.get("fromSrc"):
        return await _fanned_in(request, "/images/create")
    if not query.get("fromImage"):
        raise ApiError(400, "POST /images/create needs fromImage (docker pull) or fromSrc (docker import)")
    return await Pull(cluster_of(request), request).run()
