"""Old runs' folders (build logs, build records) do not pile up in the temp directory."""

from __future__ import annotations

import contextlib
import fcntl
import io
import json
import os
import subprocess
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docker
import docker.errors
import pytest

from pytest_goimage.engine.connection import engine_address
from pytest_goimage.engine.labels import LABEL_CREATED, LABEL_PID, LABEL_PROJECT, creator_labels
from pytest_goimage.engine.run_dirs import CLOSED_FILE, GIVEN_UP, KEPT, OWNER_FILE, REMOVED
from pytest_goimage.engine.run_images import (
    LeftImage,
    Sweep,
    given_up_message,
    remove_abandoned_images,
)
from tests.conftest import image_tags
from tests.unit.test_run_dirs import OTHER_UID, UID, UNTRUSTED, another_users, needs_root, run_dir


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["serial", "xdist"])
def test_plugin_prunes_at_the_start_of_a_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: list[str]
) -> None:
    base = pytester.path / "tmp"
    (base / "pytest-goimage").mkdir(parents=True)
    old = [run_dir(base / "pytest-goimage", f"old{i:02}", 7 * 86400) for i in range(35)]
    monkeypatch.setenv("TMPDIR", str(base))
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    pytester.runpytest_subprocess("--goimage", "-k", "go-version", *workers).assert_outcomes(
        passed=1
    )
    left = sorted(p.name for p in (base / "pytest-goimage").iterdir())
    assert len(left) == 31, left  # the 30 newest earlier runs, and this run's
    assert sum(1 for folder in old if folder.exists()) == 30


def configured_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Go project with one Dockerfile and an empty [tool.goimage]; returns the empty folder
    that is TMPDIR for the runs."""
    base = pytester.path / "tmp"
    base.mkdir()
    monkeypatch.setenv("TMPDIR", str(base))
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "Dockerfile").write_text("FROM alpine:3.22\n")
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    return base


def test_a_run_without_goimage_makes_no_folder_and_says_how(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain `pytest` in a configured project: a pointer to --goimage, nothing in the temp dir."""
    base = configured_project(pytester, monkeypatch)
    result = pytester.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.stdout.fnmatch_lines(
        ["goimage: `pytest --goimage` checks this Go project's container images"]
    )
    assert list(base.iterdir()) == []


