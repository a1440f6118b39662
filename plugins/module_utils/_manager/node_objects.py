# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Networks and volumes of every engine, named the classic way (pure).

An object that lives on one engine (a local-scope network, a volume of the ``local`` driver) is shown
as ``<node>/<name>``: every engine has its own ``bridge``, its own ``data`` volume. A shared object
(a global or swarm-scope network, a volume of another driver) is shown once under its own name.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Dict, Iterable, List, Mapping, Set, Tuple

Found = Tuple[Any, Dict[str, Any]]  # (engine, the engine's list entry)


def shown_name(engine: Any, item: Mapping[str, Any], local: bool) -> str:
    name = str(item.get("Name") or "")
    return "%s/%s" % (engine.name, name) if local else name


def present(engine: Any, item: Mapping[str, Any], local: bool) -> Dict[str, Any]:
    """A copy of the engine's entry with the name clients see through the manager."""
    entry = copy.copy(dict(item))
    entry["Name"] = shown_name(engine, item, local)
    return entry


def gather(engines: Iterable[Any], items_of: Callable[[Any], List[Dict[str, Any]]],
           is_local: Callable[[Mapping[str, Any]], bool], key: str) -> List[Found]:
    """Every engine's objects, in the engines' order; a shared object once (by ``key``)."""
    found: List[Found] = []
    shared: Set[str] = set()
    for engine in engines:
        for item in items_of(engine):
            if not is_local(item):
                if str(item.get(key)) in shared:
                    continue
                shared.add(str(item.get(key)))
            found.append((engine, item))
    return found
