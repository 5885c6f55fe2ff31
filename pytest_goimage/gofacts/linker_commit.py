"""The commit a build linked into its Go binary with `-ldflags "-X main.commit=$GIT_SHA"`, as
the binary's build info records the flags: a common way to stamp a build where the context
sends no `.git` (so Go stamps no vcs.revision) and the image has no revision label (trial
35B). A -trimpath build's info leaves -ldflags out, and then nothing is found."""

from __future__ import annotations

import re

from .buildinfo import BuildInfo
from .dockerfile import Dockerfile
from .linker_flags import linker_assignments, variable_name

# Variable names (lowercase, without `_`) that hold the commit: `commit`, `GitCommit`,
# `gitSHA`, `CommitHash`, `Revision`, `BuildCommit`. Not `version`: a tag, more often.
_COMMIT_NAMES = frozenset(
    {
        "commit",
        "gitcommit",
        "commithash",
        "commitsha",
        "commitid",
        "buildcommit",
        "revision",
        "gitrevision",
        "sha",
        "gitsha",
        "githash",
        "vcsref",
    }
)


def linker_commit(info: BuildInfo) -> tuple[str, str] | None:
    """(`importpath.name`, value) of the last `-X` that sets a commit variable, value as
    written (maybe empty: a build argument no one passed); None where there is none."""
    ldflags = info.setting("-ldflags")
    if not ldflags:
        return None
    for name, value in reversed(linker_assignments(ldflags)):
        if _is_commit_variable(name):
            return name, value
    return None


def written_commit_link(parsed: Dockerfile) -> tuple[int, str] | None:
    """(line, `importpath.name`) of the last RUN whose `go build` links a commit variable in
    with -X: what the Dockerfile says a -trimpath build's info no longer shows."""
    found = None
    for instruction in parsed.instructions:
        if instruction.keyword != "RUN" or "go build" not in instruction.text:
            continue
        for name, _ in linker_assignments(instruction.value):
            if _is_commit_variable(name):
                found = (instruction.line, name)
    return found


def _is_commit_variable(name: str) -> bool:
    return variable_name(name).replace("_", "").lower() in _COMMIT_NAMES


# `git describe --always --dirty`'s `v1.2.0-3-g4f0c2b9`: the commit after `-g`. A `-dirty`
# build is no commit's content, so it is not read as one.
_DESCRIBED = re.compile(r".*-g([0-9a-fA-F]{7,40})")
_OBJECT_NAME = re.compile(r"[0-9a-fA-F]{7,40}")


def linked_commit_value(value: str) -> str | None:
    """The commit a linked value names: an object name (7+ hex digits), or the one `git
    describe` wrote after `-g`; None for a placeholder (`unknown`, `dev`, `none`), an empty
    value or a `-dirty` build, which name no commit to compare."""
    value = value.strip()
    if _OBJECT_NAME.fullmatch(value):
        return value
    described = _DESCRIBED.fullmatch(value)
    return described.group(1) if described else None
