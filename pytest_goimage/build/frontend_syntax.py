"""Dockerfile syntax newer than the frontend that read the Dockerfile: heredocs, or a flag such
as `COPY --link`. The engine's built-in frontend is as old as its BuildKit (Docker 20.10's
reads RUN --mount, not heredocs or --link); a `# syntax=` directive names a frontend image.

When each came (the Dockerfile frontend's release notes): `RUN --network` in 1.3, heredocs and
`COPY/ADD --link` in 1.4 (Docker 23's built-in frontend has them), `ADD --checksum`, `ADD
--keep-git-dir` (with ADD's git sources, from the 1.5 labs) and `HEALTHCHECK --start-interval`
in 1.6, `ADD --unpack` in 1.17, `COPY/ADD --exclude` in 1.19 (labs since 1.7-labs), `COPY
--parents` (labs since 1.7-labs) and `RUN --security` (labs only before) in 1.20.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .failed_build import FailedBuild


@dataclass(frozen=True)
class NewerSyntax:
    """Syntax an older frontend lacks, in the words of a message: the frontend `verb`s (read,
    know) `what` (heredocs, it), `pronoun` in later mentions."""

    what: str
    verb: str
    pronoun: str
    minimum: str  # the first frontend image that has it: docker/dockerfile:1.4
    engine: str | None  # the first Docker Engine whose built-in frontend has it, where known
    effect: str  # what the older frontend did instead: "so it refused the flag"


HEREDOCS = NewerSyntax(
    what="heredocs",
    verb="read",
    pronoun="them",
    minimum="docker/dockerfile:1.4",
    engine="Docker 23",
    effect="so it took the heredoc's lines for instructions",
)


@dataclass(frozen=True)
class _Flag:
    """A flag the Docker 20.10 frontend calls "Unknown flag": the first stable frontend image
    that has it, the first Docker Engine whose built-in frontend has it (where known), and
    the labs images that had it before the stable ones (where they did)."""

    minimum: str
    engine: str | None = None
    labs: str = ""


_FLAGS = {
    "network": _Flag("docker/dockerfile:1.3", "Docker 23"),
    "link": _Flag("docker/dockerfile:1.4", "Docker 23"),
    "checksum": _Flag("docker/dockerfile:1.6"),
    "keep-git-dir": _Flag("docker/dockerfile:1.6", labs="docker/dockerfile:1.5-labs and later"),
    "start-interval": _Flag("docker/dockerfile:1.6"),
    "unpack": _Flag("docker/dockerfile:1.17"),
    "exclude": _Flag("docker/dockerfile:1.19", labs="docker/dockerfile:1.7-labs and later"),
    "parents": _Flag("docker/dockerfile:1.20", labs="docker/dockerfile:1.7-labs and later"),
    "security": _Flag("docker/dockerfile:1.20", labs="docker/dockerfile:1-labs"),
}
_UNKNOWN_FLAG = re.compile(r"unknown flag: ([\w-]+)", re.I)


def older_frontend(label: str, syntax: tuple[int, str] | None, needed: NewerSyntax) -> str:
    """Why the frontend that read the Dockerfile (the `# syntax=` directive's, `syntax` being
    its line and image, or the engine's built-in one) did not take `needed`, and the first half
    of what to do: name a newer frontend (the message adds its own alternative after it)."""
    if syntax:
        return (
            f"the frontend the `# syntax={syntax[1]}` directive ({label}:{syntax[0]}) names "
            f"does not {needed.verb} {needed.what}, {needed.effect}. Name {needed.minimum} or "
            "later in that directive (`docker/dockerfile:1` is the newest 1.x)"
        )
    engine = (
        f"{needed.engine} and later {needed.verb} {needed.pronoun} without it"
        if needed.engine
        else f"an engine with a newer built-in frontend {needed.verb}s {needed.pronoun} without it"
    )
    return (
        f"this engine's built-in Dockerfile frontend {needed.verb}s {needed.what} only with "
        f"`# syntax={needed.minimum}` (or later) as the first line ({engine}), "
        f"{needed.effect}. Add that line where the engine can pull docker/dockerfile"
    )


def flag_advice(
    build: FailedBuild, line: int, error: str, syntax: tuple[int, str] | None
) -> str | None:
    """Why an "Unknown flag" on `line` is a flag newer than the frontend, and what to do."""
    unknown = _UNKNOWN_FLAG.search(error)
    if not unknown or unknown.group(1).lower() not in _FLAGS:
        return None
    flag = unknown.group(1).lower()
    instruction = next(
        (
            i
            for i in build.parsed.instructions
            if i.line <= line <= max(i.line, i.end_line) and i.flag(flag) is not None
        ),
        None,
    )
    if instruction is None:
        return None
    keyword = instruction.keyword
    known = _FLAGS[flag]
    needed = NewerSyntax("it", "know", "it", known.minimum, known.engine, "so it refused the flag")
    labs = (
        f" Before {known.minimum} only the labs images had it ({known.labs})." if known.labs else ""
    )
    insecure = (
        " `--security=insecure` also needs the security.insecure entitlement: a BuildKit "
        "started with `--allow-insecure-entitlement security.insecure`, and a build run with "
        "`--allow security.insecure`."
        if flag == "security" and "insecure" in (instruction.flag(flag) or "")
        else ""
    )
    return (
        f"`{keyword} --{flag}` is valid Dockerfile syntax, but "
        f"{older_frontend(build.dockerfile_label, syntax, needed)}, or drop `--{flag}`."
        f"{labs}{insecure}"
    )
