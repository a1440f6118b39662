# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import names, node

NODES = [
    node("node-1", {"zone": "external", "disk": "ssd", "storagedriver": "overlay2"}),
    node("node-2", {"zone": "internal", "disk": "hdd", "storagedriver": "overlay2"}),
    node("node-3", {"disk": "ssd"}),  # no zone label
    node("node-10", {"zone": "us-east", "containerslots": 3}),
]


def place(*constraints):
    return sorted(names(NODES, schedule({"constraints": list(constraints)}, NODES, filters=["constraint"])))


@pytest.mark.parametrize("constraints, expected", [
    (["zone==external"], ["node-1"]),
    (["zone!=external"], ["node-10", "node-2", "node-3"]),   # a missing label is "" and != keeps it
    (["zone==*"], ["node-1", "node-10", "node-2", "node-3"]),  # key==* matches a missing label too
    (["zone==us*"], ["node-10"]),                             # us* does not match a missing label
    (["zone==/ter/"], ["node-1", "node-2"]),                  # unanchored regex, never matches ""
    (["zone==/(?i)EXTERNAL/"], ["node-1"]),
    (["zone==ext*", "disk==ssd"], ["node-1"]),                # ANDed
    (["disk==ssd", "zone!=external"], ["node-3"]),
    (["storagedriver==overlay2"], ["node-1", "node-2"]),      # built-in labels are labels
    (["node==node-2"], ["node-2"]),                           # node by name
    (["node==ID-node-3"], ["node-3"]),                        # node by id
    (["node!=node-1"], ["node-10", "node-2", "node-3"]),
    (["node==node-1|node-3"], ["node-1", "node-10", "node-3"]),  # ^node-1|node-3$ also matches node-10 (quirk)
    (["node==/^node-(1|3)$/"], ["node-1", "node-3"]),
    (["containerslots==3"], ["node-10"]),                     # non-string label values compare as text
])
def test_constraints(constraints, expected):
    assert place(*constraints) == expected


def test_failure_names_the_constraint():
    with pytest.raises(SchedulingError) as info:
        place("zone==external", "disk==hdd")
    e = info.value
    assert e.filter == "constraint" and e.expression == "disk==hdd"
    assert str(e).splitlines() == [
        "Unable to find a node that satisfies the following conditions",
        "[zone==external disk==hdd] removed 4 of 4 nodes",
        "constraint disk==hdd removed the last 1 node: node-1 (disk=ssd)",
    ]


def test_reason_for_missing_label():
    with pytest.raises(SchedulingError, match=r"node-3 \(zone is not set\)"):
        place("zone==x*")
