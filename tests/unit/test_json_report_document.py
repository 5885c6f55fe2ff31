"""The `--goimage-report` document and its file (report/json_report.py), compared whole."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pytest_goimage.report.json_report import build_report, write_report
from pytest_goimage.report.records import CheckRecord, ImageRecord


def image() -> ImageRecord:
    return ImageRecord(
        dockerfile="api/Dockerfile",
        context="api",
        tag="goimage/api:1",
        image_id="sha256:" + "ab" * 32,
        size_bytes=8_700_000,
        build_seconds=3.21449,
        build_cached=True,
        go_version="go1.26.8",
        static=True,
        layers="sha256:" + "c1" * 32 + ",sha256:" + "d2" * 32,
        size_budget=30_000_000,
        baseline_bytes=7_750_000,
        checks={"build": CheckRecord("passed", "", 0.25)},
    )


def test_the_report_of_a_passing_image_reads_as_a_whole() -> None:
    assert build_report([image()]) == {
        "schema": "pytest-goimage/v1",
        "outcome": "passed",
        "images": [
            {
                "dockerfile": "api/Dockerfile",
                "context": "api",
                "tag": "goimage/api:1",
                "image_id": "sha256:" + "ab" * 32,
                "size_bytes": 8_700_000,
                "build_seconds": 3.214,
                "go_version": "go1.26.8",
                "checks": {"build": {"outcome": "passed", "message": "", "seconds": 0.25}},
                "outcome": "passed",
                "build_cached": True,
                "static": True,
                "size_budget_bytes": 30_000_000,
                "baseline_bytes": 7_750_000,
                "sbom": None,  # no --goimage-sbom
                "layers": ["sha256:" + "c1" * 32, "sha256:" + "d2" * 32],
            }
        ],
    }


def test_other_failed_tests_fail_the_report_of_passing_images() -> None:
    report = build_report([image()], failed_tests=["tests/test_x.py::test_y"])
    assert (report["outcome"], report["failed_tests"]) == ("failed", ["tests/test_x.py::test_y"])


def test_an_unknown_outcome_is_refused_naming_the_known_ones() -> None:
    odd = image()
    odd.checks["build"] = CheckRecord("maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError) as refused:
        build_report([odd])
    assert str(refused.value) == (
        "api/Dockerfile::build: outcome 'maybe' is not one of passed, failed, skipped, error"
    )


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_022")
def test_the_report_file_gets_the_mode_a_plain_open_would_give(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(path, {"schema": "pytest-goimage/v1"})
    assert (stat.S_IMODE(path.stat().st_mode), json.loads(path.read_text("utf-8"))) == (
        0o644,
        {"schema": "pytest-goimage/v1"},
    )


def test_a_report_that_cannot_replace_its_path_leaves_no_temporary_file(tmp_path: Path) -> None:
    taken = tmp_path / "report.json"
    taken.mkdir()
    with pytest.raises(IsADirectoryError):
        write_report(taken, {"schema": "pytest-goimage/v1"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def git(root: Path, *args: str) -> str:
    """`git -C root args` as a committer; its output."""
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_the_checkout_s_commit_and_changes_are_in_the_report(tmp_path: Path) -> None:
    """A release gate compares `git.commit` with the commit it releases, and requires no
    tracked file changed and none untracked: a real repository, its state as git reports it."""
    from jsonschema import Draft202012Validator

    from pytest_goimage.gofacts.git_head import Heads
    from pytest_goimage.report.json_report import git_state, load_schema

    assert git_state(Heads(), [tmp_path]) is None  # not a checkout yet
    git(tmp_path, "init", "-q")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / ".gitignore").write_text("*.log\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    head = git(tmp_path, "rev-parse", "HEAD")
    heads = Heads()
    assert git_state(heads, [tmp_path]) == {"commit": head, "modified": [], "untracked": []}
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    (tmp_path / "notes.txt").write_text("x\n")
    (tmp_path / "run.log").write_text("ignored\n")
    # The run's own outputs in the checkout (a JUnit file, the SBOM folder) are not changes.
    (tmp_path / "junit.xml").write_text("<testsuites/>\n")
    (tmp_path / "sbom").mkdir()
    (tmp_path / "sbom" / "Dockerfile-1.cdx.json").write_text("{}\n")
    outputs = [tmp_path / "junit.xml", tmp_path / "sbom"]
    (tmp_path / "__pycache__").mkdir()  # pytest's own, of a test module in the checkout
    (tmp_path / "__pycache__" / "test_x.cpython-311-pytest-9.2.0.pyc").write_bytes(b"\0")
    # A name that is no UTF-8 (git prints its bytes): listed, not a crash.
    (tmp_path / "bad\udcffname").touch()
    state = git_state(heads, [tmp_path], outputs)
    assert state == {
        "commit": head,
        "modified": ["main.go"],
        "untracked": ["bad\ufffdname", "notes.txt"],
    }
    everything = git_state(heads, [tmp_path])
    assert everything is not None
    assert everything["untracked"] == [
        "bad\ufffdname",
        "junit.xml",
        "notes.txt",
        "sbom/Dockerfile-1.cdx.json",
    ]
    report = build_report([image()], git=state)
    assert report["git"] == state
    Draft202012Validator(load_schema()).validate(report)


def test_a_commit_made_during_the_run_counts_as_changes_from_the_tested_one(
    tmp_path: Path,
) -> None:
    """`commit` is HEAD as the run first read it (what `{git.head}` gave the build); a commit
    made while the tests ran leaves `git status` clean, but the files it changed are not the
    tested commit's, so they are listed as modified."""
    from pytest_goimage.gofacts.git_head import Heads
    from pytest_goimage.report.json_report import git_state

    git(tmp_path, "init", "-q")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / "go.mod").write_text("module x\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "tested")
    tested = git(tmp_path, "rev-parse", "HEAD")
    heads = Heads()
    heads.of(tmp_path)  # the run reads HEAD when it starts
    (tmp_path / "main.go").write_text("package main\n\nfunc main() {}\n")
    (tmp_path / "extra.go").write_text("package main\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "during the run")
    assert git(tmp_path, "status", "--porcelain") == ""
    (tmp_path / "go.mod").write_text("module y\n")  # and an edit not committed
    assert git_state(heads, [tmp_path]) == {
        "commit": tested,
        "modified": ["extra.go", "go.mod", "main.go"],
        "untracked": [],
    }
    (tmp_path / "go.mod").write_text("module x\n")
    git(tmp_path, "checkout", "-q", tested)  # back where the run started: nothing differs
    assert git_state(heads, [tmp_path]) == {"commit": tested, "modified": [], "untracked": []}


def test_images_from_two_repositories_have_no_single_commit(tmp_path: Path) -> None:
    """A submodule or another checkout as an image's context: which commit was tested has no
    one answer, so the report has none (and a gate that asks for it fails)."""
    import subprocess

    from pytest_goimage.gofacts.git_head import Heads
    from pytest_goimage.report.json_report import git_state

    for repository in (tmp_path / "one", tmp_path / "two"):
        repository.mkdir()
        (repository / "main.go").write_text("package main\n")
        for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "x"]):
            subprocess.run(
                ["git", "-C", str(repository), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                check=True,
                capture_output=True,
            )
    assert git_state(Heads(), [tmp_path / "one"]) is not None
    assert git_state(Heads(), [tmp_path / "one", tmp_path / "two"]) is None


def test_layer_digests_are_never_masked() -> None:
    """A digest is 64 hex characters, the shape of a secret key: it is a name of content."""
    layers = ["sha256:" + "c1" * 32, "sha256:" + "d2" * 32]
    report = build_report([image()], secrets=[layers[1].removeprefix("sha256:"), "c1" * 32])
    assert report["images"][0]["layers"] == layers
