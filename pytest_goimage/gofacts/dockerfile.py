"""A Dockerfile as BuildKit reads it: instructions with their lines, grouped in stages.

The text is split by BuildKit's own parser (moby/buildkit's `frontend/dockerfile/parser`, through
the `dockerfile` package), so heredocs, `# escape=`, continuations, comments inside them and JSON
forms are read exactly as a build reads them. What that parser leaves to the frontend and this
project needs (stages, ARG declarations, COPY sources) is derived here from its output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import dockerfile as buildkit_parser

from ..errors import DockerfileSyntaxError

# BuildKit's directive grammar (`parser/directives.go`): `# key=value` lines at the very top;
# the first line that is not one, or names a directive BuildKit does not know, ends the block.
_DIRECTIVE_RE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})


@dataclass(frozen=True)
class Heredoc:
    """A `<<NAME` body as BuildKit passes it to the instruction."""

    name: str
    content: str


@dataclass(frozen=True)
class Instruction:
    """One instruction. `line`..`end_line` are the lines it spans (1-based); `flags` are its
    `--name=value` options; `args` its arguments as BuildKit split them (JSON forms decoded,
    shell forms as one string); `text` is the instruction as written, continuations joined."""

    line: int
    keyword: str  # upper case: FROM, RUN, COPY ...
    args: tuple[str, ...]
    flags: tuple[str, ...] = ()
    json: bool = False
    text: str = ""
    end_line: int = 0
    sub_keyword: str = ""  # ONBUILD's instruction, upper case
    heredocs: tuple[Heredoc, ...] = ()

    @property
    def value(self) -> str:
        """The arguments as one string, as written after the keyword."""
        return self.text.split(None, 1)[1] if len(self.text.split(None, 1)) == 2 else ""

    def words(self) -> list[str]:
        return list(self.args) if self.keyword == "ARG" else self.value.split()

    def flag(self, name: str) -> str | None:
        """The value of `--name=value` (the last one given), or None."""
        found = None
        for flag in self.flags:
            key, _, value = flag.partition("=")
            if key == f"--{name}":
                found = value
        return found

    def sources(self) -> list[str]:
        """COPY/ADD sources from the build context: none for `--from` copies, heredocs (`<<EOF`,
        `<<-"EOF"`), URLs or git repositories (ADD), which never read the context."""
        if self.keyword not in ("COPY", "ADD") or self.flag("from") is not None:
            return []
        return [
            source
            for source in self.args[:-1]
            if not source.startswith(("<<", "git@"))
            and not re.match(r"^[A-Za-z][\w+.-]*://", source)
        ]


@dataclass
class Stage:
    """Instructions from one FROM to the next."""

    index: int
    base: str
    name: str | None
    line: int
    platform: str | None = None
    instructions: list[Instruction] = field(default_factory=list)


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]
    stages: tuple[Stage, ...]
    escape: str = "\\"
    directives: tuple[tuple[int, str, str], ...] = ()

    def stage(self, name: str) -> Stage | None:
        """The stage called `name` (names are lower case, as BuildKit declares them; a step
        name or `target` may spell one otherwise) or `stage-N`."""
        for stage in self.stages:
            if stage.name == name.lower() or f"stage-{stage.index}" == name:
                return stage
        return None

    def built_stages(self, target: str | None) -> list[Stage]:
        """The stage the image is (`target`, else the last), then the earlier stage it is
        built FROM, and so on: the stages whose instructions the image config inherits."""
        stage = self.stage(target) if target else None
        if stage is None and self.stages:
            stage = self.stages[-1]
        chain: list[Stage] = []
        while stage is not None and stage not in chain:
            chain.append(stage)
            stage = self.stage(stage.base)
        return chain

    def last_setting(self, keyword: str, target: str | None) -> tuple[Stage, Instruction] | None:
        """The instruction of `keyword` (USER, HEALTHCHECK ...) the image's config ends with:
        the last in the built stage, else in the earlier stage it is built FROM, and so on."""
        for stage in self.built_stages(target):
            found = [i for i in stage.instructions if i.keyword == keyword]
            if found:
                return stage, found[-1]
        return None

    def labels_set(self, target: str | None) -> set[str] | None:
        """The label keys the image's own LABEL instructions set (in built_stages): not
        the ones it inherits from its base image. None when that cannot be told without the
        build: a key or a stage's FROM holds a variable."""
        stages = self.built_stages(target)
        if not stages or any("$" in stage.base for stage in stages):
            return None
        keys = {
            key.strip("\"'")
            for stage in stages
            for instruction in stage.instructions
            if instruction.keyword == "LABEL"
            for key in instruction.args[0::2]
        }
        return None if any("$" in key for key in keys) else keys

    @property
    def global_instructions(self) -> list[Instruction]:
        """The instructions before the first FROM (only ARGs are allowed there)."""
        first = self.stages[0].line if self.stages else None
        return [i for i in self.instructions if first is None or i.line < first]

    def declared_args(self) -> set[str]:
        """Every name an ARG line declares, in any stage (`ARG A B=1` declares A and B)."""
        return {
            word.split("=", 1)[0]
            for instruction in self.instructions
            if instruction.keyword == "ARG"
            for word in instruction.args
        }


