"""An instruction that became words of the one before: its previous line ends in the escape
character (`\\`), and BuildKit's parser skips the blank and comment lines after it and joins the
next line, whatever it holds. A `FROM` swallowed into a RUN leaves its stage's COPY --from
reading the stage itself ("circular dependency detected on stage: build"), or adds words to a
`go build` (trial 31: the message named neither line)."""

from __future__ import annotations

from dataclasses import dataclass

from ..gofacts.dockerfile import Dockerfile
from .failed_build import FailedBuild, shorten

# Instructions as written by convention, upper case: a shell command seldom starts a line so.
_KEYWORDS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)


@dataclass(frozen=True)
class Swallowed:
    continued: int  # the line that ends in the escape character
    line: int  # the swallowed instruction's line
    text: str  # that line, as written
    keyword: str  # the instruction it became part of: RUN, COPY ...


def swallowed_instruction(parsed: Dockerfile, text: str, error: str = "") -> Swallowed | None:
    """The first line BuildKit joined to the instruction before it although it starts with an
    instruction's keyword, or None. Claimed only with evidence: a blank or comment line
    between (the shape of an instruction left behind), or `error` (BuildKit's) showing the
    joined words or the circle a swallowed FROM makes; a shell line may start with `FROM`
    (`psql -c "SELECT id \\` then `FROM users"`). A heredoc's body is a script; a
    HEALTHCHECK's `CMD` and an ONBUILD's instruction rightly stand on a continued line."""
    lines = text.replace("\r\n", "\n").split("\n")
    for instruction in parsed.instructions:
        if instruction.heredocs or instruction.keyword == "ONBUILD":
            continue
        for number in range(instruction.line + 1, min(instruction.end_line, len(lines)) + 1):
            words = lines[number - 1].split(None, 1)
            if len(words) < 2 or words[0] not in _KEYWORDS:
                continue
            if instruction.keyword == "HEALTHCHECK" and words[0] == "CMD":
                continue
            earlier = [
                n
                for n in range(instruction.line, number)
                if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
            ]
            if not earlier or not lines[earlier[-1] - 1].rstrip().endswith(parsed.escape):
                continue
            written = lines[number - 1].strip()
            if earlier[-1] + 1 < number or _shows(error, written):
                return Swallowed(earlier[-1], number, shorten(written, 80), instruction.keyword)
    return None


def _shows(error: str, written: str) -> bool:
    """Whether BuildKit's error shows the swallowed words, in the command it ran or as the
    circle a FROM made of its stage (`circular dependency detected on stage: build`)."""
    return " ".join(written.split()) in " ".join(error.split()) or (
        written.startswith("FROM ") and "circular dependency detected" in error
    )


def swallowed_message(build: FailedBuild) -> str | None:
    """`Dockerfile:12 ends in \\, so line 14 FROM alpine:3.22 became part of its RUN ...`, or
    None when no instruction was swallowed."""
    reason = build.error or build.trace_error
    found = swallowed_instruction(build.parsed, build.text, f"{reason}\n{build.trace_error}")
    if found is None:
        return None
    escape = build.parsed.escape
    said = f" (BuildKit then failed: {shorten(reason, 200)})" if reason else ""
    return (
        f"{build.dockerfile_label}:{found.continued} ends in {escape}, so line {found.line} "
        f"{found.text} became part of its {found.keyword}{said}. Remove the trailing {escape} "
        f"from line {found.continued}, so that line {found.line} is an instruction of its own."
        f"{build.log_note}"
    )
