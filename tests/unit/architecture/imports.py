# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which package of the collection imports which: measured from the source, for the layer tests and docs."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Set

REPO = Path(__file__).resolve().parents[3]
PLUGINS = REPO / "plugins"
PREFIX = "ansible_collections.dockyard.swarm.plugins."


def unit_of(path: Path) -> str:
    """``_scheduler`` for plugins/module_utils/_scheduler/x.py, ``_argspec`` for a single-file util,
    ``modules``/``inventory``/``filter``/``plugin_utils``/``doc_fragments`` for the front ends."""
    parts = path.relative_to(PLUGINS).parts
    if parts[0] == "module_utils":
        return parts[1][:-3] if parts[1].endswith(".py") else parts[1]
    return parts[0]


def _targets(tree: ast.AST) -> Set[str]:
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        for name in names:
            if name.startswith(PREFIX):
                rest = name[len(PREFIX):].split(".")
                found.add(rest[1] if rest[0] == "module_utils" and len(rest) > 1 else rest[0])
            elif name == "ansible" or name.startswith("ansible."):
                found.add("ansible")
    return found


def import_graph() -> Dict[str, Set[str]]:
    """unit -> the other units (and ``ansible``) it imports anywhere in its files."""
    graph: Dict[str, Set[str]] = {}
    for path in sorted(PLUGINS.rglob("*.py")):
        unit = unit_of(path)
        targets = _targets(ast.parse(path.read_text(encoding="utf-8")))
        graph.setdefault(unit, set()).update(t for t in targets if t != unit)
    return graph
