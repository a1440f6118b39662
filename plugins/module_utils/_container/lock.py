# Copyright (c) 2026 dockyard.swarm contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The placement lock: held from the snapshot until the containers are created.

With Consul discovery it is a Consul session lock under the discovery prefix
(``_discovery.ConsulLock``), so runs on different controllers (AWX execution nodes, CI
runners) exclude each other. Otherwise it is an ``fcntl`` lock on a file keyed by the set of
engines, which excludes the runs of one user on one machine (``ansible -f 20``, async loops,
parallel ``ansible`` processes); the key is the engine set, not the discovery URL, so a
``file://`` run and a ``nodes`` run over the same engines share it. Both time out with a
message that says who holds the lock, and both offer ``ensure_held()``, which raises
``LockLost`` once the lock can no longer be trusted (callers check it before each create).

The lock file is opened by root, so its directory must be one nobody else can write: a file
in a shared folder such as /tmp could be replaced by a symlink to any file, which the lock
would then overwrite. The directory is ``SWARM_LOCK_DIR``, else ``/run/dockyard-swarm`` for
root, else ``$XDG_RUNTIME_DIR/dockyard-swarm``, else ``<tmp>/dockyard-swarm-<uid>``; it is
created with mode 0700 and refused when it is a symlink, belongs to another user or can be
written by group or others. It is opened once and the file is opened relative to that handle
(``O_NOFOLLOW``, mode 0600), then checked with ``fstat``: a regular file of ours with one link.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import time
from typing import Any, Mapping, Optional

from ansible_collections.dockyard.swarm.plugins.module_utils._container.cluster import Cluster
from ansible_collections.dockyard.swarm.plugins.module_utils._discovery import ConsulLock, LockLost, resolve_store
from ansible_collections.dockyard.swarm.plugins.module_utils._engine import engine_addr

__all__ = ["FileLock", "LockError", "LockLost", "LockTimeout", "LockUnsafe", "lock_dir", "lock_path", "placement_lock"]

LOCK_NAME = "placement"
POLL = 0.05
ROOT_LOCK_DIR = "/run/dockyard-swarm"
FIX = "set SWARM_LOCK_DIR to a directory that only this user (uid %d) can write, e.g. one with mode 0700"
DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
FILE_FLAGS = (os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
              | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0))


class LockError(Exception):
    """The placement lock could not be taken; the message says why."""


class LockTimeout(LockError):
    """The placement lock was not obtained in time."""


class LockUnsafe(LockError):
    """The lock directory or file could be used to write elsewhere (symlink, other owner, shared)."""


def _refuse(what: str, path: str, reason: str) -> LockUnsafe:
    return LockUnsafe("Refusing to use the placement lock %s %s: %s. Nothing was written; %s."
                      % (what, path, reason, FIX % os.geteuid()))


def lock_dir(environ: Optional[Mapping[str, str]] = None) -> str:
    """The folder of the lock files: SWARM_LOCK_DIR, /run/dockyard-swarm (root), the user's runtime dir, a per-user one."""
    environ = os.environ if environ is None else environ
    chosen = environ.get("SWARM_LOCK_DIR")
    if chosen:
        return os.path.abspath(os.path.expanduser(chosen))
    if os.geteuid() == 0 and os.path.isdir(os.path.dirname(ROOT_LOCK_DIR)):
        return ROOT_LOCK_DIR
    runtime = environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        return os.path.join(runtime, "dockyard-swarm")
    return os.path.join(tempfile.gettempdir(), "dockyard-swarm-%d" % os.geteuid())


def open_lock_dir(path: str) -> int:
    """A descriptor of the lock folder, created (0700) if missing; LockUnsafe unless only we can write it."""
    if os.path.islink(path):
        raise _refuse("directory", path, "it is a symbolic link")
    if not os.path.lexists(path):
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise LockError("Cannot create the placement lock directory %s: %s; %s."
                            % (path, exc.strerror or exc, FIX % os.geteuid())) from None
    try:
        handle = os.open(path, DIR_FLAGS)
    except OSError as exc:  # ELOOP: swapped for a symlink since the check above; ENOTDIR: not a folder
        raise _refuse("directory", path, exc.strerror or str(exc)) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISDIR(info.st_mode):
            raise _refuse("directory", path, "it is not a directory")
        if info.st_uid != os.geteuid():
            raise _refuse("directory", path, "it belongs to uid %d, not to this user" % info.st_uid)
        if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise _refuse("directory", path, "group or others can write it (mode %04o)" % stat.S_IMODE(info.st_mode))
    except BaseException:
        os.close(handle)
        raise
    return handle


