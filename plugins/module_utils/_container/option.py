# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One swarm_container option, declared once: its argument spec, parser, Engine API field and comparison.

Everything the module does with an option is derived from its ``Option`` entry (see
``options.py`` for the table): the AnsibleModule argument spec, the validation in
``build_desired``, the ``POST /containers/create`` body, the value read back from
``docker inspect``, whether and how a difference means recreate, and the diff view. Adding a
``docker run`` option is one entry; forgetting its comparison is no longer possible.

Comparison modes, as community.docker's docker_container names them: ``strict`` (equal),
``allow_more_present`` (every wanted list entry or dict key is on the container, which may have
more, e.g. from the image), ``ignore``. ``reserved`` is strict and always compared, given or
not: what the scheduler accounts for and the reservation labels record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple

STRICT = "strict"
ALLOW_MORE = "allow_more_present"
IGNORE = "ignore"
RESERVED = "reserved"
COMPARISONS = (STRICT, ALLOW_MORE, IGNORE, RESERVED)

# (option name, value, all module params) -> normalised value; raises ContainerOptionError naming the option.
Parser = Callable[[str, Any, Mapping[str, Any]], Any]
# (create body, normalised value) -> None: writes the value where the Engine API wants it.
Writer = Callable[[Dict[str, Any], Any], None]
# (inspect data) -> the value the container has, in the shape ``Option.view`` gives the wanted one.
Reader = Callable[[Mapping[str, Any]], Any]


def as_is(name: str, value: Any, params: Mapping[str, Any]) -> Any:
    """The parser of options Ansible's argument spec already checks fully."""
    return value


def identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Option:
    """A module option: how it is declared, validated, sent to the engine, read back and compared."""

    name: str
    spec: Mapping[str, Any]
    parse: Parser = as_is
    write: Optional[Writer] = None
    read: Optional[Reader] = None
    comparison: str = IGNORE
    view: Callable[[Any], Any] = identity   # normalised value -> the compared/diff form
    matches: Optional[Callable[[Any, Any], bool]] = None   # (wanted, current) when no mode fits
    given_with: Tuple[str, ...] = ()   # other params that make this option count as given (env <- env_file)
    setting: bool = False   # a run-wide setting: a field of desired.Settings
    summary: str = ""   # where the value goes in the Engine API (for the docs and the tests)

    def __post_init__(self) -> None:
        if self.comparison not in COMPARISONS:
            raise ValueError("option %s: unknown comparison %r" % (self.name, self.comparison))
        if self.comparison != IGNORE and self.read is None:
            raise ValueError("option %s is compared but has no reader" % self.name)

    @property
    def default(self) -> Any:
        return self.spec.get("default")

    def given(self, params: Mapping[str, Any]) -> bool:
        """Whether the task sets this option (or, for a reserved one, whether it must be parsed anyway)."""
        if self.comparison == RESERVED:
            return True
        return any(params.get(name) is not None for name in (self.name,) + self.given_with)

    def value(self, params: Mapping[str, Any]) -> Any:
        """The normalised value from the params, the default when unset; None when neither (and not reserved)."""
        raw = params.get(self.name)
        if raw is None:
            raw = self.default
        if raw is None and not self.given(params):
            return None
        return self.parse(self.name, raw, params)

    def same(self, wanted: Any, current: Any) -> bool:
        """Whether the container's value satisfies the wanted one."""
        if self.matches is not None:
            return self.matches(wanted, current)
        return compare_values(self.comparison, wanted, current)


def compare_values(mode: str, wanted: Any, current: Any) -> bool:
    """docker_container's rules: strict equality, or every wanted entry present (lists as sets, dicts by key)."""
    if mode == IGNORE:
        return True
    if mode != ALLOW_MORE:
        return wanted == current
    if isinstance(wanted, Mapping):
        current = current or {}
        return all(key in current and current[key] == value for key, value in wanted.items())
    if isinstance(wanted, (list, tuple)):
        have = list(current or [])
        return all(item in have for item in wanted)
    return wanted == current


def dig(data: Mapping[str, Any], path: Sequence[str]) -> Any:
    """``data[a][b]...`` with None for anything missing."""
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def put(body: Dict[str, Any], path: Sequence[str], value: Any) -> None:
    """Set ``body[a][b]... = value``, creating the dicts on the way."""
    target = body
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def engine_field(*path: str, to_api: Callable[[Any], Any] = identity,
                 from_api: Callable[[Any], Any] = identity) -> Dict[str, Any]:
    """``write``/``read``/``summary`` for an option stored in one Engine API field.

    ``path`` is the create body's path (``("Hostname",)`` for a Config field, ``("HostConfig",
    "ShmSize")``); inspect shows Config fields under ``Config``, the rest at the same path.
    """
    inspect_path = path if path[0] in ("HostConfig", "NetworkingConfig") else ("Config",) + path

    def write(body: Dict[str, Any], value: Any) -> None:
        put(body, path, to_api(value))

    def read(inspect: Mapping[str, Any]) -> Any:
        return from_api(dig(inspect, inspect_path))

    return {"write": write, "read": read, "summary": ".".join(inspect_path)}
