"""Private files: atomic 0600 writes and an inter-process lock (fcntl) beside a file.

A token file is replaced in one ``os.replace`` of a fully written, fsynced temporary file
in the same folder, so a reader sees the old file or the new one, never half of one, and a
failure before the replace leaves the old file untouched.

A writer killed before the replace (SIGKILL, power loss) leaves its temporary behind, and
it holds token material. Each writer holds an ``flock`` on its temporary while it exists;
the kernel drops the lock when the writer dies, so the next write (and logout) removes
every temporary of that file whose lock can be taken: an abandoned one, never a live
writer's. A live writer whose temporary was removed between its creation and its lock
(a window of two system calls) writes again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["file_lock", "remove_abandoned_temporaries", "write_private_json"]

# A live writer loses its temporary only in the instant between creating and locking it;
# writing again is then enough, but never forever.
_WRITE_ATTEMPTS = 3


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


def write_private_json(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` atomically, readable by the owner only (0600).

    Temporaries abandoned by killed writers of the same file are removed first.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_abandoned_temporaries(path)
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            _write_once(path, data)
            return
        except FileNotFoundError:
            if attempt + 1 == _WRITE_ATTEMPTS:
                raise


def _write_once(path: Path, data: Any) -> None:
    # tempfile (with shutil, random and the compression modules) loads with the first
    # write: a client reading tokens from these files never needs it.
    import tempfile

    descriptor, temporary = tempfile.mkstemp(prefix=_temporary_prefix(path), dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # "alive": see the module docstring
            os.fchmod(handle.fileno(), 0o600)
            json.dump(data, handle, indent=2)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(temporary, path)  # under the lock: a cleaner never takes it from us
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def remove_abandoned_temporaries(path: Path) -> int:
    """Remove the temporaries of ``path`` that no live writer holds; returns how many."""
    prefix = _temporary_prefix(path)
    try:
        names = [name for name in os.listdir(path.parent) if name.startswith(prefix)]
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        candidate = path.parent / name
        try:
            descriptor = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:  # gone already, or a symlink planted there: not ours to follow
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # a live writer holds it
            os.close(descriptor)
            continue
        try:
            os.unlink(candidate)
            removed += 1
        except FileNotFoundError:
            pass
        finally:
            os.close(descriptor)
    return removed


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` (blocking) for the ``with`` block.

    The lock file is separate from the data file because the data file is replaced,
    and a lock on a replaced inode would not exclude the next process.
    """
    lock_path = path.with_name(path.name + ".lock")
    lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
