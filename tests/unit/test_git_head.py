"""`{git.head}` in build_args: the repository's HEAD commit, read by git itself."""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.config import parse_config
from pytest_goimage.gofacts.git_head import (
    GitRefused,
    Head,
    Heads,
    NoRepository,
    head_of,
    hidden_changes,
    modified_under,
    top_level,
    work_tree_changes,
)

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


def test_modified_under_lists_tracked_changes_below_the_folder_staged_or_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "svc").mkdir()
    for name in ("svc/main.go", "svc/util.go", "README.md"):
        (tmp_path / name).write_text("package main\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    assert modified_under(tmp_path / "svc") == []
    (tmp_path / "svc/main.go").write_text("package main // changed\n")
    (tmp_path / "svc/util.go").write_text("package main // staged\n")
    git(tmp_path, "add", "svc/util.go")
    (tmp_path / "README.md").write_text("outside the folder\n")
    (tmp_path / "svc/new.go").write_text("untracked: the tracked check's affair\n")
    assert modified_under(tmp_path / "svc") == ["main.go", "util.go"]


def test_an_edit_a_skip_worktree_or_assume_unchanged_mark_hides_is_still_a_change(
    tmp_path: Path,
) -> None:
    """`git update-index --skip-worktree` (a team's "local config" trick) and
    `--assume-unchanged` keep an edit out of `git status` and `git diff`, not out of the build
    context: provenance and the report's `git.modified` still count it, a hidden `chmod +x`
    too. An unedited marked file, a marked symlink and a file with a CRLF filter are judged as
    git would hash them; a skip-worktree file that is absent is a sparse checkout's (review),
    an assume-unchanged one that is absent was deleted."""
    (tmp_path / "svc").mkdir()
    (tmp_path / ".gitattributes").write_text("*.txt text eol=lf\n")
    names = ("svc/config.go", "svc/local.go", "svc/same.go", "svc/gone.go", "svc/run.sh")
    for name in (*names, "svc/sparse.go", "notes.txt"):
        (tmp_path / name).write_text(f"package main // {name}\n")
    os.symlink("config.go", tmp_path / "svc/link.go")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    head = git(tmp_path, "rev-parse", "HEAD")
    for name in ("svc/config.go", "svc/same.go", "svc/sparse.go", "svc/link.go", "svc/run.sh"):
        git(tmp_path, "update-index", "--skip-worktree", name)
    for name in ("svc/local.go", "svc/gone.go", "notes.txt"):
        git(tmp_path, "update-index", "--assume-unchanged", name)
    assert modified_under(tmp_path / "svc") == []
    (tmp_path / "svc/config.go").write_text("package main // the laptop's endpoint\n")
    (tmp_path / "svc/local.go").write_text("package main // a debug switch\n")
    (tmp_path / "svc/gone.go").unlink()
    (tmp_path / "svc/sparse.go").unlink()
    (tmp_path / "svc/run.sh").chmod(0o755)
    (tmp_path / "svc/link.go").unlink()
    os.symlink("local.go", tmp_path / "svc/link.go")  # not compared: a link
    (tmp_path / "notes.txt").write_text("package main // notes.txt\r\n")  # the same, to git
    assert git(tmp_path, "status", "--porcelain") == ""  # what git itself shows
    changed = ["config.go", "gone.go", "local.go", "run.sh"]
    assert modified_under(tmp_path / "svc") == changed
    assert hidden_changes(tmp_path) == [f"svc/{name}" for name in changed]
    assert work_tree_changes(tmp_path, head) == ([f"svc/{name}" for name in changed], [])


def test_a_sparse_checkout_is_no_change(tmp_path: Path) -> None:
    """A CI job's `sparse-checkout:` leaves the other folders out, marked skip-worktree: not
    a change of the work tree (review: a `.git.modified == []` gate failed on it)."""
    for name in ("svc/main.go", "docs/a.md", "lib/x.go"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    git(tmp_path, "sparse-checkout", "set", "svc")
    assert not (tmp_path / "docs").exists()
    assert work_tree_changes(tmp_path, git(tmp_path, "rev-parse", "HEAD")) == ([], [])


def test_provenance_fails_a_label_whose_context_changed_since_head(tmp_path: Path) -> None:
    """The label path: the label names HEAD ({git.head}), but a tracked build input changed:
    not HEAD's content. A file the .dockerignore drops does not count."""
    from pytest_goimage.build.changed_inputs import changed_inputs

    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY . /src\n")
    (tmp_path / "main.go").write_text("package main\n")
    (tmp_path / "notes.txt").write_text("ignored\n")
    (tmp_path / ".dockerignore").write_text("notes.txt\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    table = {"dockerfiles": ["Dockerfile"]}
    (image,) = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml").images
    assert changed_inputs(image) == []
    (tmp_path / "notes.txt").write_text("changed, but never sent\n")
    assert changed_inputs(image) == []
    (tmp_path / "main.go").write_text("package main // a local fix\n")
    assert changed_inputs(image) == [
        "its build context holds 1 tracked file(s) changed since HEAD (main.go), so the image "
        "is not HEAD's content whatever its label says; commit or stash them"
    ]


def test_head_is_read_once_per_repository_for_the_run(tmp_path: Path) -> None:
    """What `{git.head}` gave the build is what provenance compares with: a commit made while
    the tests run must not turn the image it labelled into a "stale" one."""
    project(tmp_path)
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "main.go").write_text("package main\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    first = git(tmp_path, "rev-parse", "HEAD")
    config = parse_config(TABLE, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "two, during the run")
    assert git(tmp_path, "rev-parse", "HEAD") != first
    # The build context (api/) is another path of the same work tree: the same commit.
    assert config.heads.of(tmp_path / "api").commit == first
    assert config.heads.of(tmp_path).commit == first
    # A new run reads the new HEAD.
    fresh = parse_config(TABLE, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert fresh.heads.of(tmp_path / "api").commit == git(tmp_path, "rev-parse", "HEAD")


def test_heads_outside_a_repository_raise_each_time(tmp_path: Path) -> None:
    heads = Heads()
    for _ in range(2):
        with pytest.raises(NoRepository, match="is not inside a git repository"):
            heads.of(tmp_path)


def test_git_head_is_the_commit_of_the_repository_holding_the_build_context(
    tmp_path: Path,
) -> None:
    """A build context in a nested repository (a submodule's checkout): its own HEAD, the one
    provenance compares the label with, not the outer repository's."""
    project(tmp_path)
    inner = tmp_path / "services" / "api"
    inner.mkdir(parents=True)
    (inner / "main.go").write_text("package main\n")
    git(inner, "init", "-q")
    git(inner, "add", ".")
    git(inner, "commit", "-q", "-m", "inner")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "go.mod", "Dockerfile")
    git(tmp_path, "commit", "-q", "-m", "outer")
    inner_head = git(inner, "rev-parse", "HEAD")
    assert inner_head != git(tmp_path, "rev-parse", "HEAD")
    table = {**TABLE, "context": "services/api"}
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    assert config.image("Dockerfile").build_args["GIT_SHA"] == inner_head
    assert config.heads.of(inner).commit == inner_head


def test_head_of_a_work_tree_whose_path_has_spaces(tmp_path: Path) -> None:
    root = tmp_path / "my projects" / "api"
    root.mkdir(parents=True)
    project(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "one")
    (root / "cmd").mkdir()
    head = head_of(root / "cmd")
    assert head == Head(root=root.resolve(), commit=git(root, "rev-parse", "HEAD"))


def test_head_of_says_why_there_is_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(NoRepository) as outside:
        head_of(tmp_path)
    assert str(outside.value) == f"{tmp_path} is not inside a git repository"
    missing = tmp_path / "gone"
    with pytest.raises(NoRepository) as failed:
        head_of(missing)
    assert str(failed.value) == (
        f"git rev-parse HEAD failed in {missing}: fatal: cannot change to '{missing}': No such "
        "file or directory"
    )
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    with pytest.raises(NoRepository) as no_git:
        head_of(tmp_path)
    assert str(no_git.value) == "git is not installed on this machine"
    assert modified_under(tmp_path) == []


def another_user_s_checkout(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A committed project at `root` owned by user 65534, read with no global git
    configuration (no safe.directory); a skip where this run cannot give files away."""
    if os.geteuid() != 0:
        pytest.skip("giving the checkout to another user needs root")
    project(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "one")
    for path in [root, *root.rglob("*")]:
        os.lchown(path, 65534, 65534)
    (root.parent / "empty.gitconfig").touch()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(root.parent / "empty.gitconfig"))


def test_a_repository_of_another_user_is_refused_with_the_way_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git 2.35.2+ will not read a checkout another user owns (a CI container's bind mount):
    that is not "no repository", and the text names both users and the command that helps."""
    another_user_s_checkout(tmp_path, monkeypatch)
    with pytest.raises(GitRefused) as refused:
        head_of(tmp_path)
    owner = pwd.getpwuid(65534).pw_name
    assert str(refused.value).startswith(
        f"git refuses to read the repository at {tmp_path}: it belongs to user 65534 ({owner}) "
        "and this run is user 0 (root), and git (2.35.2 and later) does not read another "
        'user\'s repository ("detected dubious ownership").'
    )
    assert str(refused.value).endswith(
        f"`git config --global --add safe.directory {tmp_path}`, or run pytest as the user who "
        "owns it"
    )
    with pytest.raises(GitRefused):
        top_level(tmp_path)
    config = tmp_path / "safe.gitconfig"
    config.write_text(f"[safe]\n\tdirectory = {tmp_path}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    assert head_of(tmp_path).root == tmp_path.resolve()
    assert top_level(tmp_path) == tmp_path.resolve()


def test_git_2_35_s_refusal_and_a_path_with_a_space_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git 2.35.2 said "unsafe repository ('...' is owned by someone else)"; both wordings end
    with the command that allows it, whose path (quoted by git where needed) is the one named,
    and the command in the message is quoted for a shell."""
    from pytest_goimage.gofacts.git_head import _refused

    old = (
        "fatal: unsafe repository ('/builds/acme/api' is owned by someone else)\n"
        "To add an exception for this directory, call:\n\n"
        "\tgit config --global --add safe.directory /builds/acme/api\n"
    )
    refused = _refused(old)
    assert refused is not None
    assert str(refused).startswith("git refuses to read the repository at /builds/acme/api: ")
    assert "`git config --global --add safe.directory /builds/acme/api`" in str(refused)
    assert _refused("fatal: not a git repository (or any of the parent directories): .git") is None
    spaced = tmp_path / "my repo"
    spaced.mkdir()
    another_user_s_checkout(spaced, monkeypatch)
    with pytest.raises(GitRefused) as caught:
        head_of(spaced)
    assert f"git refuses to read the repository at {spaced}: " in str(caught.value)
    assert f"`git config --global --add safe.directory '{spaced}'`" in str(caught.value)


def test_an_empty_revision_without_git_says_to_install_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without git on PATH `{git.head}` is empty; the metadata message said "run in a checkout
    with a commit", which a checkout does not fix (trial 10)."""
    from types import SimpleNamespace

    from pytest_goimage.checks.metadata import _no_commit

    project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "one")
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    config = parse_config(TABLE, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    session = SimpleNamespace(config=SimpleNamespace(heads=Heads()))
    why = _no_commit(session, config.image("Dockerfile"), ["label x is empty"])  # type: ignore[arg-type]
    assert why == (
        "The build argument GIT_SHA was empty because `{git.head}` in build_args had no commit "
        "to give: git is not installed on this machine; install git where pytest runs "
        "(`{git.head}` asks it for HEAD)."
    )


def test_heads_read_the_changes_of_a_folder_once_per_run(tmp_path: Path) -> None:
    """Each image's provenance asks whether the configuration changed: one answer per run."""
    (tmp_path / "pyproject.toml").write_text("[tool.goimage]\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    heads = Heads()
    assert heads.modified(tmp_path) == []
    (tmp_path / "pyproject.toml").write_text("[tool.goimage]\ntarget = 'prod'\n")
    assert heads.modified(tmp_path) == []  # the run's first answer stands
    assert Heads().modified(tmp_path) == ["pyproject.toml"]
