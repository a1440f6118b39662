# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The placement lock: held from the snapshot until the containers are created.

With Consul discovery it is a Consul session lock under the discovery prefix
(``_discovery.ConsulLock``), so runs on different controllers (AWX execution nodes, CI
runners) exclude each other. Otherwise it is an ``fcntl`` lock on a file keyed by the set of
engines, which excludes the runs of one machine (``ansible -f 20``, async loops, parallel
``ansible`` processes); the key is the engine set, not the discovery URL, so a ``file://``
run and a ``nodes`` run over the same engines share it. The file lives in ``SWARM_LOCK_DIR``
or the system temporary folder. Both time out with a message that says who holds the lock.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from typing import Any, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import engine_addr

LOCK_NAME = "placement"
POLL = 0.05


class LockTimeout(Exception):
    """The placement lock was not obtained in time."""


class FileLock:
    """An exclusive ``fcntl.flock`` on ``path``, waited for at most ``timeout`` seconds."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = float(timeout)
        self.handle: Optional[Any] = None

    def acquire(self) -> None:
        import fcntl  # POSIX only; imported here so the module still loads elsewhere

        handle = open(self.path, "a+")
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    handle.close()
                    raise LockTimeout("Timed out after %.0fs waiting for the placement lock %s, held by %s."
                                      % (self.timeout, self.path, holder)) from None
                time.sleep(POLL)
        handle.seek(0)
        handle.truncate()
        handle.write("pid %d" % os.getpid())
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        handle, self.handle = self.handle, None
        if handle is not None:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def lock_path(cluster: Cluster, environ: Optional[Mapping[str, str]] = None) -> str:
    """The lock file of an engine set: same engines, same file."""
    environ = os.environ if environ is None else environ
    folder = environ.get("SWARM_LOCK_DIR") or tempfile.gettempdir()
    key = "\n".join(sorted(engine_addr(target) for target in cluster.targets))
    return os.path.join(folder, "dockyard-swarm-%s.lock" % hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])


def placement_lock(cluster: Cluster, params: Mapping[str, Any], timeout: float,
                   environ: Optional[Mapping[str, str]] = None) -> Any:
    """The lock for placements on ``cluster`` (a context manager); Consul's when discovery is Consul."""
    if cluster.uses_consul and cluster.url is not None:
        return ConsulLock(resolve_store(cluster.url, params, environ), LOCK_NAME, timeout=timeout)
    return FileLock(lock_path(cluster, environ), timeout)