def open_lock_file(folder: int, path: str) -> int:
    """Open (or create, 0600) the lock file inside the opened folder without following links; check what it is."""
    name = os.path.basename(path)
    try:
        handle = os.open(name, FILE_FLAGS, 0o600, dir_fd=folder)
    except OSError as exc:
        try:
            is_link = stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        raise _refuse("file", path, "it is a symbolic link" if is_link else (exc.strerror or str(exc))) from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse("file", path, "it is not a regular file")
        if info.st_uid != os.geteuid():
            raise _refuse("file", path, "it belongs to uid %d, not to this user" % info.st_uid)
        if info.st_nlink != 1:
            raise _refuse("file", path, "it has %d hard links (another name points at the same file)" % info.st_nlink)
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.fchmod(handle, 0o600)
    except BaseException:
        os.close(handle)
        raise
    return handle


class FileLock:
    """An exclusive ``fcntl.flock`` on ``path``, waited for at most ``timeout`` seconds."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = float(timeout)
        self.handle: Optional[int] = None
        self.folder: Optional[int] = None
        self.acquired_at: Optional[float] = None

    def acquire(self) -> None:
        import fcntl  # POSIX only; imported here so the module still loads elsewhere

        folder = open_lock_dir(os.path.dirname(self.path) or ".")
        try:
            handle = open_lock_file(folder, self.path)
        except BaseException:
            os.close(folder)
            raise
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    holder = os.pread(handle, 200, 0).decode("utf-8", "replace").strip() or "another process"
                    os.close(handle)
                    os.close(folder)
                    raise LockTimeout("Timed out after %.0fs waiting for the placement lock %s, held by %s."
                                      % (self.timeout, self.path, holder)) from None
                time.sleep(POLL)
        # Written through the checked descriptor only, never through the path.
        os.ftruncate(handle, 0)
        os.pwrite(handle, ("pid %d" % os.getpid()).encode("ascii"), 0)
        self.handle, self.folder, self.acquired_at = handle, folder, time.time()

    def ensure_held(self) -> None:
        """Raise LockLost unless this lock is held and its file is still the one at its path.

        An flock is never taken away; but if the file was removed or replaced, another run
        would lock a new file at the same path, so the lock would no longer exclude it.
        """
        if self.handle is None or self.folder is None:
            raise LockLost(self.path, "it is not held (never acquired, or already released)")
        try:
            current = os.stat(os.path.basename(self.path), dir_fd=self.folder, follow_symlinks=False)
        except OSError:
            current = None
        mine = os.fstat(self.handle)
        if current is None or (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
            raise LockLost(self.path, "its file was removed or replaced while it was held, so another run may "
                                      "hold a new lock at the same path", confirmed_at=self.acquired_at)

    def release(self) -> None:
        handle, folder, self.handle, self.folder = self.handle, self.folder, None, None
        if handle is not None:
            import fcntl

            try:
                fcntl.flock(handle, fcntl.LOCK_UN)
            finally:
                os.close(handle)
        if folder is not None:
            os.close(folder)

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def lock_path(cluster: Cluster, environ: Optional[Mapping[str, str]] = None) -> str:
    """The lock file of an engine set: same engines, same file (in ``lock_dir``)."""
    key = "\n".join(sorted(engine_addr(target) for target in cluster.targets))
    return os.path.join(lock_dir(environ), "dockyard-swarm-%s.lock" % hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])


def placement_lock(cluster: Cluster, params: Mapping[str, Any], timeout: float,
                   environ: Optional[Mapping[str, str]] = None) -> Any:
    """The lock for placements on ``cluster`` (a context manager with ``ensure_held()``); Consul's when discovery is Consul."""
    if cluster.uses_consul and cluster.url is not None:
        return ConsulLock(resolve_store(cluster.url, params, environ), LOCK_NAME, timeout=timeout)
    return FileLock(lock_path(cluster, environ), timeout)
