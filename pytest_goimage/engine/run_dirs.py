"""Each run's folder under $TMPDIR/pytest-goimage: build logs and records, who owns the run,
and what is left to clean when a run was killed before its own cleanup.

The folder's own handling imports no engine client: an xdist controller makes the folder for
its workers in every run of a Go project, also in a unit-test run that never builds an image.
Only removing built images connects to the engine."""

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
from typing import Any

from ..errors import EngineError
from .labels import LABEL_PROJECT, LABEL_RUN, creator_gone, creator_labels, run_age
from .locks import lock_if_free

RUNS_FOLDER = "pytest-goimage"  # under $TMPDIR; shared by this user's runs
OWNER_FILE = "owner.json"  # the controller process: a killed run is told by its dead pid
CLOSED_FILE = "closed"  # the run removed what it built (or the next run did it for it)
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


def close_run_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        (folder / CLOSED_FILE).touch()


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
        (mtime, p) for p in _subfolders(base) if p != own and (mtime := _mtime(p)) is not None
    ]
    stamped.sort(reverse=True)
    now = time.time()
    removed = []
    for mtime, folder in stamped[keep:]:
        if now - mtime >= min_age and _closed_or_unowned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _subfolders(base: Path) -> list[Path]:
    try:
        return [p for p in base.iterdir() if p.is_dir()]
    except OSError:
        return []


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _closed_or_unowned(folder: Path) -> bool:
    # A killed run's folder stays until a run has removed its images (it lists their tags).
    return (folder / CLOSED_FILE).exists() or not (folder / OWNER_FILE).exists()


def built_tags(shared_dir: Path) -> list[str]:
    """Tags of the images a run built (all workers), from its shared build records."""
    return [tag for tag, _, _ in _built_images(shared_dir)]


def _built_images(shared_dir: Path) -> list[tuple[str, str, str]]:
    # (tag, project, engine) per build record; a record from before images were labelled has
    # no project, one from before engines were recorded no engine.
    built = []
    for record in sorted(shared_dir.glob("*.build.json")):
        with contextlib.suppress(OSError, ValueError):
            outcome = json.loads(record.read_text())
            if isinstance(outcome, dict) and "tag" in outcome:
                tag, project = str(outcome["tag"]), str(outcome.get("project", ""))
                built.append((tag, project, str(outcome.get("engine", ""))))
    return built


@dataclass(frozen=True)
class LeftImage:
    """An image a run's removal could not take: its tag, why, and the engine that holds it."""

    tag: str
    why: str
    engine: str


@dataclass(frozen=True)
class Removal:
    """What removing a run's images did: the tags removed, and those left (in use by a
    container, or built on another engine); a folder with any left stays open for a later
    run to finish."""

    removed: list[str]
    left: list[LeftImage]

    @property
    def complete(self) -> bool:
        return not self.left


def remove_images(client: Any, shared_dir: Path) -> Removal | None:
    """Untag and remove the images the run of `shared_dir` built (BuildKit's cache keeps the next
    build fast); None when the engine stopped answering first.

    Only tags the plugin makes for that run (`goimage/…:<run id>`) on images labelled with the
    project the record names are touched, whatever else a record lists.
    """
    import docker.errors

    from .connection import engine_address
    from .outside_errors import CLEANUP_ERRORS

    run_id = shared_dir.name.split("-", 1)[0]
    removed: list[str] = []
    left: list[LeftImage] = []
    for tag, project, engine in _built_images(shared_dir):
        if not (tag.startswith(IMAGE_REPOSITORY) and tag.endswith(f":{run_id}") and project):
            continue
        try:
            labels = client.images.get(tag).labels or {}
            if labels.get(LABEL_PROJECT) != project:
                continue  # not an image this plugin built for that project
            client.images.remove(tag, noprune=False)
            removed.append(tag)
        except docker.errors.NotFound:  # any 404 (Podman says "image not known")
            if engine and engine != engine_address():  # asked only here: it reads files
                left.append(LeftImage(tag, "this run uses another engine", engine))
            # else already gone
        except docker.errors.APIError as exc:
            # In use (409): a container of that run, too young to be swept yet, still runs
            # it. Closing the folder now would leave the image for good.
            why = str(exc.explanation or exc).strip().rstrip(".")
            left.append(LeftImage(tag, f"the engine said: {why}", engine or engine_address()))
        except CLEANUP_ERRORS:
            return None  # the engine went away: the rest would fail the same way
    return Removal(removed, left)


def remove_run_resources(shared_dir: Path) -> None:
    """At the end of a run, once every process of it has ended its own cleanup: remove the
    containers, networks and volumes labelled with the run's id that are left (an xdist worker
    interrupted or killed during its cleanup leaves them), then the images the run built, then
    mark the run closed (unless an image is still in use: a later run removes it, see
    remove_abandoned_images)."""
    used = engine_used(shared_dir)
    if used or built_tags(shared_dir):
        from .connection import connect, remove_labelled
        from .outside_errors import CLEANUP_ERRORS

        try:
            client = connect()
        except EngineError:
            return  # left for the next run (see remove_abandoned_images)
        if used:
            run_id = shared_dir.name.split("-", 1)[0]
            try:
                remove_labelled(client, f"{LABEL_RUN}={run_id}")
            except CLEANUP_ERRORS:
                return  # the engine went away: the next run sweeps by label
        removal = remove_images(client, shared_dir)
        if removal is None or not removal.complete:
            return
    close_run_dir(shared_dir)


# An earlier run's image that no later run could remove for this long (a container the plugin
# did not start holds it, or its engine is never used again) is left, said once, and its
# folder closed: else every run would retry it, silently, for good.
GIVE_UP_AFTER_SECONDS = 7 * 86400


def given_up_message(left: LeftImage) -> str:
    days = GIVE_UP_AFTER_SECONDS // 86400
    return (
        f"left {left.tag} on the engine at {left.engine}: the run that built it started more "
        f"than {days} days ago and ended without removing it, and this run could not either "
        f"({left.why}). No run will try again: remove it yourself (`docker image rm "
        f"{left.tag}` there) once nothing uses it."
    )


@dataclass(frozen=True)
class Sweep:
    """Earlier runs' images: those removed, and those given up on."""

    removed: list[str]
    given_up: list[LeftImage]


def remove_abandoned_images(
    client: Any, base: Path, own: Path, give_up_after: float = GIVE_UP_AFTER_SECONDS
) -> Sweep:
    """Images built by earlier runs that ended before removing them (killed, or an image still
    in use at their end; their owner process is gone): remove them, and mark those runs
    closed. Never a live run's images. A run started more than `give_up_after` seconds ago is
    closed with what is left of it. Runs that sweep at once take turns per folder, so each
    image is removed, or given up on, by one of them."""
    removed: list[str] = []
    given_up: list[LeftImage] = []
    for folder in _subfolders(base):
        if folder == own or _closed_or_unowned(folder) or untrusted_reason(folder):
            continue
        with lock_if_free(folder) as turn:  # concurrent sweeps take turns per folder
            if not turn or _closed_or_unowned(folder):
                continue  # another run is at it, or has just closed it
            try:
                owner = json.loads((folder / OWNER_FILE).read_text())
            except (OSError, ValueError):
                continue
            if not isinstance(owner, dict) or not creator_gone(owner):
                continue
            removal = remove_images(client, folder)
            if removal is None:
                continue
            removed += removal.removed
            if removal.complete or run_age(owner) > give_up_after:
                given_up += removal.left
                close_run_dir(folder)
    return Sweep(removed, given_up)
