"""Each run's folder under $TMPDIR/pytest-goimage: build logs and records, who owns the run,
and what is left to clean when a run was killed before its own cleanup.

The folder's own handling imports no engine client: an xdist controller makes the folder for
its workers in every run of a Go project, also in a unit-test run that never builds an image.
Removing a run's images, which connects to the engine, is run_images.py's."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .labels import creator_labels

RUNS_FOLDER = "pytest-goimage"  # under $TMPDIR; shared by this user's runs
OWNER_FILE = "owner.json"  # the controller process: a killed run is told by its dead pid
CLOSED_FILE = "closed"  # the run removed what it built (or the next run did it for it)
# What a closed run's file says: its images were removed, are kept (--goimage-keep), or were
# given up on. Only a removed run's late tags are swept (an older plugin's file says nothing).
REMOVED, KEPT, GIVEN_UP = "removed", "kept", "given up"
# A process of the run reached the engine, so the run may have left containers: its end sweeps.
ENGINE_FILE = "engine"
IMAGE_REPOSITORY = "goimage/"  # every tag the plugin makes: goimage/<project>-<dockerfile>:<run>


@dataclass(frozen=True)
class RunsBase:
    """The folder that holds every run's folder, and why the shared one was not used."""

    path: Path
    fallback_reason: str = ""  # "" when `path` is $TMPDIR/pytest-goimage itself


def runs_base(tmp: Path) -> RunsBase:
    """`tmp`/pytest-goimage when this user owns it and nobody else can write to it, else a
    per-user `tmp`/pytest-goimage-<uid> beside it (made with mode 0700).

    A run removes the images that earlier runs' folders list, so a folder another user can write
    to could make it remove any image. Raises PermissionError when the per-user folder is not
    this user's alone either.
    """
    shared = tmp / RUNS_FOLDER
    with contextlib.suppress(OSError):
        shared.mkdir(mode=0o755, parents=True, exist_ok=True)
    why = untrusted_reason(shared)
    if not why:
        return RunsBase(shared)
    own = tmp / f"{RUNS_FOLDER}-{os.getuid()}"
    own.mkdir(mode=0o700, parents=True, exist_ok=True)
    why_own = untrusted_reason(own)
    if why_own:
        raise PermissionError(
            errno.EACCES,
            f"{own} {why_own}, and {shared} {why}; another user could make a run remove any "
            "image through either",
        )
    return RunsBase(own, f"{shared} {why}")


def untrusted_reason(folder: Path) -> str:
    """Why `folder` cannot be trusted with a run's records ("" when it can): it must be a real
    folder that this user owns and that neither its group nor others can write to."""
    try:
        info = os.lstat(folder)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return "is not a folder"
    if info.st_uid != os.getuid():
        return f"is owned by uid {info.st_uid}, not by this user (uid {os.getuid()})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"is writable by other users (mode {stat.S_IMODE(info.st_mode):o})"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "is not writable by this user"
    return ""


def claim_run_dir(folder: Path) -> None:
    """Record which process owns this run's folder."""
    (folder / OWNER_FILE).write_text(json.dumps(creator_labels()))


def close_run_dir(folder: Path, how: str = REMOVED) -> None:
    """Mark the run closed, saying `how` its images ended (REMOVED, KEPT, GIVEN_UP)."""
    with contextlib.suppress(OSError):
        (folder / CLOSED_FILE).write_text(how)


def engine_used(folder: Path) -> bool:
    """Whether a process of this run reached the engine (mark_engine_used)."""
    return (folder / ENGINE_FILE).exists()


def mark_engine_used(folder: Path) -> None:
    """Say that a process of this run reached the engine (before it creates anything there)."""
    with contextlib.suppress(OSError):
        (folder / ENGINE_FILE).touch()


def remove_if_unused(folder: Path) -> None:
    """Remove a run's folder that holds nothing but its owner and closed marks: a plain
    `pytest -n 2` makes one for workers that may never use a goimage fixture, and pruning
    keeps every folder younger than an hour, so a team's frequent unit-test runs piled them
    up (each run lists them all)."""
    try:
        names = {entry.name for entry in folder.iterdir()}
    except OSError:
        return
    if names <= {OWNER_FILE, CLOSED_FILE, ENGINE_FILE}:
        shutil.rmtree(folder, ignore_errors=True)


def prune_run_dirs(
    base: Path, keep: int = 30, min_age: float = 3600.0, own: Path | None = None
) -> list[Path]:
    """Remove old runs' folders (build logs and records) from `base`.

    Failure messages point at build logs there, so the newest `keep` folders besides the
    run's `own` and any younger than `min_age` seconds (a run still going, or one whose log is
    being read) stay.
    """
    # Concurrent runs prune too: a folder may vanish between listing and stat.
    stamped = [
        (mtime, p) for p in subfolders(base) if p != own and (mtime := _mtime(p)) is not None
    ]
    stamped.sort(reverse=True)
    now = time.time()
    removed = []
    for mtime, folder in stamped[keep:]:
        if now - mtime >= min_age and closed_or_unowned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def subfolders(base: Path) -> list[Path]:
    try:
        return [p for p in base.iterdir() if p.is_dir()]
    except OSError:
        return []


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def closed_or_unowned(folder: Path) -> bool:
    # A killed run's folder stays until a run has removed its images (it lists their tags).
    return (folder / CLOSED_FILE).exists() or not (folder / OWNER_FILE).exists()


def run_of(folder: Path) -> str:
    """The run id a run's folder is named after (`<run id>-<random>`)."""
    return folder.name.split("-", 1)[0]


def closed_how(folder: Path) -> str | None:
    """How a run closed (close_run_dir's `how`: "" from an older plugin), None while open."""
    try:
        return (folder / CLOSED_FILE).read_text().strip()
    except OSError:
        return None
