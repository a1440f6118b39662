# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`POST /containers/create`: the scheduling call.

Classic's "reserve under the lock, I/O outside it": under the placement lock (no awaits inside)
the name is checked cluster-wide (pending creates included), the scheduler picks a node and the
request is recorded there as a pending container; the lock is released and the slow engine calls
follow (pull when the image is missing, with the client's ``X-Registry-Auth``; create). Then the
exclusion rule shared with swarm_container: the engine's container list is read again and the
request must still fit on it without the new container; if not, the new container steps back
(removed) and the request is placed again on the refreshed picture, a bounded number of times.
The pending entry leaves the picture in the same step the real container enters it.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import engine_message, is_unreachable
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.shapes import container_dict, container_name
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.container_config import (
    BadRequest,
    CreateSpec,
    build_create,
    image_reference,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError, from_engine
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.fanout import reread
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.pulls import failure_text, open_pull, progress
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError

LOG = logging.getLogger("dockyard.swarm.manager.create")
NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
STEP_BACKS = 3
RETRY_STATUS = frozenset((500, 502, 503, 504))


def conflict(name: str, owner: str) -> ApiError:
    holder = "a container being created" if owner == "pending" else 'container "%s"' % owner
    return ApiError(409, 'Conflict. The container name "/%s" is already in use by %s. You have to remove (or rename) '
                         'that container to be able to reuse that name.' % (name.lstrip("/"), holder))


def check_name(name: str) -> None:
    if name and not NAME.match(name):
        raise ApiError(400, "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed" % name)


class Creation:
    """One create request through its attempts."""

    def __init__(self, cluster: Any, spec: CreateSpec, version: Optional[str], registry_auth: Optional[str]) -> None:
        self.cluster = cluster
        self.picture = cluster.picture
        self.spec = spec
        self.version = version
        self.registry_auth = registry_auth
        try:
            self.request = placement.request_of(spec.request)
        except SchedulingError as exc:
            raise ApiError(400, str(exc)) from None
        self.exclude: List[str] = []
        self.image_affinity_tried = False

    # --- under the lock ------------------------------------------------------------------------
    def reserve(self) -> Tuple[Any, Any]:
        """Name check, placement and the pending entry; synchronous on purpose (atomic on the loop)."""
        name = self.spec.name
        if name:
            owner = self.picture.name_owner(name)
            if owner:
                raise conflict(name, owner)
        try:
            ranked = placement.choose(self.request, self.picture.scheduler_nodes(), self.cluster.settings, self.exclude)
        except SchedulingError as exc:
            raise ApiError(500, str(exc)) from None
        engine = self.picture.engine_of(ranked[0])
        pending = placement.add_pending(engine.sched, self.request, self.spec.body["Labels"])
        engine.pending.append(pending)
        if name:
            self.picture.pending_names[name] = self.spec.swarm_id
        LOG.debug("placing %s on %s (%d candidates)", name or self.spec.image, engine.name, len(ranked))
        return engine, pending

    def release(self, engine: Any, pending: Any) -> None:
        placement.remove_pending(engine.sched, pending)
        if pending in engine.pending:
            engine.pending.remove(pending)
        if self.spec.name and self.picture.pending_names.get(self.spec.name) == self.spec.swarm_id:
            del self.picture.pending_names[self.spec.name]

    # --- outside the lock ----------------------------------------------------------------------
    async def run(self) -> Dict[str, Any]:
        retries = 0
        step_backs = 0
        while True:
            async with self.cluster.lock:
                engine, pending = self.reserve()
            try:
                answer = await self.create_on(engine)
            except EngineError as exc:
                self.release(engine, pending)
                if self._image_affinity(exc):
                    continue
                if retries < self.cluster.config.create_retry and self._retryable(exc):
                    retries += 1
                    self.exclude.append(engine.node_id)
                    LOG.warning("create on %s failed (%s), retry %d elsewhere", engine.name, exc, retries)
                    continue
                raise from_engine(exc) from None
            except BaseException:
                self.release(engine, pending)
                raise
            container_id = answer.get("Id", "")
            try:
                problem = await self.verify(engine, pending, container_id)
            except EngineError as exc:
                self.release(engine, pending)
                raise ApiError(500, "container %s was created on %s, but the placement could not be checked (%s); it "
                                    "stays there." % (container_id[:12], engine.name, exc)) from None
            except BaseException:
                self.release(engine, pending)
                raise
            if problem is None:
                return {"Id": container_id, "Warnings": answer.get("Warnings") or []}
            await self.step_back(engine, container_id, problem)
            step_backs += 1
            if step_backs > STEP_BACKS:
                raise ApiError(500, "container could not be placed: %d placements were each overtaken by another front "
                                    "end (last: %s)" % (step_backs, problem))

    def _retryable(self, exc: EngineError) -> bool:
        return is_unreachable(exc) or (isinstance(exc, EngineAPIError) and exc.status_code in RETRY_STATUS)

    def _image_affinity(self, exc: EngineError) -> bool:
        """Classic: when the image cannot be pulled where it was placed, try once where the image already is."""
        if self.image_affinity_tried or not getattr(exc, "pull_failed", False):
            return False
        if any(c.startswith("node==") and not c.startswith("node==~") for c in self.spec.request.get("constraints") or []):
            return False
        wanted = {self.spec.image, self.spec.image + ":latest"}
        if not any(wanted & set(image.get("RepoTags") or []) for engine in self.picture.validated_engines()
                   for image in engine.images):
            return False  # nowhere to go: the pull error is the answer
        self.image_affinity_tried = True
        raw = dict(self.spec.request, affinities=list(self.spec.request.get("affinities") or []) + ["image==" + self.spec.image])
        try:
            self.request = placement.request_of(raw)
        except SchedulingError:
            return False
        return True

    async def create_on(self, engine: Any) -> Dict[str, Any]:
        client = engine.client
        path = client.path("/containers/create", self.cluster.engine_version(engine, self.version))
        params = {"name": self.spec.name} if self.spec.name else None
        answer = await engine.guarded(client.request("POST", path, params=params, json_body=self.spec.body))
        if answer.status == 404 and "image" in engine_message(answer.body).lower():
            await self.pull(engine)
            answer = await engine.guarded(client.request("POST", path, params=params, json_body=self.spec.body))
        if answer.status >= 400:
            message = engine_message(answer.body)
            raise EngineAPIError("Engine %s answered %s: %s" % (engine.addr, answer.status, message), engine.addr,
                                 answer.status, message)
        return answer.json()

    async def pull(self, engine: Any) -> None:
        LOG.info("pulling %s on %s", self.spec.image, engine.name)
        response = await open_pull(engine, image_reference(self.spec.image), self.registry_auth)
        error = None
        try:
            if response.status >= 400:
                error = engine_message(await response.read())
            else:
                async for item in progress(engine, response):
                    error = failure_text(item) or error
        finally:
            response.release()
        if error:
            failure = EngineAPIError("Engine %s could not pull %s: %s" % (engine.addr, self.spec.image, error),
                                     engine.addr, 404, "pulling %s on %s failed: %s" % (self.spec.image, engine.name, error))
            failure.pull_failed = True  # type: ignore[attr-defined]
            raise failure
        await reread([engine], "images")

    async def verify(self, engine: Any, pending: Any, container_id: str) -> Optional[str]:
        """The exclusion rule; also brings the engine's containers into the picture (the new one included)."""
        read_at, entries = await engine.guarded(engine.list_now())
        listed = {container_name(summary.get("Names")) for summary, unused in entries}
        others = [p for p in engine.pending if p is not pending and p.name not in listed]
        # everything but the new container, typed once: what the picture holds unchanged is not typed again
        containers: List[Any] = []
        for summary, reservation in entries:
            if summary.get("Id") == container_id:
                continue
            known = self.picture.unchanged(engine, summary, reservation)
            containers.append(known.typed if known is not None and known.typed is not None
                              else container_dict(summary, reservation))
        if len(containers) == len(entries):
            problem: Optional[str] = "the engine does not list the new container"
        else:
            fresh = placement.fresh_node(engine.sched, containers, others)
            problem = placement.misfit(self.request, fresh, None, self.cluster.settings)
        self.picture.replace_containers(engine, entries, read_at)
        self.picture.mark(container_id)  # older reads still in flight must not drop it again
        self.release(engine, pending)  # same step as the container entering the picture: no gap, no double count
        return problem

    async def step_back(self, engine: Any, container_id: str, problem: str) -> None:
        LOG.warning("container %s on %s steps back: it no longer fits beside what the engine holds now (%s)",
                    container_id[:12], engine.name, problem)
        client = engine.client
        try:
            await engine.guarded(client.call("DELETE", "/containers/%s" % container_id, params={"force": "1", "v": "1"}))
        except EngineError as exc:
            raise ApiError(500, "container %s on %s does not fit beside what the engine now holds (%s) and could not be "
                                "removed: %s" % (container_id[:12], engine.name, problem, exc)) from None
        self.picture.drop_container(container_id)
        self.picture.mark(container_id)


async def create_container(cluster: Any, body: Any, name: Optional[str], version: Optional[str],
                           registry_auth: Optional[str]) -> Dict[str, Any]:
    """Validate, place and create; returns the engine's answer ``{"Id", "Warnings"}``. Raises ApiError."""
    name = (name or "").lstrip("/") or None
    if name:
        check_name(name)
    try:
        spec = build_create(body, name, cluster.engine_names)
    except BadRequest as exc:
        raise ApiError(400, str(exc)) from None
    return await Creation(cluster, spec, version, registry_auth).run()
