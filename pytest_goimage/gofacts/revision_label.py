"""The commit an image's `org.opencontainers.image.revision` label names, against HEAD: what
is wrong with it, in the words of the provenance check."""

from __future__ import annotations

import re
from collections.abc import Mapping

REVISION_LABEL = "org.opencontainers.image.revision"
_SHORTEST_REVISION = 7  # `git rev-parse --short`'s minimum
_HEX = re.compile(r"[0-9a-fA-F]+")


def label_problem(
    label: str, head: str, build_args: Mapping[str, tuple[str, str]] | None = None
) -> str | None:
    """What is wrong with the revision label (None: it names HEAD). `build_args`: each build
    argument's value and the table that sets it, to name a commit written into one."""
    if same_commit(label, head):
        return None
    if not _HEX.fullmatch(label):
        return (
            f"its {REVISION_LABEL} label says {label!r}, which is not a commit's object name; "
            "set it to the commit (`{git.head}` in build_args)"
        )
    if len(label) < _SHORTEST_REVISION:
        return (
            f"its {REVISION_LABEL} label {label!r} is too short to name a commit (git's "
            f"abbreviations have at least {_SHORTEST_REVISION} characters); record the full "
            "commit (`{git.head}` in build_args)"
        )
    # A commit written into build_args (trial 18) is stale from the next commit on.
    stale = [
        (name, table)
        for name, (value, table) in (build_args or {}).items()
        if value.strip().lower() == label.lower()
    ]
    cause = (
        f"build_args sets {stale[0][0]} = {label!r} in {stale[0][1]}: write "
        f'`{stale[0][0]} = "{{git.head}}"` there, which passes HEAD on each run'
        if stale
        else "a stale GIT_SHA build argument?"
    )
    return (
        f"its {REVISION_LABEL} label says {label}, but HEAD is {head}: the image was "
        f"built from another commit ({cause})"
    )


def same_commit(recorded: str, head: str) -> bool:
    """A full object name, or an abbreviation of at least 7 characters (`git rev-parse --short`),
    in either case (git prints lowercase; a label may have been written in capitals)."""
    recorded, head = recorded.lower(), head.lower()
    return recorded == head or (len(recorded) >= _SHORTEST_REVISION and head.startswith(recorded))
