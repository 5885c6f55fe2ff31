"""A small Dockerfile reader: instructions with their line numbers, grouped in stages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIRECTIVE_RE = re.compile(r"^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$")
_FLAG_RE = re.compile(r"^--[a-zA-Z-]+(=\S*)?$")


@dataclass(frozen=True)
class Instruction:
    """One instruction; `line` is where it starts (1-based), continuations joined in `value`."""

    line: int
    keyword: str  # upper case: FROM, RUN, COPY ...
    value: str

    @property
    def text(self) -> str:
        return f"{self.keyword} {self.value}".strip()

    def words(self) -> list[str]:
        return self.value.split()

    def sources(self) -> list[str]:
        """COPY/ADD sources (flags and the destination removed; `--from` copies give none)."""
        if self.keyword not in ("COPY", "ADD"):
            return []
        words = self.value.strip()
        if words.startswith("["):
            parts = re.findall(r'"((?:[^"\\]|\\.)*)"', words)
        else:
            parts = words.split()
        flags = [p for p in parts if _FLAG_RE.match(p)]
        if any(f.startswith("--from") for f in flags):
            return []
        plain = [p for p in parts if not _FLAG_RE.match(p)]
        return plain[:-1]


@dataclass
class Stage:
    """Instructions from one FROM to the next."""

    index: int
    base: str
    name: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]

    def stage(self, name: str) -> Stage | None:
        for stage in self.stages:
            if stage.name == name or f"stage-{stage.index}" == name:
                return stage
        return None


def parser_directives(text: str) -> list[tuple[int, str, str]]:
    """(line, lower-case name, value) of the parser directives (`# syntax=...`, `# escape=`),
    in order. BuildKit reads them only in the leading `# key=value` lines: after any other
    line, such a comment is a plain comment."""
    found = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        match = _DIRECTIVE_RE.match(raw.strip())
        if not match:
            break
        found.append((number, match.group(1).lower(), match.group(2)))
    return found


def parse_dockerfile(text: str) -> Dockerfile:
    """Parse Dockerfile text leniently; unknown instructions are kept as they are."""
    escape = "\\"
    lines = text.replace("\r\n", "\n").split("\n")
    for _, name, value in parser_directives(text):
        if name == "escape" and value in ("`", "\\"):
            escape = value
    instructions: list[Instruction] = []
    pending: list[str] = []
    start = 0
    heredoc: str | None = None
    for number, raw in enumerate(lines, start=1):
        if heredoc is not None:
            pending.append(raw)
            if raw.strip() == heredoc:
                heredoc = None
                instructions.append(_instruction(start, "\n".join(pending)))
                pending = []
            continue
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and (not stripped or stripped.startswith("#")):
            continue  # blank lines and comments inside a continued instruction are dropped
        if not pending:
            start = number
        if stripped.endswith(escape):
            pending.append(stripped[: -len(escape)])
            continue
        pending.append(stripped)
        joined = " ".join(p for p in pending if p)
        here = re.search(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?", joined)
        if here and joined.split(None, 1)[0].upper() in ("RUN", "COPY", "ADD"):
            heredoc = here.group(1)
            continue
        instructions.append(_instruction(start, " ".join(p for p in pending if p)))
        pending = []
    if pending:
        instructions.append(_instruction(start, " ".join(pending)))
    return Dockerfile(tuple(instructions), tuple(_stages(instructions)))


def _instruction(line: int, text: str) -> Instruction:
    keyword, value = split_keyword(text)
    return Instruction(line=line, keyword=keyword.upper(), value=value.strip())


def split_keyword(text: str) -> tuple[str, str]:
    """`FROM\tgolang:1.26` -> ("FROM", "golang:1.26"): any whitespace ends the keyword, as
    BuildKit reads it."""
    words = text.strip().split(None, 1)
    return (words[0], words[1]) if len(words) == 2 else (text.strip(), "")


def _stages(instructions: list[Instruction]) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = [w for w in instruction.words() if not w.startswith("--")]
            base = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(len(stages), base, name, instruction.line))
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def normalise_command(text: str) -> str:
    """Collapse whitespace so a BuildKit step name can be matched to its instruction."""
    return " ".join(text.split())
