"""Each run's folder under $TMPDIR/pytest-goimage: build logs and records, who owns the run,
and what is left to clean when a run was killed before its own cleanup."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

import docker.errors

from .engine import connect, creator_gone, creator_labels
from .errors import CLEANUP_ERRORS, EngineError

OWNER_FILE = "owner.json"  # the controller process: a killed run is told by its dead pid
CLOSED_FILE = "closed"  # the run removed what it built (or the next run did it for it)


def claim_run_dir(folder: Path) -> None:
    """Record which process owns this run's folder."""
    (folder / OWNER_FILE).write_text(json.dumps(creator_labels()))


def close_run_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        (folder / CLOSED_FILE).touch()


def prune_run_dirs(base: Path, keep: int = 30, min_age: float = 3600.0) -> list[Path]:
    """Remove old runs' folders (build logs and records) from `base`.

    Failure messages point at build logs there, so the newest `keep` folders and any younger
    than `min_age` seconds (a run still going, or one whose log is being read) stay.
    """
    # Concurrent runs prune too: a folder may vanish between listing and stat.
    stamped = [(mtime, p) for p in _subfolders(base) if (mtime := _mtime(p)) is not None]
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
    tags = []
    for record in sorted(shared_dir.glob("*.build.json")):
        with contextlib.suppress(OSError, ValueError):
            outcome = json.loads(record.read_text())
            if isinstance(outcome, dict) and "tag" in outcome:
                tags.append(str(outcome["tag"]))
    return tags


def remove_images(client: Any, tags: list[str]) -> bool:
    """Untag and remove `tags` (BuildKit's cache keeps the next build fast); False when the
    engine stopped answering before all were handled."""
    for tag in tags:
        try:
            client.images.remove(tag, noprune=False)
        except docker.errors.APIError:
            continue  # already gone, or in use by another run's container
        except CLEANUP_ERRORS:
            return False  # the engine went away: the rest would fail the same way
    return True


def remove_built_images(shared_dir: Path) -> None:
    """At the end of a run: remove what it built, then mark the run closed."""
    tags = built_tags(shared_dir)
    if tags:
        try:
            client = connect()
        except EngineError:
            return  # left for the next run (see remove_abandoned_images)
        if not remove_images(client, tags):
            return
    close_run_dir(shared_dir)


def remove_abandoned_images(client: Any, base: Path, own: Path) -> list[str]:
    """Images built by earlier runs that were killed before their cleanup (their owner process
    is gone): remove them, and mark those runs closed. Never a live run's images."""
    removed: list[str] = []
    for folder in _subfolders(base):
        if folder == own or _closed_or_unowned(folder):
            continue
        try:
            owner = json.loads((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(owner, dict) or not creator_gone(owner):
            continue
        tags = built_tags(folder)
        if remove_images(client, tags):
            removed += tags
            close_run_dir(folder)
    return removed
