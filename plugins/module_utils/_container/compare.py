# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Does an existing container match the task? The way community.docker's docker_container decides.

Every option of the table (``options.TABLE``) that the task sets is compared in its entry's mode:
``strict`` (command, entrypoint, hostname, ...), ``allow_more_present`` (env, labels, volumes, and
the other lists and dicts where the image or the engine may add entries), or by its own rule
(networks: every wanted network joined, with its aliases). An option the task does not set is not
compared. The image compares by the id the name resolves to on the container's engine, and by
name. Any difference means recreate (no in-place update).

Deliberate differences: what the scheduler reserves (CPUs, memory, published ports, links,
volumes_from, network mode) is always compared and strictly, because it is what the
container's reservation labels record and other placements count on; so are the labels this
project manages (``com.docker.swarm.*`` expressions, ``com.dockyard.swarm.*`` reservation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ansible_collections.dockyard.swarm.plugins.module_utils._container.desired import MANAGED_LABELS, Desired
from ansible_collections.dockyard.swarm.plugins.module_utils._container.option import ALLOW_MORE, Option
from ansible_collections.dockyard.swarm.plugins.module_utils._container.options import TABLE


@dataclass(frozen=True)
class Difference:
    """One option whose value on the container is not what the task wants."""

    option: str
    wanted: Any
    current: Any

    def as_dict(self) -> Dict[str, Any]:
        return {"option": self.option, "wanted": self.wanted, "current": self.current}


COMPARED = tuple(option for option in TABLE if option.read is not None)


def current_values(inspect: Mapping[str, Any]) -> Dict[str, Any]:
    """Every compared option as the container has it (same shapes as ``Desired.wanted``), plus ``image_id``."""
    values = {option.name: option.read(inspect) for option in COMPARED}  # type: ignore[misc]
    values["image_id"] = inspect.get("Image") or ""
    return values


def _shown(option: Option, wanted: Any, current: Any) -> Tuple[Any, Any]:
    """What a difference reports: for allow_more dicts only the keys that differ."""
    if option.comparison == ALLOW_MORE and option.matches is None and isinstance(wanted, Mapping):
        current = current or {}
        keys = [key for key, value in wanted.items() if current.get(key) != value]
        return {key: wanted[key] for key in keys}, {key: current.get(key) for key in keys}
    return wanted, current


def differences(desired: Desired, inspect: Mapping[str, Any], image_id: Optional[str] = None) -> List[Difference]:
    """Every option of ``desired`` the container does not match; empty when it can stay as it is.

    ``image_id`` is the id ``desired.image`` has on the container's engine (None when the engine
    does not have it: then only the name is compared, and pulling decides the rest).
    """
    found: List[Difference] = []
    for option in COMPARED:
        if option.name not in desired.wanted:
            continue
        wanted = desired.wanted[option.name]
        current = option.read(inspect)  # type: ignore[misc]
        if not option.same(wanted, current):
            found.append(Difference(option.name, *_shown(option, wanted, current)))
    current_id = inspect.get("Image") or ""
    if "image" in desired.wanted and image_id and image_id != current_id:
        found.append(Difference("image_id", image_id, current_id))
    labels = dict((inspect.get("Config") or {}).get("Labels") or {})
    managed = desired.managed_labels
    stale = {key: labels.get(key) for key in MANAGED_LABELS if labels.get(key) != managed.get(key)}
    if stale:
        found.append(Difference("managed_labels", {key: managed.get(key) for key in stale}, stale))
    return found


def _set(value: Any) -> bool:
    return value not in (None, "", [], {}, 0, False, "bridge")


def describe(desired: Optional[Desired], inspect: Optional[Mapping[str, Any]], node: Optional[str],
             state: Optional[str]) -> Dict[str, Any]:
    """One side of the diff: the compared options, plus where the container runs and its state.

    Before (from ``inspect``) shows the options the task sets, as the container has them (all that
    are set on it when there is no task, state=absent); after (from ``desired``) the task's values.
    """
    if desired is None and inspect is None:
        return {}
    if inspect is not None:
        values = current_values(inspect)
        if desired is not None:
            view = {key: values[key] for key in sorted(desired.wanted) if key in values}
            view["labels"] = {key: values["labels"].get(key) for key in desired.labels if key in values["labels"]}
        else:
            view = {key: value for key, value in sorted(values.items()) if _set(value)}
    else:
        view = {key: desired.wanted[key] for key in sorted(desired.wanted)}  # type: ignore[union-attr]
        view["labels"] = dict(desired.labels)  # type: ignore[union-attr]
    view["node"] = node
    view["state"] = state
    return view
