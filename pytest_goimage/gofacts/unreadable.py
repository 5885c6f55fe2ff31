"""What is at a path the go command reads as a file (go.mod, go.work) when it is not a file
this run can read: a symbolic link to nothing or in a loop, a directory, a file of another
kind, or one this user may not read. `is_file()` says False (or raises) for each alike, and a
message that goes on with "no go.mod" contradicts what the user sees in `ls` (trial 32)."""

from __future__ import annotations

import errno
import os
import pwd
import stat
from pathlib import Path


def file_problem(path: Path, name: str) -> str | None:
    """`name is a symbolic link to ..., which does not exist: ...`: what `path` is instead of
    a readable file and what to do, as a sentence without its final period; None where it
    is one, or where nothing (not even a link) is there."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return _dangling(path, name) if path.is_symlink() else None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return (
                f"{name} is a symbolic link to {os.readlink(path)} that leads round in a loop "
                f"of links to no file: point it at the real {path.name}, or replace it with the file"
            )
        return _refused(path, name, error)
    if stat.S_ISDIR(info.st_mode) and path.is_symlink():
        return (
            f"{name} is a symbolic link to a directory ({_target(path)}), and the go command "
            f"reads it as a file: point the link at the real {path.name}, or replace it with the file"
        )
    if stat.S_ISDIR(info.st_mode):
        return (
            f"{name} is a directory, and the go command reads it as a file: move what the "
            f"directory holds elsewhere and restore the file (`git checkout -- {path.name}`)"
            + (", or create it (`go mod init <module path>`)" if path.name == "go.mod" else "")
        )
    if not stat.S_ISREG(info.st_mode):
        return f"{name} is not a regular file (a FIFO, socket or device): replace it with the file"
    try:
        path.open("rb").close()
    except OSError as error:
        return _refused(path, name, error)
    return None


def _target(path: Path) -> str:
    """The link's target as written, and where it leads when that differs."""
    written = os.readlink(path)
    leads = os.path.normpath(os.path.join(path.parent, written))
    return written if leads == written else f"{written}, that is {leads}"


def _dangling(path: Path, name: str) -> str:
    return (
        f"{name} is a symbolic link to {_target(path)}, which does not exist: restore the "
        f"target, point the link at the real {path.name}, or replace the link with the file"
    )


def _refused(path: Path, name: str, error: OSError) -> str:
    """The sentence for a path this user may not read (or look up): its mode and owner, and
    who the run is."""
    if error.errno not in (errno.EACCES, errno.EPERM):
        return f"{name} cannot be read ({error.strerror or error})"
    try:
        info = path.stat()
    except OSError:
        return (
            f"{name} cannot be read: permission denied on a folder above it; let user "
            f"{_user(os.geteuid())} into that folder (`chmod a+x`), or run pytest as its owner"
        )
    return (
        f"{name} cannot be read: permission denied (mode {stat.S_IMODE(info.st_mode):04o}, owned "
        f"by {_user(info.st_uid)}, and pytest runs as {_user(os.geteuid())}): make it readable "
        f"(`chmod a+r {name}`), or run pytest as its owner"
    )


def _user(uid: int) -> str:
    try:
        return f"{uid} ({pwd.getpwuid(uid).pw_name})"
    except KeyError:
        return str(uid)
