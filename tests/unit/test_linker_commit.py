"""The commit a build linked in with `-ldflags -X main.commit=...`, read from real Go binaries'
build info (trial 35B: such an image was "no commit recorded")."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.gofacts.buildinfo import BuildInfo, read_build_info
from pytest_goimage.gofacts.linker_commit import linked_commit_value, linker_commit

GO = shutil.which("go") or (
    "/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None
)
pytestmark = pytest.mark.skipif(GO is None, reason="needs the go toolchain")

HEAD = "4f0c2b9e8a7d6c5b4a39281706f5e4d3c2b1a098"
MAIN_GO = "package main\n\nvar commit, version string\n\nfunc main() { println(commit, version) }\n"


def _built(tmp_path: Path, *flags: str) -> BuildInfo:
    """The build info of MAIN_GO built with `flags`."""
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.21\n")
    (tmp_path / "main.go").write_text(MAIN_GO)
    env = {**os.environ, "GOFLAGS": "-buildvcs=false", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0"}
    subprocess.run([str(GO), "build", *flags, "-o", "app", "."], cwd=tmp_path, env=env, check=True)
    info = read_build_info((tmp_path / "app").read_bytes())
    assert info is not None
    return info


@pytest.mark.parametrize(
    ("flags", "found"),
    [
        ([f"-ldflags=-s -w -X main.commit={HEAD}"], ("main.commit", HEAD)),
        (
            [f"-ldflags=-X 'main.version=1.2 rc' -X=main.GitCommit={HEAD[:7]}"],
            ("main.GitCommit", HEAD[:7]),
        ),
        (["-ldflags=-X main.commit="], ("main.commit", "")),
        (["-ldflags=-X main.version=v1.2.3"], None),
        ([], None),
        # -trimpath leaves -ldflags out of the build info: nothing to read.
        (["-trimpath", f"-ldflags=-X main.commit={HEAD}"], None),
    ],
    ids=["commit", "quoted-and-abbreviated", "empty", "version-only", "no-ldflags", "trimpath"],
)
def test_the_linked_commit_is_read_from_the_build_info(
    tmp_path: Path, flags: list[str], found: tuple[str, str] | None
) -> None:
    assert linker_commit(_built(tmp_path, *flags)) == found


@pytest.mark.parametrize(
    ("name", "counts"),
    [
        ("github.com/acme/api/internal/build.Commit", True),
        ("main.git_sha", True),
        ("main.CommitHash", True),
        ("main.Revision", True),
        ("main.buildCommit", True),
        ("main.version", False),
        ("main.commitMessage", False),
        ("main.shaSum", False),
    ],
)
def test_which_variables_hold_a_commit(name: str, counts: bool) -> None:
    info = BuildInfo("go1.26.8", "example.com/app", None, (), (("-ldflags", f"-X {name}=abc1234"),))
    assert (linker_commit(info) is not None) is counts


@pytest.mark.parametrize(
    ("value", "commit"),
    [
        (HEAD, HEAD),
        (f" {HEAD[:7]} ", HEAD[:7]),
        ("v1.2.0-3-g4f0c2b9", "4f0c2b9"),
        ("4f0c2b9-dirty", None),  # a build with local changes is no commit's content
        ("v1.2.0-3-g4f0c2b9-dirty", None),
        ("unknown", None),
        ("dev", None),
        ("", None),
        ("abc12", None),  # shorter than any abbreviation git writes
    ],
)
def test_a_placeholder_names_no_commit(value: str, commit: str | None) -> None:
    """Review: `ARG COMMIT=unknown` linked in failed as "not a commit's object name", where
    the image had recorded no commit at all; `git describe` names one after `-g`."""
    assert linked_commit_value(value) == commit
