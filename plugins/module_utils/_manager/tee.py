# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request body sent to several engines at once (`docker load`, `docker import -`), never held whole.

``Tee`` reads the client's body once and hands every chunk to one bounded queue per engine; each
engine request reads its own queue. The slowest engine sets the pace (at most ``DEPTH`` chunks wait
per engine). An engine whose request ends early (it failed) is ``dropped``: the reader skips it, so it
never blocks the others.
"""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, List, Optional

DEPTH = 8


class Tee:
    """Copies of an async byte stream for ``count`` readers."""

    def __init__(self, source: AsyncIterator[bytes], count: int) -> None:
        self.source = source
        self.queues: List["asyncio.Queue[Optional[bytes]]"] = [asyncio.Queue(DEPTH) for _index in range(count)]
        self.dropped = [False] * count
        self.error: Optional[BaseException] = None

    async def pump(self) -> None:
        """Read the source to its end and feed every reader still there; each reader then gets the end mark."""
        try:
            async for chunk in self.source:
                for index, queue in enumerate(self.queues):
                    if not self.dropped[index]:
                        await queue.put(chunk)
        except Exception as exc:  # the client went away: the readers end, their engines see a short body
            self.error = exc
        finally:
            for index, queue in enumerate(self.queues):
                if not self.dropped[index]:
                    await queue.put(None)

    async def reader(self, index: int) -> AsyncIterator[bytes]:
        queue = self.queues[index]
        while True:
            chunk = await queue.get()
            if chunk is None:
                return
            yield chunk

    def drop(self, index: int) -> None:
        """Reader ``index`` is gone: stop feeding it and free a pump waiting on its full queue."""
        self.dropped[index] = True
        queue = self.queues[index]
        while not queue.empty():
            queue.get_nowait()
