"""The commit an image's `org.opencontainers.image.revision` label names, against HEAD: what
is wrong with it, in the words of the provenance check."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from .dockerfile import Dockerfile

REVISION_LABEL = "org.opencontainers.image.revision"
_SHORTEST_REVISION = 7  # `git rev-parse --short`'s minimum
_HEX = re.compile(r"[0-9a-fA-F]+")


def label_problem(
    label: str,
    head: str,
    build_args: Mapping[str, tuple[str, str]] | None = None,
    called: str = f"its {REVISION_LABEL} label",
) -> str | None:
    """What is wrong with the revision label (None: it names HEAD). `build_args`: each build
    argument's value and the table that sets it, to name a commit written into one. `called`
    names where the commit is recorded (a linked `-X main.commit` alike)."""
    if same_commit(label, head):
        return None
    if not _HEX.fullmatch(label):
        return (
            f"{called} says {label!r}, which is not a commit's object name; "
            "set it to the commit (`{git.head}` in build_args)"
        )
    if len(label) < _SHORTEST_REVISION:
        return (
            f"{called} {label!r} is too short to name a commit (git's "
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
        f"{called} says {label}, but HEAD is {head}: the image was "
        f"built from another commit ({cause})"
    )


def same_commit(recorded: str, head: str) -> bool:
    """A full object name, or an abbreviation of at least 7 characters (`git rev-parse --short`),
    in either case (git prints lowercase; a label may have been written in capitals)."""
    recorded, head = recorded.lower(), head.lower()
    return recorded == head or (len(recorded) >= _SHORTEST_REVISION and head.startswith(recorded))


# A value that is one build argument: `$GIT_SHA`, `${CI_COMMIT_SHA}`, quoted or not.
_ONE_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")


@dataclass(frozen=True)
class LabelLine:
    """The LABEL instruction that sets the revision label: its line and the build argument
    it takes the value from (None for a value written in)."""

    line: int
    variable: str | None

    def where(self, file_name: str) -> str:
        return f"`LABEL {REVISION_LABEL}=...` ({file_name}:{self.line})"

    def how_to_set(self) -> str:
        """The build_args entry that passes HEAD to the label."""
        name = self.variable or "GIT_SHA"
        declare = "" if self.variable else f"`ARG {name}`, the label's value `${name}`, and "
        return f'{declare}build_args = {{ {name} = "{{git.head}}" }} in [tool.goimage]'


def label_line(parsed: Dockerfile, target: str | None) -> LabelLine | None:
    """The last LABEL of the image's own stages that sets the revision label; None where none
    does (the base image's, or no label)."""
    for stage in parsed.built_stages(target):
        for instruction in reversed(stage.instructions):
            if instruction.keyword != "LABEL":
                continue
            pairs = zip(instruction.args[0::2], instruction.args[1::2], strict=False)
            values = [v for k, v in pairs if k.strip("\"'") == REVISION_LABEL]
            if values:
                found = _ONE_VARIABLE.fullmatch(values[-1].strip("\"'"))
                variable = (found.group(1) or found.group(2)) if found else None
                return LabelLine(instruction.line, variable)
    return None


def empty_label(line: LabelLine | None, file_name: str) -> str | None:
    """Why the label the Dockerfile sets is empty, and what sets it (None: no LABEL to name)."""
    if line is None:
        return None
    if line.variable:
        return (
            f"its {REVISION_LABEL} label is empty: {line.where(file_name)} takes "
            f"${line.variable}, which this build gave no value; set {line.how_to_set()} (the "
            "commit checked out, in CI too)"
        )
    return f"its {REVISION_LABEL} label is empty: {line.where(file_name)} writes it so"


def label_beside_stamp(label: str, line: LabelLine | None, file_name: str) -> str:
    """A label naming another commit beside a binary whose vcs.revision is HEAD: the image is
    HEAD's, the label misleads every registry, scanner and deploy tool that reads it."""
    where = f", set by {line.where(file_name)}" if line else ""
    fix = f"set it from HEAD ({line.how_to_set()})" if line else "set it from HEAD"
    return (
        f"its {REVISION_LABEL} label says {label}{where}, another commit: everything that reads "
        f"the label (registries, scanners, deploy tools) is told a wrong commit; {fix}, or "
        "drop the label"
    )
