# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of docs/architecture.md hold in the source: the documented map is the measured one, every
edge is allowed, and pure packages never import ansible or the front ends."""
from __future__ import annotations

import re
import subprocess

from tests.unit.architecture.imports import PLUGINS, REPO, import_graph

# What each unit may import (docs/architecture.md, "Layers").
ALLOWED = {
    "_scheduler": set(),
    "_discovery": set(),
    "_engine": set(),
    "_container": {"_scheduler", "_discovery", "_engine", "_argspec"},
    "_registrator": {"_discovery", "_engine"},
    "_routing": {"_discovery", "_registrator"},
    "_manager": {"_scheduler", "_discovery", "_engine"},
    "_argspec": {"ansible", "_discovery", "_engine"},
}
FRONT_ENDS = {"modules", "inventory", "filter", "plugin_utils", "doc_fragments"}


def _documented():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("<!-- layer-map:start -->", 1)[1].split("<!-- layer-map:end -->", 1)[0]
    documented = {}
    for line in block.strip().strip("`").strip().splitlines():
        unit, unused_arrow, targets = line.partition(" -> ")
        documented[unit.strip()] = set() if targets.strip() == "(nothing)" else {t.strip() for t in targets.split(",")}
    return documented


def test_the_documented_map_is_the_measured_one():
    assert _documented() == import_graph()


def test_every_import_is_allowed():
    for unit, targets in import_graph().items():
        if unit in FRONT_ENDS:
            assert not targets & FRONT_ENDS - {"plugin_utils"}, (unit, targets)
            continue
        assert unit in ALLOWED, "a new package %s: add it to docs/architecture.md and ALLOWED" % unit
        assert targets <= ALLOWED[unit], "%s imports %s" % (unit, sorted(targets - ALLOWED[unit]))


def test_module_utils_never_import_the_front_ends():
    for path in (PLUGINS / "module_utils").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"plugins\.(modules|inventory|filter)\b", text), path


def test_no_citation_of_documents_outside_the_repository():
    """Specs and test-bed notes the project was designed from are not shipped; contracts live in docs/."""
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    pattern = re.compile(r"SPEC(\.md| section)|TEST" + "BED")  # split: this line must not match itself
    offenders = []
    for name in files:
        if not (REPO / name).is_file():
            continue
        try:
            text = (REPO / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        offenders += ["%s:%d" % (name, number) for number, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert not offenders, offenders
