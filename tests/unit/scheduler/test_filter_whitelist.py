# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import names, node

NODES = [node("n1"), node("n2"), node("n3"), node("n10")]


def place(*whitelists):
    return sorted(names(NODES, schedule({"whitelists": list(whitelists)}, NODES, filters=["whitelist"])))


@pytest.mark.parametrize("whitelists, expected", [
    (["node==n1|n2"], ["n1", "n2"]),
    (["node==n1"], ["n1"]),                 # exact equality: n10 is not n1
    (["foo==n3"], ["n3"]),                  # key is ignored (classic)
    (["node==n1|n2", "node==n2|n3"], ["n2"]),  # whitelists intersect
    (["node!=n1|n2"], ["n10", "n3"]),       # != excludes (a deliberate difference)
    (["node==n*"], None),                   # no globs: nothing is called n*
    (["node==ID-n1"], None),                # names only, not ids
])
def test_whitelists(whitelists, expected):
    if expected is None:
        with pytest.raises(SchedulingError, match="whitelist"):
            place(*whitelists)
    else:
        assert place(*whitelists) == expected


def test_soft_whitelist_is_dropped_when_it_cannot_be_met():
    assert place("node==~nothere") == ["n1", "n10", "n2", "n3"]
    assert place("node==~n2") == ["n2"]


def test_message_has_soft_flag():
    with pytest.raises(SchedulingError) as info:
        place("node==zz")
    assert "[node==zz (soft=false)] removed 4 of 4 nodes" in str(info.value)