def test_a_plain_xdist_run_leaves_no_folder_behind(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`pytest -n 2` in a configured project: the controller makes a run folder for its
    workers, and removes it at the end when no test used it (they piled up for an hour)."""
    base = configured_project(pytester, monkeypatch)
    pytester.makepyfile(test_unit="def test_one():\n    assert 1 + 2 == 3\n")
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    runs = base / "pytest-goimage"
    assert runs.is_dir()  # the folder was made, for the workers
    assert list(runs.iterdir()) == []


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
        another_users(base / name)
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


def _killed_run(base: Path, run_id: str, tags: list[str], engine: str = "") -> Path:
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
        record = {"tag": tag, "image_id": "", "project": PROJECT, "engine": engine}
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
    assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([built], [])
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
    another_users(_killed_run(tmp_path, run_id, [built]))
    assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([], [])
    assert built in image_tags(docker_client)


@contextlib.contextmanager
def _killed_run_holding(
    base: Path, docker_client: docker.DockerClient, throwaway_image: Callable[..., str]
) -> Iterator[tuple[str, Path, Any]]:
    """A killed run's folder in `base` (beside `base`/this-run) whose image a created container
    holds: (its tag, the folder, the container, removed at the end)."""
    (base / "this-run").mkdir()
    run_id = uuid.uuid4().hex[:12]
    built = throwaway_image(f"goimage/app-{run_id}", run_id, {LABEL_PROJECT: PROJECT})
    folder = _killed_run(base, run_id, [built])
    holder = docker_client.containers.create(built, command="/marker")
    try:
        yield built, folder, holder
    finally:
        holder.remove(force=True)


def test_a_killed_runs_image_still_in_use_is_removed_by_a_later_run(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
) -> None:
    """The killed run's service still holds its image (the container is too young to sweep):
    the folder stays open, so the run after the container's removal takes the image."""
    own = tmp_path / "this-run"
    with _killed_run_holding(tmp_path, docker_client, throwaway_image) as (built, folder, _):
        assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([], [])
        assert built in image_tags(docker_client)
        assert not (folder / CLOSED_FILE).exists()
    assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([built], [])
    assert built not in image_tags(docker_client)
    assert (folder / CLOSED_FILE).exists()


def test_a_killed_run_on_another_engine_is_left_open_for_a_run_there(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    """All engines' runs share the runs folder: "no such image" here says nothing about an
    image built on another engine, so its folder stays open; on the same engine it is gone."""
    own = tmp_path / "this-run"
    own.mkdir()
    elsewhere_id, here_id = uuid.uuid4().hex[:12], uuid.uuid4().hex[:12]
    elsewhere = _killed_run(
        tmp_path,
        elsewhere_id,
        [f"goimage/app-{elsewhere_id}:{elsewhere_id}"],
        "tcp://10.9.8.7:2375",
    )
    here = _killed_run(tmp_path, here_id, [f"goimage/app-{here_id}:{here_id}"], engine_address())
    assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([], [])
    assert not (elsewhere / CLOSED_FILE).exists()
    assert (here / CLOSED_FILE).exists()


def test_an_image_held_for_days_by_a_container_the_plugin_did_not_start_is_given_up_on(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
) -> None:
    """Some container of the user's holds a killed run's image: retried by every run until
    the run is older than the limit (here 30 minutes; the run started an hour ago), then left
    where it is, its folder closed, and said once, with the engine's reason."""
    own = tmp_path / "this-run"
    with _killed_run_holding(tmp_path, docker_client, throwaway_image) as (built, folder, holder):
        assert remove_abandoned_images(docker_client, tmp_path, own, give_up_after=7200) == Sweep(
            [], []
        )
        assert not (folder / CLOSED_FILE).exists()
        sweep = remove_abandoned_images(docker_client, tmp_path, own, give_up_after=1800)
        assert sweep.removed == []
        assert [left.tag for left in sweep.given_up] == [built]
        left = sweep.given_up[0]
        assert left.engine == engine_address()
        assert left.why.startswith("the engine said: conflict: unable to remove"), left.why
        assert holder.id[:12] in left.why, left.why  # the engine names the container
        assert (folder / CLOSED_FILE).exists()
        assert built in image_tags(docker_client)  # never forced away from its container
        assert remove_abandoned_images(docker_client, tmp_path, own, give_up_after=1800) == Sweep(
            [], []
        )  # said once: the folder is closed


def test_an_image_on_an_engine_no_run_uses_again_is_given_up_on_with_its_address(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    own = tmp_path / "this-run"
    own.mkdir()
    run_id = uuid.uuid4().hex[:12]
    tag = f"goimage/app-{run_id}:{run_id}"
    folder = _killed_run(tmp_path, run_id, [tag], "tcp://10.9.8.7:2375")
    sweep = remove_abandoned_images(docker_client, tmp_path, own, give_up_after=1800)
    left = LeftImage(tag, "this run uses another engine", "tcp://10.9.8.7:2375")
    assert sweep == Sweep([], [left])
    assert (folder / CLOSED_FILE).exists()
    assert given_up_message(left) == (
        f"left {tag} on the engine at tcp://10.9.8.7:2375: the run that built it started more "
        "than 7 days ago and ended without removing it, and this run could not either (this "
        "run uses another engine). No run will try again: remove it yourself (`docker image "
        f"rm {tag}` there) once nothing uses it."
    )


def test_runs_that_sweep_at_once_take_turns_per_folder(
    tmp_path: Path, docker_client: docker.DockerClient
) -> None:
    """Another run holds the folder's lock: this one leaves it alone (it would report its
    images too), and takes it once the lock is free."""
    own = tmp_path / "this-run"
    own.mkdir()
    run_id = uuid.uuid4().hex[:12]
    tag = f"goimage/app-{run_id}:{run_id}"
    folder = _killed_run(tmp_path, run_id, [tag], "tcp://10.9.8.7:2375")
    other_run = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(other_run, fcntl.LOCK_EX)
        assert remove_abandoned_images(docker_client, tmp_path, own, give_up_after=1800) == Sweep(
            [], []
        )
        assert not (folder / CLOSED_FILE).exists()
    finally:
        os.close(other_run)
    sweep = remove_abandoned_images(docker_client, tmp_path, own, give_up_after=1800)
    assert [left.tag for left in sweep.given_up] == [tag]


def test_a_killed_runs_tag_that_no_record_lists_is_removed(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
) -> None:
    """Trial 16: a run stopped during its builds left tags no build record listed (the build
    ended after the run's records were read). Its own tags on a plugin-labelled image go; an
    unlabelled one with the same run id stays."""
    run_id = uuid.uuid4().hex[:12]
    built = throwaway_image(f"goimage/app-{run_id}", run_id, {LABEL_PROJECT: PROJECT})
    impostor = throwaway_image(f"goimage/impostor-{run_id}", run_id, {})
    own = tmp_path / "this-run"
    own.mkdir()
    folder = _killed_run(tmp_path, run_id, [])
    assert remove_abandoned_images(docker_client, tmp_path, own) == Sweep([built], [])
    assert (folder / CLOSED_FILE).read_text() == REMOVED
    left = set(image_tags(docker_client))
    assert built not in left and impostor in left


@pytest.mark.parametrize(
    ("closed", "removed"),
    [(REMOVED, True), (KEPT, False), (GIVEN_UP, False), ("", False)],
    ids=["removed", "kept", "given-up", "older-plugin"],
)
def test_a_tag_made_after_its_run_closed_is_removed_by_a_later_run(
    tmp_path: Path,
    docker_client: docker.DockerClient,
    throwaway_image: Callable[..., str],
    closed: str,
    removed: bool,
) -> None:
    """Trial 16: a build that a second Ctrl-C cut short tagged its image after the run's end
    had removed the others and closed the folder. A later run removes such a tag where the
    run closed having removed its images; not where it kept them (--goimage-keep), gave up
    on them, or an older plugin closed it without saying which."""
    run_id = uuid.uuid4().hex[:12]
    own = tmp_path / "this-run"
    own.mkdir()
    folder = _killed_run(tmp_path, run_id, [])
    (folder / CLOSED_FILE).write_text(closed)
    late = throwaway_image(f"goimage/app-{run_id}", run_id, {LABEL_PROJECT: PROJECT})
    sweep = remove_abandoned_images(docker_client, tmp_path, own)
    assert sweep == Sweep([late] if removed else [], [])
    assert (late in image_tags(docker_client)) is not removed


@pytest.mark.parametrize("quiet", [[], ["-q"], ["-qq"]], ids=["default", "-q", "-qq"])
def test_a_run_says_once_which_killed_runs_image_it_gave_up_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, quiet: list[str]
) -> None:
    """Said whatever the verbosity: the folder is closed, so no later run says it again."""
    base = configured_project(pytester, monkeypatch)
    runs = base / "pytest-goimage"
    runs.mkdir()
    run_id = uuid.uuid4().hex[:12]
    tag = f"goimage/app-{run_id}:{run_id}"
    folder = _killed_run(runs, run_id, [tag], "tcp://10.9.8.7:2375")
    owner = json.loads((folder / OWNER_FILE).read_text())
    owner[LABEL_CREATED] = str(int(time.time()) - 8 * 86400)
    (folder / OWNER_FILE).write_text(json.dumps(owner))
    # The build check connects to the engine, and the connection sweeps.
    first = pytester.runpytest_subprocess("--goimage", "-k", "build", *quiet)
    assert first.ret == pytest.ExitCode.OK  # -qq prints no outcome line to parse
    first.stdout.fnmatch_lines([f"goimage notice: left {tag} on the engine at tcp://*"])
    second = pytester.runpytest_subprocess("--goimage", "-k", "build", *quiet)
    assert second.ret == pytest.ExitCode.OK
    assert f"left {tag}" not in second.stdout.str()


def test_a_plain_xdist_run_leaves_pruning_to_runs_that_use_the_engine(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pruning reads every earlier run's folder (23 ms for 359 of them under cProfile): a
    plain `pytest -n 2` that only makes a folder in case does not pay it; the next run that
    uses the engine does (here a worker whose test asks for a goimage fixture)."""
    base = configured_project(pytester, monkeypatch)
    (base / "pytest-goimage").mkdir()
    old = [run_dir(base / "pytest-goimage", f"old{i:02}", 7 * 86400) for i in range(35)]
    pytester.makepyfile(test_unit="def test_one():\n    assert 5 % 3 == 2\n")
    pytester.runpytest_subprocess("-n", "2", "-p", "no:randomly", "test_unit.py").assert_outcomes(
        passed=1
    )
    assert all(folder.exists() for folder in old)
    pytester.makepyfile(test_config="def test_cfg(goimage_config):\n    assert goimage_config\n")
    pytester.runpytest_subprocess("-n", "1", "-p", "no:randomly", "test_config.py").assert_outcomes(
        passed=1
    )
    assert sum(1 for folder in old if folder.exists()) == 30
