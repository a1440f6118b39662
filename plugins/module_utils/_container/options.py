# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' own options as plain data, and swarm_container's option table (the connection and
discovery options come from _engine/_discovery).

``TABLE`` is swarm_container's every option, once: the docker-run ones (``options_container``),
the placement expressions and the run-wide settings below. ``CONTAINER_OPTIONS`` (the argument
spec data, same format as ``_engine.CONNECTION_OPTIONS``), ``desired.build_desired``,
``desired.settings_from`` and ``compare`` are derived from it, and a unit test checks it against
the module's DOCUMENTATION. Every default lives here (the scheduler's come from ``_scheduler``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._container.option import Option
from ansible_collections.dockyard.swarm.plugins.module_utils._container.options_container import (
    CONTAINER_TABLE,
    INT,
    STR_LIST,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._container.parsing import (
    ContainerOptionError,
    parse_flag,
    parse_int,
    parse_number,
    parse_text_list,
)
from ansible_collections.dockyard.swarm.plugins.module_utils._engine.containers import PULL_POLICIES
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import DEFAULT_OVERCOMMIT, DEFAULT_STRATEGY, SchedulingError
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.registry import get_filters, get_strategy
from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler.resources import overcommit_ratio

STATES = ("started", "present", "stopped", "absent")
DEFAULT_LOCK_TIMEOUT = 120


def _choice(name: str, value: Any, choices: Tuple[str, ...]) -> str:
    if value not in choices:
        raise ContainerOptionError("%s must be one of %s, got %r" % (name, ", ".join(choices), value))
    return str(value)


def _scheduling(check: Any) -> Any:
    """A parser that lets the scheduler validate (its SchedulingError names the option)."""
    def parse(name: str, value: Any, params: Mapping[str, Any]) -> Any:
        try:
            return check(value)
        except SchedulingError as exc:
            raise ContainerOptionError(str(exc)) from None
    return parse


def _strategy(value: Any) -> str:
    get_strategy(value)
    return str(value)


def _filters(value: Any) -> List[str]:
    names = parse_text_list(value, "filters")
    get_filters(names)
    return names


def _overcommit(value: Any) -> float:
    number = parse_number(value, "overcommit", None, "a fraction such as 0.05")
    overcommit_ratio(number)
    return number


def _lock_timeout(name: str, value: Any, params: Mapping[str, Any]) -> float:
    return parse_number(value, name, 0, "a number of seconds")


def _expressions(name: str, value: Any, params: Mapping[str, Any]) -> List[str]:
    return parse_text_list(value, name)


RUN_TABLE = (
    Option("constraints", STR_LIST, _expressions, summary="scheduler request (com.docker.swarm.constraints label)"),
    Option("affinities", STR_LIST, _expressions, summary="scheduler request (com.docker.swarm.affinities label)"),
    Option("whitelists", STR_LIST, _expressions, summary="scheduler request (com.docker.swarm.whitelists label)"),
    Option("state", {"type": "str", "default": "started", "choices": list(STATES)},
           lambda name, value, params: _choice(name, value, STATES), setting=True),
    Option("recreate", {"type": "bool", "default": False}, lambda name, value, params: parse_flag(value, name), setting=True),
    Option("pull", {"type": "str", "default": "missing", "choices": list(PULL_POLICIES)},
           lambda name, value, params: _choice(name, value, PULL_POLICIES), setting=True),
    Option("strategy", {"type": "str", "default": DEFAULT_STRATEGY}, _scheduling(_strategy), setting=True),
    Option("filters", STR_LIST, _scheduling(_filters), setting=True),
    Option("overcommit", {"type": "float", "default": DEFAULT_OVERCOMMIT}, _scheduling(_overcommit), setting=True),
    Option("replicas", INT, lambda name, value, params: parse_int(value, name, 0)),
    Option("lock_timeout", {"type": "float", "default": DEFAULT_LOCK_TIMEOUT}, _lock_timeout, setting=True),
)

TABLE: Tuple[Option, ...] = CONTAINER_TABLE + RUN_TABLE
BY_NAME: Dict[str, Option] = {option.name: option for option in TABLE}
SETTINGS: Tuple[Option, ...] = tuple(option for option in TABLE if option.setting)


def option_named(name: str) -> Option:
    return BY_NAME[name]


def spec_of(*names: str) -> Dict[str, Dict[str, Any]]:
    """The argument spec data of some table entries (copies)."""
    return {name: dict(BY_NAME[name].spec) for name in names}


def default_of(name: str) -> Optional[Any]:
    return BY_NAME[name].default


CONTAINER_OPTIONS: Dict[str, Dict[str, Any]] = {option.name: dict(option.spec) for option in TABLE}

INFO_OPTIONS: Dict[str, Dict[str, Any]] = spec_of("strategy", "filters", "overcommit")

CONTAINER_INFO_OPTIONS: Dict[str, Dict[str, Any]] = {
    "name": {"type": "str"},
    "all": {"type": "bool", "default": False},
    "label": dict(STR_LIST),
    "logs": {"type": "bool", "default": False},
    "tail": {"type": "int", "default": 100},
    "timestamps": {"type": "bool", "default": False},
}

NODE_OPTIONS: Dict[str, Dict[str, Any]] = {
    "addr": {"type": "str", "required": True, "aliases": ["advertise"]},
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    "ttl": {"type": "int", "default": 0},
    "check_engine": {"type": "bool", "default": False},
}
