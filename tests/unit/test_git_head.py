"""`{git.head}` in build_args: the repository's HEAD commit, read by git itself."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.gofacts.git_head import NoRepository, head_of

TABLE = {"build_args": {"GIT_SHA": "{git.head}", "VERSION": "1.0+{git.head}"}}


def git(root: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": str(root),
    }
    return subprocess.run(
        ["git", "-C", str(root), *args], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def project(root: Path) -> Path:
    (root / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (root / "Dockerfile").write_text("FROM scratch\nARG GIT_SHA\nARG VERSION\n")
    return root


def test_git_head_placeholder_is_the_head_commit(tmp_path: Path) -> None:
    project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    head = git(tmp_path, "rev-parse", "HEAD")
    config = parse_config(TABLE, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert dict(config.image("Dockerfile").build_args) == {
        "GIT_SHA": head,
        "VERSION": f"1.0+{head}",
    }


def test_git_head_placeholder_outside_a_repository_is_empty(tmp_path: Path) -> None:
    """A source tarball still builds: the revision label is then empty (provenance says why)."""
    project(tmp_path)
    config = parse_config(TABLE, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert dict(config.image("Dockerfile").build_args) == {"GIT_SHA": "", "VERSION": "1.0+"}


def test_repository_without_a_commit_has_no_head(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(NoRepository, match=r"^the git repository .* has no commit yet$"):
        head_of(tmp_path)


def test_build_args_without_the_placeholder_need_no_repository(tmp_path: Path) -> None:
    project(tmp_path)
    table = {"build_args": {"GIT_SHA": "0123abc"}}
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert dict(config.image("Dockerfile").build_args) == {"GIT_SHA": "0123abc"}
