# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import pytest

from ansible_collections.dockyard.swarm.plugins.module_utils._scheduler import SchedulingError, schedule

from .helpers import container, names, node


def with_slots(slots, count):
    labels = {} if slots is None else {"containerslots": slots}
    return node("n", labels, containers=[container("c%d" % i, state="exited") for i in range(count)])


@pytest.mark.parametrize("slots, count, fits", [
    (None, 50, True),     # absent: no limit
    ("foo", 50, True),    # not an integer: no limit (classic Atoi failure)
    (" 3", 50, True),     # Atoi does not trim
    ("1.5", 50, True),
    ("3", 2, True),
    ("3", 3, False),      # every container counts, stopped ones too
    ("+3", 2, True),
    (3, 3, False),        # integer label value
    ("0", 0, False),      # 0 means never
    ("-1", 0, False),
])
def test_slots(slots, count, fits):
    nodes = [with_slots(slots, count)]
    if fits:
        assert names(nodes, schedule({}, nodes, filters=["containerslots"])) == ["n"]
    else:
        with pytest.raises(SchedulingError) as info:
            schedule({}, nodes, filters=["containerslots"])
        assert str(info.value).splitlines()[1] == "[available container slots] removed 1 of 1 node"
        assert "n (%d of %s container slots used)" % (count, int(slots)) in str(info.value)
