"""A Dockerfile syntax error on a line of a heredoc's body: the frontend that read the
Dockerfile does not know heredocs and took the body's lines for instructions.

Heredocs are where BuildKit's own parser (`gofacts.dockerfile`) finds them; the engine's
built-in frontend before Docker 23 (BuildKit before v0.10) does not read them, and only the
`docker/dockerfile:1.4` frontend and later do (they left the labs channel in 1.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..gofacts.dockerfile import Dockerfile, Instruction
from .failed_build import FailedBuild, shorten
from .frontend_syntax import HEREDOCS, older_frontend


@dataclass(frozen=True)
class HeredocStart:
    """The line where the heredoc holding a line starts, and the instruction it belongs to."""

    line: int
    text: str  # that line as written, on one line
    keyword: str  # RUN, COPY or ADD


def heredoc_holding(parsed: Dockerfile, text: str, line: int) -> HeredocStart | None:
    """The heredoc whose body (or terminator) Dockerfile line `line` is, or None."""
    lines = text.replace("\r\n", "\n").split("\n")
    for instruction in parsed.instructions:
        if not instruction.heredocs or not instruction.line < line <= instruction.end_line:
            continue
        start = _start_line(instruction, lines)
        if start is not None and start < line:
            return HeredocStart(start, shorten(lines[start - 1], 80), instruction.keyword)
    return None


def _start_line(instruction: Instruction, lines: list[str]) -> int | None:
    """The first line of `instruction` that opens one of its heredocs (`<<EOF`, `<<-EOF`,
    `<<"EOF"`): flags continued over lines before it are not the body."""
    names = "|".join(re.escape(heredoc.name) for heredoc in instruction.heredocs)
    opens = re.compile(rf"<<-?(?P<q>[\"']?)(?:{names})(?P=q)(?![\w.-])")
    for number in range(instruction.line, min(instruction.end_line, len(lines)) + 1):
        if opens.search(lines[number - 1]):
            return number
    return None


def heredoc_advice(build: FailedBuild, line: int, syntax: tuple[int, str] | None) -> str | None:
    """Why a parse error on `line` is a heredoc the frontend did not read, and what to do;
    `syntax` is the (line, image) of the Dockerfile's `# syntax=` directive, if it has one."""
    start = heredoc_holding(build.parsed, build.text, line)
    unclosed = None if start is not None else _unclosed(build.text, line)
    start = start or (unclosed[0] if unclosed else None)
    if start is None:
        return None
    label = build.dockerfile_label
    if start.keyword == "RUN":
        instead = "write the script as one RUN with `&&` between commands and `\\` at line ends"
    else:
        instead = f"keep the file in the build context and {start.keyword} it from there"
    if unclosed:
        # BuildKit's own parser refuses it too: closing it comes first (trial 18).
        return (
            f"Line {line} follows the heredoc that {label}:{start.line} opens ({start.text}), "
            f"which is never closed: no line `{unclosed[1]}` ends it. Close it with a line "
            f"`{unclosed[1]}`; then {older_frontend(label, syntax, HEREDOCS)}, or {instead}."
        )
    return (
        f"Line {line} is inside the heredoc that starts at {label}:{start.line}: {start.text}; "
        f"{older_frontend(label, syntax, HEREDOCS)}, or {instead}."
    )


_OPENS = re.compile(r"^\s*(RUN|COPY|ADD)\b.*?<<(-?)([\"']?)([A-Za-z_][\w.-]*)\3", re.I)


def _unclosed(text: str, line: int) -> tuple[HeredocStart, str] | None:
    """The last heredoc opened before `line` that no later line closes, and its word: a
    Dockerfile BuildKit's own parser cannot read (`unterminated heredoc`), so the heredoc
    `heredoc_holding` looks for is never found."""
    lines = text.replace("\r\n", "\n").split("\n")
    for number in range(min(line, len(lines)) - 1, 0, -1):
        opened = _OPENS.match(lines[number - 1])
        if opened is None:
            continue
        dash, word = opened.group(2), opened.group(4)
        rest = lines[number:]
        if any((later.lstrip("\t") if dash else later) == word for later in rest):
            return None
        start = HeredocStart(number, shorten(lines[number - 1], 80), opened.group(1).upper())
        return start, word
    return None
