"""The runs folder on real folders: which old runs are pruned, and which base folder a run
trusts (no engine)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.engine.run_dirs import (
    OWNER_FILE,
    RunsBase,
    close_run_dir,
    prune_run_dirs,
    remove_if_unused,
    runs_base,
)

UID = os.getuid()
OTHER_UID = 65534  # nobody
needs_root = pytest.mark.skipif(UID != 0, reason="giving a folder to another user needs root")


def run_dir(base: Path, name: str, age_seconds: float) -> Path:
    folder = base / name
    folder.mkdir()
    (folder / "backend-dockerfile-fed51f.build.log").write_text("#1 [internal] load\n")
    stamp = time.time() - age_seconds
    os.utime(folder, (stamp, stamp))
    return folder


def test_old_folders_beyond_the_newest_go(tmp_path: Path) -> None:
    old = [run_dir(tmp_path, f"old{i:02}", 3 * 86400 + i) for i in range(40)]
    young = [run_dir(tmp_path, f"young{i}", 60) for i in range(5)]
    removed = prune_run_dirs(tmp_path, keep=30)
    # 45 folders, the newest 30 stay: the 5 young ones and the 25 least old.
    assert sorted(removed) == sorted(old[25:])
    assert all(folder.exists() for folder in young + old[:25])


def test_young_folders_stay_even_beyond_keep(tmp_path: Path) -> None:
    """A run still going (or a log being read) is never pulled away, however many runs ran."""
    folders = [run_dir(tmp_path, f"run{i:02}", 1800 + i) for i in range(40)]
    assert prune_run_dirs(tmp_path, keep=30) == []
    assert all(folder.exists() for folder in folders)


def test_a_killed_runs_folder_stays_until_its_images_are_removed(tmp_path: Path) -> None:
    """Its build records list the tags a later run must remove, so pruning waits for that."""
    killed = run_dir(tmp_path, "killed", 7 * 86400)
    (killed / OWNER_FILE).write_text('{"io.github.pytest-goimage.pid": "1"}')
    finished = run_dir(tmp_path, "finished", 7 * 86400)
    (finished / OWNER_FILE).write_text('{"io.github.pytest-goimage.pid": "1"}')
    close_run_dir(finished)
    os.utime(finished, (time.time() - 7 * 86400,) * 2)
    assert prune_run_dirs(tmp_path, keep=0) == [finished]
    assert killed.exists()


def another_users(folder: Path) -> None:
    os.chown(folder, OTHER_UID, OTHER_UID)


def world_writable(folder: Path) -> None:
    folder.chmod(0o777)


def group_writable(folder: Path) -> None:
    folder.chmod(0o775)


def a_link(folder: Path) -> None:
    target = folder.with_name("elsewhere")
    folder.rename(target)
    folder.symlink_to(target)


def a_file(folder: Path) -> None:
    folder.rmdir()
    folder.write_text("not a folder")


UNTRUSTED = [
    (another_users, f"is owned by uid {OTHER_UID}, not by this user (uid {UID})"),
    (world_writable, "is writable by other users (mode 777)"),
    (group_writable, "is writable by other users (mode 775)"),
    (a_link, "is a symbolic link"),
    (a_file, "is not a folder"),
]


@needs_root
@pytest.mark.parametrize(("spoil", "reason"), UNTRUSTED, ids=[f.__name__ for f, _ in UNTRUSTED])
def test_a_shared_folder_others_can_write_is_not_used(
    tmp_path: Path, spoil: Callable[[Path], None], reason: str
) -> None:
    """The runs folder lists images to remove: only a folder of this user's alone is trusted."""
    shared = tmp_path / "pytest-goimage"
    shared.mkdir(mode=0o755)
    spoil(shared)
    base = runs_base(tmp_path)
    assert base == RunsBase(tmp_path / f"pytest-goimage-{UID}", f"{shared} {reason}")
    info = base.path.stat()
    assert (info.st_uid, info.st_mode & 0o777) == (UID, 0o700)


def test_a_shared_folder_of_this_users_alone_is_used(tmp_path: Path) -> None:
    (tmp_path / "pytest-goimage").mkdir(mode=0o755)
    assert runs_base(tmp_path) == RunsBase(tmp_path / "pytest-goimage")


@pytest.mark.parametrize(
    ("extra", "removed"),
    [(None, True), ("build-Dockerfile.log", False), ("records", False)],
)
def test_only_a_run_folder_with_nothing_but_its_marks_is_removed(
    tmp_path: Path, extra: str | None, removed: bool
) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / OWNER_FILE).write_text("{}")
    close_run_dir(folder)
    if extra == "records":
        (folder / extra).mkdir()
    elif extra:
        (folder / extra).write_text("a build log a failure message points at\n")
    remove_if_unused(folder)
    assert folder.exists() is not removed


def test_removing_an_unused_folder_that_is_gone_already_is_no_error(tmp_path: Path) -> None:
    remove_if_unused(tmp_path / "never-made")
    assert not (tmp_path / "never-made").exists()


def test_the_defaults_keep_the_newest_30_and_an_hour(tmp_path: Path) -> None:
    """As the README says: earlier runs' folders beyond the newest 30, once an hour old."""
    newest = [run_dir(tmp_path, f"new{i:02}", 60 + i) for i in range(30)]
    within_the_hour = run_dir(tmp_path, "within", 3500)
    past_the_hour = run_dir(tmp_path, "past", 3700)
    assert prune_run_dirs(tmp_path) == [past_the_hour]
    assert within_the_hour.exists()
    assert all(folder.exists() for folder in newest)