def parser_directives(text: str) -> list[tuple[int, str, str]]:
    """(line, lower-case name, value) of the parser directives (`# syntax=`, `# escape=`,
    `# check=`) in order, read as BuildKit reads them."""
    found = []
    # BuildKit drops a UTF-8 byte-order mark before reading (Notepad writes one).
    text = text.removeprefix("\ufeff")
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        match = _DIRECTIVE_RE.match(raw.strip())
        if not match or match.group(1).lower() not in KNOWN_DIRECTIVES:
            break
        found.append((number, match.group(1).lower(), match.group(2)))
    return found


def parse_dockerfile(text: str) -> Dockerfile:
    """The Dockerfile `text` as BuildKit's parser reads it.

    Raises DockerfileSyntaxError (with the line, where BuildKit's parser fails on one) for text
    BuildKit refuses to parse: an unterminated heredoc, an invalid escape directive, no
    instructions at all.
    """
    try:
        commands = buildkit_parser.parse_string(text)
    except buildkit_parser.GoParseError as error:
        raise DockerfileSyntaxError(str(error), _failing_line(text)) from None
    except UnicodeDecodeError:
        # BuildKit reads `--flag=value` byte by byte, so a non-ASCII flag value comes back
        # as broken UTF-8; no real build accepts such a flag either.
        raise DockerfileSyntaxError(
            "an instruction flag (--name=value) holds non-ASCII characters", _failing_line(text)
        ) from None
    # A lone continuation (`\\ ` as a line) comes back as a command without a keyword.
    instructions = tuple(_instruction(command) for command in commands if command.cmd)
    directives = tuple(parser_directives(text))
    escape = next((v for _, name, v in directives if name == "escape"), "\\")
    return Dockerfile(instructions, tuple(_stages(instructions)), escape, directives)


def parse_dockerfile_leniently(text: str) -> Dockerfile:
    """parse_dockerfile, or an empty Dockerfile where BuildKit would refuse the text (for
    messages about a build that already failed, which report BuildKit's own error)."""
    try:
        return parse_dockerfile(text)
    except DockerfileSyntaxError:
        return Dockerfile((), ())


def read_dockerfile(path: Path) -> tuple[str, Dockerfile]:
    """A Dockerfile's text and its lenient parse; both empty when the file cannot be read
    (the build says why)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return text, parse_dockerfile_leniently(text)


def _failing_line(text: str) -> int:
    """The line after the longest prefix of the text that parses: from there on, no prefix
    does (0 when the whole text parses: an empty file). BuildKit's Python binding gives the
    message without its line. A prefix that ends inside a complete heredoc fails too, so
    failures are not monotonic in the prefix length and the search goes back from the end;
    the empty prefix always parses ("no instructions")."""
    lines = text.replace("\r\n", "\n").split("\n")

    def parses(count: int) -> bool:
        try:
            buildkit_parser.parse_string("\n".join(lines[:count]) + "\n")
        except buildkit_parser.GoParseError as error:
            return "no instructions" in str(error)
        except UnicodeDecodeError:
            return False
        return True

    count = len(lines)
    while not parses(count):
        count -= 1
    return 0 if count == len(lines) else count + 1


def _instruction(command: buildkit_parser.Command) -> Instruction:
    keyword = command.cmd.upper()
    sub = (command.sub_cmd or "").upper()
    # The parser keeps a trailing newline after heredoc bodies; the first line is the
    # instruction as BuildKit names its step.
    text = command.original.rstrip("\n")
    return Instruction(
        line=command.start_line,
        keyword=keyword,
        args=tuple(command.value),
        flags=tuple(command.flags),
        json=command.json,
        text=f"{keyword}{text[len(command.cmd) :]}" if text.upper().startswith(keyword) else text,
        end_line=command.end_line,
        sub_keyword=sub,
        heredocs=tuple(Heredoc(h.name, h.content) for h in command.heredocs),
    )


def _stages(instructions: tuple[Instruction, ...]) -> list[Stage]:
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            words = instruction.args
            base = words[0] if words else ""
            # BuildKit lower-cases a stage's name where it is declared (parseBuildStageName).
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(
                Stage(len(stages), base, name, instruction.line, instruction.flag("platform"))
            )
        elif stages:
            stages[-1].instructions.append(instruction)
    return stages


def normalise_command(text: str) -> str:
    """Collapse whitespace so a BuildKit step name can be matched to its instruction."""
    return " ".join(text.split())
