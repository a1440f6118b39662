# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One call on several engines at once, and one answer for the client from their answers.

Images, networks, volumes and prunes act on every engine that has (or should have) the object:
``on_engines`` runs the calls in parallel and keeps each engine's answer or failure;
``combined_failure`` turns the failures into the one error the client sees: the engine's own
status and words when one engine failed (or all said the same), otherwise each engine's words
prefixed by its name, and which engines did succeed (nothing is hidden, nothing is guessed).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence

from ansible_collections.dockyard.swarm.plugins.module_utils._engine.aio_client import EngineResponse, engine_message
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.errors import EngineAPIError, EngineError
from ansible_collections.dockyard.swarm.plugins.module_utils._manager import placement
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.errors import ApiError, from_engine
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.filters import filter_values
from ansible_collections.dockyard.swarm.plugins.module_utils._manager.proxy import engine_path
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, natural_key

NO_HEALTHY = "No healthy node available in the cluster"


@dataclass
class Outcome:
    """One engine's part of a fanned-out call: its answer (any status) or why it could not answer."""

    engine: Any
    answer: Optional[EngineResponse] = None
    error: Optional[EngineError] = None

    @property
    def ok(self) -> bool:
        return self.answer is not None and self.answer.status < 400

    @property
    def status(self) -> int:
        if self.answer is not None:
            return self.answer.status
        return from_engine(self.error).status if self.error is not None else 500

    @property
    def message(self) -> str:
        if self.answer is not None:
            return engine_message(self.answer.body)
        return from_engine(self.error).message if self.error is not None else "no answer"


def healthy_engines(cluster: Any) -> List[Any]:
    """Healthy engines in the natural order of their names (answers are stable from call to call)."""
    return sorted(cluster.healthy_engines(), key=lambda engine: natural_key(engine.name))


def any_engine(cluster: Any) -> Any:
    """One healthy engine, at random (classic's choice for search and login)."""
    engines = cluster.healthy_engines()
    if not engines:
        raise ApiError(500, NO_HEALTHY)
    return random.choice(engines)


async def on_engines(engines: Sequence[Any], call: Callable[[Any], Awaitable[EngineResponse]]) -> List[Outcome]:
    """``call(engine)`` on every engine in parallel (health counted); outcomes in the engines' order."""

    async def one(engine: Any) -> Outcome:
        try:
            return Outcome(engine, answer=await engine.guarded(call(engine)))
        except EngineError as exc:
            return Outcome(engine, error=exc)

    return list(await asyncio.gather(*(one(engine) for engine in engines)))


def combined_failure(failed: Sequence[Outcome], succeeded: Sequence[Outcome] = (), what: str = "") -> ApiError:
    """The client's error for failed engine calls (see the module docstring)."""
    messages = {outcome.message for outcome in failed}
    if len(messages) == 1 and not succeeded:
        return ApiError(failed[0].status, failed[0].message)
    text = "; ".join("%s: %s" % (outcome.engine.name, outcome.message) for outcome in failed)
    if succeeded:
        text += " (%s done on %s)" % (what or "it was", ", ".join(outcome.engine.name for outcome in succeeded))
    return ApiError(failed[0].status, text)


def raise_unless_all_ok(outcomes: Sequence[Outcome], what: str = "") -> None:
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        raise combined_failure(failed, [outcome for outcome in outcomes if outcome.ok], what)


def api_error(answer: EngineResponse, engine: Any) -> EngineAPIError:
    """An engine's error answer as an exception (for code paths that raise)."""
    message = engine_message(answer.body)
    return EngineAPIError("Engine %s answered %s: %s" % (engine.addr, answer.status, message), engine.addr,
                          answer.status, message)


async def create_everywhere(cluster: Any, request: Any, engines: Sequence[Any], kind: str, body: Mapping[str, Any],
                            undo_path: Callable[[Outcome], Optional[str]]) -> List[Outcome]:
    """``POST /<kind>/create`` with ``body`` on every engine; all of them or none: when one engine refuses,
    what the others made is deleted again (``undo_path(outcome)`` names it, None to keep it) and the refusal
    is raised. The engines' lists are read again either way."""
    def make(engine: Any) -> Any:
        return engine.client.request("POST", engine_path(cluster, request, engine, "/%s/create" % kind), json_body=body)

    outcomes = await on_engines(engines, make)
    failed = [outcome for outcome in outcomes if not outcome.ok]
    if failed:
        undo = {id(outcome.engine): undo_path(outcome) for outcome in outcomes if outcome.ok}
        made = [outcome.engine for outcome in outcomes if undo.get(id(outcome.engine))]
        await on_engines(made, lambda engine: engine.client.request("DELETE", engine.client.path(undo[id(engine)])))
    await reread(engines, kind)
    if failed:
        raise combined_failure(failed)
    return outcomes


async def reread(engines: Sequence[Any], kind: str) -> None:
    """Re-read ``images``, ``networks`` or ``volumes`` of engines after a change made through the manager, so
    the next list already shows it (an engine hiccup here never fails the request: events repair it)."""

    async def one(engine: Any) -> None:
        try:
            await engine.guarded(getattr(engine, "refresh_" + kind)())
        except EngineError:
            pass

    await asyncio.gather(*(one(engine) for engine in dict.fromkeys(engines)))


def node_filter(filters: Dict[str, Any]) -> List[str]:
    """The ``node`` values of Engine API filters, removed from ``filters`` (the engines do not know them)."""
    names = filter_values(filters, "node")
    filters.pop("node", None)
    return names


def on_node(cluster: Any, name: str) -> Any:
    """``(engine, bare name)`` for ``node/name`` when ``node`` is an engine's name or id (classic's way to
    create a network or volume on one node); ``(None, name)`` otherwise. 500 when that engine is not healthy."""
    node, sep, bare = name.partition("/")
    if not sep or not bare or "/" in bare:
        return None, name
    engine = cluster.picture.engine_named(node)
    if engine is None or node == engine.addr:
        return None, name
    if not engine.healthy:
        raise ApiError(500, "node %s is not healthy (%s): nothing can be created there now" % (
            engine.name, engine.health.error or engine.health.state))
    return engine, bare


def engines_for(engines: Sequence[Any], expressions: Mapping[str, Sequence[str]]) -> List[Any]:
    """The engines that pass ``{"constraints": [...], "whitelists": [...]}`` (all of them when there are none).
    A bad expression answers 400, expressions no engine passes 500 with the scheduler's explanation."""
    if not any(expressions.values()):
        return list(engines)
    try:
        wanted = placement.request_of({kind: list(values) for kind, values in expressions.items()})
    except SchedulingError as exc:
        raise ApiError(400, str(exc)) from None
    try:
        nodes = placement.matching(wanted, [engine.sched for engine in engines])
    except SchedulingError as exc:
        raise ApiError(500, str(exc)) from None
    chosen = {id(node) for node in nodes}
    return [engine for engine in engines if id(engine.sched) in chosen]


def engines_named(engines: Sequence[Any], names: Sequence[str]) -> List[Any]:
    """The engines a ``node`` filter names (engine name, id or address); all when no name is given."""
    if not names:
        return list(engines)
    wanted = set(names)
    return [engine for engine in engines if wanted & {engine.name, engine.node_id, engine.addr}]
