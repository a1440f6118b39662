# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP range expansion for static node lists (`10.0.0.[10:20]:2376`).

Classic Swarm expanded the first `[from:to]` of an entry with integers; a second range was
silently left as text. Here a second range is an error, so a typo never becomes a bogus host.

A static source (a node list, a `nodes://` URL, a cluster file) may stand for at most
``MAX_ADDRESSES`` engines, per range and in total: `10.0.[0:65535].1:2376` is a typo, not a
cluster, and reading 65,536 engines would take hours of timeouts.
"""

from __future__ import annotations

import re
from typing import List

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError

RANGE = re.compile(r"\[(\d+):(\d+)\]")
MAX_ADDRESSES = 4096
LIMIT_TEXT = "at most %d engine addresses are allowed per range and per discovery source" % MAX_ADDRESSES


def expand_range(entry: str) -> List[str]:
    """Return the entries an entry stands for: itself, or one per integer of its range."""
    ranges = list(RANGE.finditer(entry))
    if not ranges:
        return [entry]
    if len(ranges) > 1:
        raise DiscoveryError(
            "Discovery entry %r has %d ranges; only one `[from:to]` range per entry is supported, "
            "e.g. 10.0.0.[10:20]:2376." % (entry, len(ranges))
        )
    match = ranges[0]
    first, last = int(match.group(1)), int(match.group(2))
    if first > last:
        raise DiscoveryError(
            "Discovery entry %r has the range [%d:%d] whose start is after its end; "
            "write it as [low:high], e.g. 10.0.0.[10:20]:2376." % (entry, first, last)
        )
    if last - first + 1 > MAX_ADDRESSES:
        raise DiscoveryError("Discovery entry %r expands to %d addresses; %s." % (entry, last - first + 1, LIMIT_TEXT))
    head, tail = entry[: match.start()], entry[match.end():]
    return ["%s%d%s" % (head, number, tail) for number in range(first, last + 1)]
