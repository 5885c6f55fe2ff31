"""The user cache folder and the file locks shared by xdist workers and concurrent runs."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pytest-goimage"


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by xdist workers and concurrent runs on this machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def lock_if_free(path: Path) -> Iterator[bool]:
    """file_lock without waiting, on an existing file or folder: True while this process holds
    it, False when another does (or `path` cannot be opened). Released on exit, and by the
    system when the process dies, also when it is killed."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
        else:
            yield True
    finally:
        os.close(handle)  # closing releases the lock
