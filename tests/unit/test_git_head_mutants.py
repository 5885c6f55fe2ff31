"""What gofacts/git_head.py reads from real git repositories, on the rules the older tests left
open: which files git tracks below a folder (provenance's "untracked input" check), one HEAD
per repository when a run sees several, and changed files named below the folder asked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pytest_goimage.gofacts.git_head import (
    Heads,
    NoRepository,
    head_of,
    modified_under,
    tracked_under,
)
from tests.unit.test_git_head import git


def repository(root: Path, files: dict[str, str]) -> Path:
    """A work tree at `root` with `files` committed."""
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


SERVICE = {
    "go.mod": "module example.com/svc\n\ngo 1.26\n",
    "cmd/api/main.go": "package main\n",
    "cmd/api/routes.go": "package main\n",
    "internal/store/store.go": "package store\n",
    "Dockerfile": "FROM scratch\n",
}


def test_tracked_under_a_folder_lists_its_tracked_files_from_the_root(tmp_path: Path) -> None:
    root = repository(tmp_path, SERVICE)
    (root / "cmd/api/untracked.go").write_text("package main\n")
    assert tracked_under(root, "cmd") == ["cmd/api/main.go", "cmd/api/routes.go"]


def test_tracked_under_the_root_lists_every_tracked_file(tmp_path: Path) -> None:
    root = repository(tmp_path, SERVICE)
    (root / "notes.txt").write_text("not added\n")
    assert tracked_under(root, "") == [
        "Dockerfile",
        "cmd/api/main.go",
        "cmd/api/routes.go",
        "go.mod",
        "internal/store/store.go",
    ]


def test_tracked_file_names_git_stores_as_bytes_are_read_without_failing(
    tmp_path: Path,
) -> None:
    """A name committed in Latin-1 (an old Windows checkout) is no UTF-8: its bad byte reads
    as U+FFFD instead of stopping the check."""
    root = tmp_path
    (root / "go.mod").write_text("module example.com/x\n")
    with open(os.path.join(os.fsencode(root), b"caf\xe9.go"), "w") as latin1:
        latin1.write("package main\n")
    repository(root, {})
    assert tracked_under(root, "") == ["caf\ufffd.go", "go.mod"]


def test_tracked_under_a_folder_named_like_an_option(tmp_path: Path) -> None:
    root = repository(tmp_path, {"-legacy/main.go": "package main\n", "go.mod": "module x\n"})
    assert tracked_under(root, "-legacy") == ["-legacy/main.go"]


def test_tracked_under_a_folder_outside_the_work_tree_is_empty(tmp_path: Path) -> None:
    root = repository(tmp_path / "repo", SERVICE)
    assert tracked_under(root, "../elsewhere") == []


def test_each_repository_of_a_run_keeps_its_own_head(tmp_path: Path) -> None:
    """Two services in sibling repositories: the second is not given the first's commit."""
    api = repository(tmp_path / "api", {"main.go": "package main // api\n"})
    worker = repository(tmp_path / "worker", {"main.go": "package main // worker\n"})
    heads = Heads()
    assert heads.of(api).commit == git(api, "rev-parse", "HEAD")
    assert heads.of(worker).commit == git(worker, "rev-parse", "HEAD")
    assert heads.of(api).commit != heads.of(worker).commit


def test_a_folder_outside_any_repository_does_not_take_a_repository_s_head(
    tmp_path: Path,
) -> None:
    (tmp_path / "loose").mkdir()
    repo = repository(tmp_path / "repo", {"main.go": "package main\n"})
    heads = Heads()
    with pytest.raises(NoRepository) as outside:
        heads.of(tmp_path / "loose")
    assert str(outside.value) == f"{tmp_path / 'loose'} is not inside a git repository"
    assert heads.of(repo).root == repo.resolve()


def test_heads_reached_through_a_symlink_are_the_same_repository(tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo", {"main.go": "package main\n"})
    (tmp_path / "link").symlink_to(repo)
    heads = Heads()
    first = heads.of(tmp_path / "link")
    git(repo, "commit", "-q", "--allow-empty", "-m", "during the run")
    assert heads.of(repo) == first


def test_modified_under_names_nested_changes_relative_to_the_folder(tmp_path: Path) -> None:
    root = repository(tmp_path, SERVICE)
    (root / "cmd/api/routes.go").write_text("package main // changed\n")
    (root / "internal/store/store.go").write_text("package store // changed\n")
    assert modified_under(root) == ["cmd/api/routes.go", "internal/store/store.go"]
    assert modified_under(root / "cmd") == ["api/routes.go"]


def test_modified_under_a_repository_without_a_commit_is_empty(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "main.go").write_text("package main\n")
    git(tmp_path, "add", "main.go")
    assert modified_under(tmp_path) == []


def test_a_work_tree_whose_path_holds_a_line_break_is_not_misread(tmp_path: Path) -> None:
    """git prints the top folder and the commit one a line; a line break in the folder's name
    makes three lines, which are not taken for a folder and a commit."""
    root = repository(tmp_path / "odd\nname", {"main.go": "package main\n"})
    with pytest.raises(NoRepository) as caught:
        head_of(root)
    assert str(caught.value) == f"git rev-parse HEAD failed in {root}: no output"
