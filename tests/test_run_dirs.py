"""Old runs' folders (build logs, build records) do not pile up in the temp directory."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pytest_goimage.run_dirs import OWNER_FILE, close_run_dir, prune_run_dirs


def _run_dir(base: Path, name: str, age_seconds: float) -> Path:
    folder = base / name
    folder.mkdir()
    (folder / "backend-dockerfile-fed51f.build.log").write_text("#1 [internal] load\n")
    stamp = time.time() - age_seconds
    os.utime(folder, (stamp, stamp))
    return folder


def test_old_folders_beyond_the_newest_go(tmp_path: Path) -> None:
    old = [_run_dir(tmp_path, f"old{i:02}", 3 * 86400 + i) for i in range(40)]
    young = [_run_dir(tmp_path, f"young{i}", 60) for i in range(5)]
    removed = prune_run_dirs(tmp_path, keep=30)
    # 45 folders, the newest 30 stay: the 5 young ones and the 25 least old.
    assert sorted(removed) == sorted(old[25:])
    assert all(folder.exists() for folder in young + old[:25])


def test_young_folders_stay_even_beyond_keep(tmp_path: Path) -> None:
    """A run still going (or a log being read) is never pulled away, however many runs ran."""
    folders = [_run_dir(tmp_path, f"run{i:02}", 1800 + i) for i in range(40)]
    assert prune_run_dirs(tmp_path, keep=30) == []
    assert all(folder.exists() for folder in folders)


def test_plugin_prunes_at_the_start_of_a_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = pytester.path / "tmp"
    (base / "pytest-goimage").mkdir(parents=True)
    old = [_run_dir(base / "pytest-goimage", f"old{i:02}", 7 * 86400) for i in range(35)]
    monkeypatch.setenv("TMPDIR", str(base))
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    pytester.runpytest_subprocess("--goimage", "-k", "go-version").assert_outcomes(passed=1)
    left = sorted(p.name for p in (base / "pytest-goimage").iterdir())
    assert len(left) == 31, left  # the 30 newest earlier runs, and this run's
    assert sum(1 for folder in old if folder.exists()) == 30


def test_a_run_without_goimage_makes_no_folder_and_says_how(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain `pytest` in a configured project: a pointer to --goimage, nothing in the temp dir."""
    base = pytester.path / "tmp"
    base.mkdir()
    monkeypatch.setenv("TMPDIR", str(base))
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        ["goimage: 1 image(s) configured: Dockerfile; `pytest --goimage` runs the built-in checks"]
    )
    assert list(base.iterdir()) == []


def test_a_killed_runs_folder_stays_until_its_images_are_removed(tmp_path: Path) -> None:
    """Its build records list the tags a later run must remove, so pruning waits for that."""
    killed = _run_dir(tmp_path, "killed", 7 * 86400)
    (killed / OWNER_FILE).write_text('{"io.github.pytest-goimage.pid": "1"}')
    finished = _run_dir(tmp_path, "finished", 7 * 86400)
    (finished / OWNER_FILE).write_text('{"io.github.pytest-goimage.pid": "1"}')
    close_run_dir(finished)
    os.utime(finished, (time.time() - 7 * 86400,) * 2)
    assert prune_run_dirs(tmp_path, keep=0) == [finished]
    assert killed.exists()


def test_a_runs_folder_it_cannot_use_falls_back_to_a_per_user_one(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another user's (or a stray file named) $TMPDIR/pytest-goimage never stops a run."""
    base = pytester.path / "tmp"
    base.mkdir()
    (base / "pytest-goimage").write_text("not a folder")
    monkeypatch.setenv("TMPDIR", str(base))
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "go-version")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"goimage: build logs in {base}/pytest-goimage-{os.getuid()}/*"])
