# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`file://` discovery: one `host:port` per line, re-read on every listing.

Like classic Swarm: `#` starts a comment (full line or inline), blank lines are skipped and a
line may hold a `[from:to]` range. A bad line is an error naming the file and line number.
A file larger than MAX_FILE_BYTES, or with more than MAX_ADDRESSES entries or addresses, is
refused before any engine is contacted (see ranges.py).
"""

from __future__ import annotations

from typing import List, Set

from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.base import Backend
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.errors import DiscoveryError
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.ranges import LIMIT_TEXT, MAX_ADDRESSES
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery.url import add_addresses

MAX_FILE_BYTES = 1024 * 1024


def parse_cluster_file(text: str, path: str = "<text>") -> List[str]:
    """Return the addresses a cluster file lists, in file order, without duplicates."""
    addresses: List[str] = []
    seen: Set[str] = set()
    entries = 0
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        entries += 1
        if entries > MAX_ADDRESSES:
            raise DiscoveryError("%s:%d: the discovery file has more than %d entries; %s."
                                 % (path, number, MAX_ADDRESSES, LIMIT_TEXT))
        try:
            add_addresses(addresses, seen, content)
        except DiscoveryError as exc:
            raise DiscoveryError("%s:%d: %s" % (path, number, exc)) from None
    return addresses


class FileBackend(Backend):
    """Reads the cluster file each time nodes are listed."""

    description = "file:// discovery"

    def __init__(self, path: str) -> None:
        self.path = path

    def list_nodes(self) -> List[str]:
        try:
            with open(self.path, encoding="utf-8") as handle:
                text = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise DiscoveryError("Cannot read the discovery file %s: %s." % (self.path, exc.strerror or exc)) from None
        if len(text) > MAX_FILE_BYTES:
            raise DiscoveryError("The discovery file %s is larger than %d KiB; a cluster file lists one host:port per "
                                 "line and %s." % (self.path, MAX_FILE_BYTES // 1024, LIMIT_TEXT))
        return parse_cluster_file(text, self.path)
