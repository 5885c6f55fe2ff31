"""Old runs' folders (build logs, build records) do not pile up in the temp directory."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import docker.errors
import pytest

from pytest_goimage.engine.connection import LABEL_CREATED, LABEL_PID, LABEL_PROJECT, creator_labels
from pytest_goimage.engine.run_dirs import (
    OWNER_FILE,
    RunsBase,
    close_run_dir,
    prune_run_dirs,
    remove_abandoned_images,
    runs_base,
)
from tests.conftest import image_tags

UID = os.getuid()
OTHER_UID = 65534  # nobody
needs_root = pytest.mark.skipif(UID != 0, reason="giving a folder to another user needs root")


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


def _another_users(folder: Path) -> None:
    os.chown(folder, OTHER_UID, OTHER_UID)


def _world_writable(folder: Path) -> None:
    folder.chmod(0o777)


def _group_writable(folder: Path) -> None:
    folder.chmod(0o775)


def _a_link(folder: Path) -> None:
    target = folder.with_name("elsewhere")
    folder.rename(target)
    folder.symlink_to(target)


def _a_file(folder: Path) -> None:
    folder.rmdir()
    folder.write_text("not a folder")


UNTRUSTED = [
    (_another_users, f"is owned by uid {OTHER_UID}, not by this user (uid {UID})"),
    (_world_writable, "is writable by other users (mode 777)"),
    (_group_writable, "is writable by other users (mode 775)"),
    (_a_link, "is a symbolic link"),
    (_a_file, "is not a folder"),
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


def _goimage_run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    return pytester.runpytest_subprocess("--goimage", "-k", "go-version", *args)


@needs_root
@pytest.mark.parametrize(("spoil", "reason"), UNTRUSTED[:2], ids=["another_users", "world"])
def test_a_run_falls_back_from_a_shared_folder_others_can_write_and_says_why(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    spoil: Callable[[Path], None],
    reason: str,
) -> None:
    base = pytester.path / "tmp"
    (base / "pytest-goimage").mkdir(parents=True)
    spoil(base / "pytest-goimage")
    monkeypatch.setenv("TMPDIR", str(base))
    result = _goimage_run(pytester)
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            f"goimage: build logs in {base}/pytest-goimage-{UID}/* (not in the shared folder: "
            f"{base}/pytest-goimage {reason})"
        ]
    )
    assert list((base / "pytest-goimage").iterdir()) == []


@needs_root
def test_a_run_stops_when_neither_runs_folder_is_this_users_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = pytester.path / "tmp"
    for name in ("pytest-goimage", f"pytest-goimage-{UID}"):
        (base / name).mkdir(parents=True)
        _another_users(base / name)
    monkeypatch.setenv("TMPDIR", str(base))
    result = _goimage_run(pytester)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    foreign = f"is owned by uid {OTHER_UID}, not by this user (uid {UID})"
    result.stderr.fnmatch_lines(
        [
            f"ERROR: pytest-goimage cannot create its run folder (build logs) under {base}: "
            f"{base}/pytest-goimage-{UID} {foreign}, and {base}/pytest-goimage {foreign}; "
            "another user could make a run remove any image through either. "
            "Point TMPDIR at a folder this user can write."
        ]
    )
    assert "Traceback" not in result.stderr.str()


# -- what a run's cleanup removes -------------------------------------------------------------

PROJECT = "/srv/planted-project"


@pytest.fixture
def throwaway_image(docker_client: docker.DockerClient) -> Iterator[Callable[..., str]]:
    """Make one-file images under unique tags; every one is removed afterwards."""
    made: list[str] = []

    def make(repository: str, tag: str, labels: dict[str, str]) -> str:
        data = io.BytesIO()
        with tarfile.open(fileobj=data, mode="w") as tar:
            info = tarfile.TarInfo("marker")
            info.size = len(repository)
            tar.addfile(info, io.BytesIO(repository.encode()))
        changes = [f'LABEL "{key}"="{value}"' for key, value in labels.items()]
        docker_client.api.import_image_from_data(
            data.getvalue(), repository=repository, tag=tag, changes=changes or None
        )
        made.append(f"{repository}:{tag}")
        return made[-1]

    yield make
    for name in made:
        with contextlib.suppress(docker.errors.NotFound):
            docker_client.images.remove(name)


def _killed_run(base: Path, run_id: str, tags: list[str]) -> Path:
    """A run folder as a killed run leaves it: its process is gone, its records list `tags`."""
    folder = base / f"{run_id}-planted"
    folder.mkdir(mode=0o700)
    dead = subprocess.Popen(["true"])
    dead.wait()
    owner = {
        **creator_labels(),
        LABEL_PID: str(dead.pid),
        LABEL_CREATED: str(int(time.time()) - 3600),
    }
    (folder / OWNER_FILE).write_text(json.dumps(owner))
    for i, tag in enumerate(tags):
        record = {"tag": tag, "image_id": "", "project": PROJECT}
        (folder / f"image{i}.build.json").write_text(json.dumps(record))
    return folder


def test_cleanup_removes_only_images_the_plugin_built_for_the_run(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
) -> None:
    """A tag list planted in the runs folder cannot make a run remove someone else's image."""
    run_id = uuid.uuid4().hex[:12]
    victim = throwaway_image(f"victim-{run_id}/x", "1", {})
    impostor = throwaway_image(f"goimage/impostor-{run_id}", run_id, {})  # no project label
    other_run = throwaway_image(f"goimage/other-{run_id}", "0" * 12, {LABEL_PROJECT: PROJECT})
    built = throwaway_image(f"goimage/app-{run_id}", run_id, {LABEL_PROJECT: PROJECT})
    own = tmp_path / "this-run"
    own.mkdir()
    _killed_run(tmp_path, run_id, [victim, impostor, other_run, built])
    assert remove_abandoned_images(docker_client, tmp_path, own) == [built]
    left = set(image_tags(docker_client))
    assert [tag for tag in (victim, impostor, other_run, built) if tag in left] == [
        victim,
        impostor,
        other_run,
    ]


@needs_root
def test_cleanup_ignores_a_run_folder_another_user_made(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
) -> None:
    run_id = uuid.uuid4().hex[:12]
    built = throwaway_image(f"goimage/app-{run_id}", run_id, {LABEL_PROJECT: PROJECT})
    own = tmp_path / "this-run"
    own.mkdir()
    _another_users(_killed_run(tmp_path, run_id, [built]))
    assert remove_abandoned_images(docker_client, tmp_path, own) == []
    assert built in image_tags(docker_client)
