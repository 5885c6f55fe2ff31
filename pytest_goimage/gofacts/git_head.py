"""The repository's HEAD commit and tracked files, as git itself reports them.

Read with the `git` program (never by parsing `.git/`): packed refs, worktrees, submodules and
`safe.directory` rules are git's to interpret.
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "GitRefused",
    "Head",
    "Heads",
    "NoRepository",
    "head_of",
    "hidden_changes",
    "modified_under",
    "top_level",
    "tracked_under",
    "work_tree_changes",
]


class NoRepository(Exception):
    """`path` is not in a git work tree with a commit, or git is not installed; the text
    says which."""


class GitRefused(NoRepository):
    """There is a repository, but git will not read it: its owner is another user than the
    one running pytest (git 2.35.2's `safe.directory` rule). Not a reason to skip a check:
    one command makes it readable, and the text says which."""


# git 2.36+ "detected dubious ownership in repository at '...'", git 2.35.2 "unsafe
# repository ('...' is owned by someone else)"; both end with the command that allows it,
# whose path is the one to read (shell-quoted where it needs to be).
_REFUSED = re.compile(r"dubious ownership in repository at|unsafe repository \(")
_ALLOW = re.compile(r"git config --global --add safe\.directory (?P<path>.+)$", re.MULTILINE)


def _refused(stderr: str) -> GitRefused | None:
    """The refusal `stderr` reports, with the owner, the user and the way out; None if none."""
    if _REFUSED.search(stderr) is None:
        return None
    allow = _ALLOW.search(stderr)
    written = allow["path"].strip() if allow else ""
    try:
        repository = shlex.split(written)[0] if written else "the checkout"
    except (ValueError, IndexError):
        repository = written
    me = os.geteuid()
    owners = []
    for path in (repository, os.path.join(repository, ".git")):
        try:
            owners.append(os.stat(path).st_uid)
        except OSError:
            continue
    owner = next((_user(uid) for uid in owners if uid != me), "another user")
    return GitRefused(
        f"git refuses to read the repository at {repository}: it belongs to {owner} and this "
        f"run is {_user(me)}, and git (2.35.2 and later) does not read another user's "
        'repository ("detected dubious ownership"). That is usual in CI when the checkout '
        "was made outside the container the tests run in (a GitHub Actions `container:` job, "
        "GitLab's docker executor, a bind mount). Mark it safe before pytest, "
        f"`git config --global --add safe.directory {shlex.quote(repository)}`, or run pytest "
        "as the user who owns it"
    )


def _user(uid: int) -> str:
    """`user 1001 (runner)`, or `user 1001` where the machine has no name for it."""
    try:
        return f"user {uid} ({pwd.getpwuid(uid).pw_name})"
    except KeyError:
        return f"user {uid}"


def _failure(path: Path, args: str, stderr: str) -> NoRepository:
    """Why `git -C path <args>` failed, in words: no repository, a refusal, or git's own."""
    refused = _refused(stderr)
    if refused is not None:
        return refused
    if "not a git repository" in stderr:
        return NoRepository(f"{path} is not inside a git repository")
    lines = stderr.strip().splitlines()
    said = next((line for line in lines if line.startswith("fatal:")), lines[0] if lines else "")
    return NoRepository(f"git {args} failed in {path}: {said.strip() or 'no output'}")


@dataclass(frozen=True)
class Head:
    """The commit checked out in the repository that holds a path."""

    root: Path  # the work tree's top folder
    commit: str  # the full hexadecimal object name (40 characters for SHA-1)


def _git(path: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise NoRepository("git is not installed on this machine")
    return subprocess.run(
        [git, "-C", str(path), *args], input=stdin, capture_output=True, text=True, check=False
    )


def head_of(path: Path) -> Head:
    """The HEAD commit of the repository holding `path`. Raises NoRepository when there is
    none (not a work tree, or a repository without any commit yet)."""
    result = _git(path, "rev-parse", "--show-toplevel", "--verify", "HEAD^{commit}")
    lines = result.stdout.splitlines()  # a work tree's path may hold spaces
    if result.returncode != 0 or len(lines) != 2:
        if len(lines) == 1:
            raise NoRepository(f"the git repository {lines[0]} has no commit yet")
        raise _failure(path, "rev-parse HEAD", result.stderr)
    return Head(root=Path(lines[0]).resolve(), commit=lines[1])


def top_level(path: Path) -> Path:
    """The top folder of the work tree holding `path`, with or without a commit. Raises
    NoRepository (GitRefused for a repository git will not read)."""
    result = _git(path, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise _failure(path, "rev-parse --show-toplevel", result.stderr)
    return Path(result.stdout.rstrip("\n")).resolve()


class Heads:
    """HEAD read once per repository for a whole run: the commit `{git.head}` gave the build
    is the one `provenance` compares with, even when someone commits while the tests run."""

    def __init__(self) -> None:
        self._by_path: dict[Path, Head | NoRepository] = {}
        self._modified: dict[Path, list[str]] = {}

    def modified(self, path: Path) -> list[str]:
        """modified_under(path), read once for the run: each image's provenance asks it of
        the configuration's folder, and two git processes per image are a warm run's time."""
        key = path.resolve()
        if key not in self._modified:
            self._modified[key] = modified_under(key)
        return self._modified[key]

    def of(self, path: Path) -> Head:
        """head_of(path), the first answer for its repository kept for the run."""
        key = path.resolve()
        if key not in self._by_path:
            try:
                head: Head | NoRepository = head_of(key)
            except NoRepository as exc:
                head = exc
            if isinstance(head, Head):
                # Another path of the same work tree read first: its commit stands.
                head = next(
                    (
                        h
                        for h in self._by_path.values()
                        if isinstance(h, Head) and h.root == head.root
                    ),
                    head,
                )
            self._by_path[key] = head
        found = self._by_path[key]
        if isinstance(found, NoRepository):
            raise found
        return found


def tracked_under(root: Path, prefix: str, *, submodules: bool = False) -> list[str]:
    """Files git tracks below `prefix` (relative to the work tree `root`; "" for all), as
    paths relative to `root`; with `submodules`, those its submodules track too."""
    recurse = ["--recurse-submodules"] if submodules else []
    result = subprocess.run(
        ["git", "-C", str(root), "ls-files", "-z", *recurse, "--", prefix or "."],
        capture_output=True,
        check=False,
    )
    return [item.decode("utf-8", "replace") for item in result.stdout.split(b"\0") if item]


def modified_under(path: Path) -> list[str]:
    """Tracked files below `path` that differ from HEAD, staged or not, as paths relative to
    `path` ([] where git cannot say: no repository, no git)."""
    try:
        result = _git(path, "diff", "HEAD", "--name-only", "--relative", "-z", "--", ".")
    except NoRepository:
        return []
    if result.returncode != 0:
        return []
    changed = {name for name in result.stdout.split("\0") if name}
    return sorted(changed | set(hidden_changes(path)))


def hidden_changes(path: Path) -> list[str]:
    """Tracked files below `path` that `git status` and `git diff` do not look at (marked
    `--skip-worktree` or `--assume-unchanged` with `git update-index`) and whose content here
    is not what git holds, relative to `path`: a local edit such a mark hides still reaches
    the build. A symlink or submodule so marked is not compared."""
    try:
        listed = _git(path, "ls-files", "-v", "-s", "-z", "--", ".")
    except NoRepository:
        return []
    if listed.returncode != 0:
        return []
    marked: dict[str, tuple[str, str]] = {}  # name -> the mode and blob git holds
    sparse: set[str] = set()  # skip-worktree: absent here is a sparse checkout's, no change
    for entry in listed.stdout.split("\0"):
        fields, _, name = entry.partition("\t")
        tag, mode, blob, *_ = [*fields.split(), "", "", ""]
        hidden = tag == "S" or tag.islower()  # skip-worktree, assume-unchanged
        if hidden and name and "\n" not in name and mode in ("100644", "100755"):
            marked[name] = (mode, blob)
            if tag.upper() == "S":
                sparse.add(name)
    if not marked:
        return []
    present = [name for name in marked if (path / name).is_file()]
    changed = [n for n in marked if n not in present and n not in sparse]  # deleted here
    # A mode change hidden by the mark (`chmod +x`), where git itself minds the mode.
    mode_kept = _git(path, "config", "--type=bool", "core.fileMode").stdout.strip() != "false"
    if mode_kept:
        changed += [
            name
            for name in present
            if os.access(path / name, os.X_OK) != (marked[name][0] == "100755")
        ]
    paths = "".join(f"{(path / name).resolve()}\n" for name in present)
    hashed = _git(path, "hash-object", "--stdin-paths", stdin=paths)
    blobs = hashed.stdout.split()
    if hashed.returncode != 0 or len(blobs) != len(present):
        return sorted(marked)  # cannot compare: count each as changed, never as clean
    changed += [n for n, blob in zip(present, blobs, strict=True) if blob != marked[n][1]]
    return sorted(set(changed))


def worktree_link(folder: Path) -> str | None:
    """Where `folder`'s `.git` points when it is a link file (`gitdir: ...`, as `git worktree
    add` and submodules write it) rather than a repository; None otherwise. Sent in a build
    context, such a file leaves git in the builder without a repository."""
    try:
        text = (folder / ".git").read_text(encoding="utf-8", errors="replace")
    except (IsADirectoryError, FileNotFoundError, NotADirectoryError, PermissionError):
        return None
    first = text.splitlines()[0] if text else ""
    return first.removeprefix("gitdir:").strip() if first.startswith("gitdir:") else None


def file_at_head(root: Path, name: str) -> str | None:
    """The text of the file `name` (relative to the work tree `root`) as HEAD holds it; None
    where HEAD has no such file or git cannot say."""
    try:
        result = _git(root, "show", f"HEAD:./{name}")
    except NoRepository:
        return None
    return result.stdout if result.returncode == 0 else None


def untracked_under(path: Path) -> list[str]:
    """Files below `path` that git does not track and does not ignore (what `git status`
    lists as `??`, and what Go's vcs.modified counts), as paths relative to `path` ([] where
    git cannot say)."""
    try:
        result = _git(path, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    except NoRepository:
        return []
    if result.returncode != 0:
        return []
    return sorted(name for name in result.stdout.split("\0") if name)


def work_tree_changes(root: Path, commit: str) -> tuple[list[str], list[str]] | None:
    """What differs in the work tree `root` from `commit`: the tracked paths that differ, staged
    or not (a submodule with changes of its own counts as its path), and the untracked ones git
    does not ignore, relative to `root`. `git status` compares with HEAD; where HEAD is no
    longer `commit` (a commit or checkout during the run), what changed between the two counts
    too. None where git cannot say."""
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "-C", str(root), "status", "--porcelain=v1", "-z", "--untracked-files=all"],
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    modified: list[str] = []
    untracked: list[str] = []
    entries = iter(result.stdout.split(b"\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        state, name = entry[:2], entry[3:].decode("utf-8", "replace")
        (untracked if state == b"??" else modified).append(name)
        if state[:1] in (b"R", b"C"):
            next(entries, None)  # a rename's or copy's source path follows
    moved = _git(root, "diff", "--name-only", "--no-renames", "-z", commit, "HEAD", "--")
    if moved.returncode != 0:
        return None
    modified += [name for name in moved.stdout.split("\0") if name]
    modified += hidden_changes(root)
    return sorted(set(modified)), sorted(untracked)
