"""The files a Go package embeds (`//go:embed`), found as the go command finds them: Go build
inputs as much as the `.go` files, so an embedded folder that git ignores (a built `web/dist`)
builds on a laptop and fails in a clean checkout ("pattern dist: no matching files found").

The rules (https://pkg.go.dev/embed): patterns are relative to the package's folder and match
with `path.Match`, one path element per pattern element; a pattern that names a folder embeds
its whole tree except names starting with `.` or `_`, which `all:` keeps; a file a pattern
names itself is embedded whatever its name.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .go_file_built import built_for_linux
from .goquote import QuoteError, unquote

__all__ = ["Embed", "embedded_files", "embeds_in"]

_DIRECTIVE = re.compile(r"^[ \t]*//go:embed(?:[ \t]+(.*))?$", re.M)
# A pattern word: a Go string literal ("..." or `...`), or a run of non-space characters.
_WORD = re.compile(r'"(?:[^"\\\n]|\\.)*"|`[^`]*`|\S+')


@dataclass(frozen=True)
class Embed:
    """One `//go:embed` pattern: the file and line of its directive, and the pattern."""

    source: str  # the .go file, relative to the context
    line: int
    pattern: str  # as written, without its `all:` prefix
    keeps_hidden: bool  # `all:`: names starting with `.` or `_` are embedded too

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.source)

    def where(self) -> str:
        prefix = "all:" if self.keeps_hidden else ""
        return f"{self.source}:{self.line} (//go:embed {prefix}{self.pattern})"


def embeds_in(source: str, text: str) -> list[Embed]:
    """The patterns of every `//go:embed` directive in one Go file's text: line comments of
    their own, not text inside a block comment or a string (a code generator's template)."""
    found: list[Embed] = []
    for match in _DIRECTIVE.finditer(_code_and_line_comments(text)):
        line = text.count("\n", 0, match.start()) + 1
        for word in _WORD.findall(text[match.start(1) : match.end(1)] if match.group(1) else ""):
            if word.startswith(('"', "`")):
                try:
                    word = unquote(word)
                except QuoteError:
                    continue  # the go command refuses the directive; the build says so
            keeps_hidden = word.startswith("all:")
            pattern = word.removeprefix("all:")
            if pattern:
                found.append(Embed(source, line, pattern, keeps_hidden))
    return found


def embedded_files(
    go_files: Iterable[str], files: Sequence[str], read: Callable[[str], str | None]
) -> dict[str, Embed]:
    """The files among `files` (paths relative to the context) that a non-test Go file among
    `go_files` embeds, each with the directive that takes it. `read` gives a Go file's text
    (None when it cannot be read)."""
    embeds: list[Embed] = []
    for go_file in go_files:
        text = read(go_file)
        # A test file's embeds are `go test`'s; a file no Linux build compiles embeds nothing.
        if text and "//go:embed" in text and built_for_linux(go_file, text):
            embeds += embeds_in(go_file, text)
    ordered = sorted(files)
    # Go's walk of an embedded folder stops at a folder with its own go.mod: another module.
    modules = {posixpath.dirname(f) for f in files if posixpath.basename(f) == "go.mod"}
    taken: dict[str, Embed] = {}
    for embed in embeds:
        # Only the files below the directive's folder: a sorted range, not the whole context.
        below = embed.folder + "/" if embed.folder else ""
        for index in range(bisect.bisect_left(ordered, below), len(ordered)):
            file = ordered[index]
            if not file.startswith(below):
                break
            if file not in taken and _embeds(embed, file) and not _in_module(embed, file, modules):
                taken[file] = embed
    return taken


def _embeds(embed: Embed, file: str) -> bool:
    folder = embed.folder
    if folder:
        if not file.startswith(folder + "/"):
            return False
        file = file[len(folder) + 1 :]
    parts = file.split("/")
    wanted = embed.pattern.split("/")
    if len(parts) < len(wanted):
        return False
    if not all(
        _element_matches(part, pattern)
        for part, pattern in zip(parts[: len(wanted)], wanted, strict=True)
    ):
        return False
    below = parts[len(wanted) :]  # inside a folder the pattern names: hidden names left out
    return embed.keeps_hidden or not any(name.startswith((".", "_")) for name in below)


def _in_module(embed: Embed, file: str, modules: set[str]) -> bool:
    """Whether `file` lies in a folder below the directive's own that holds a go.mod."""
    folder = posixpath.dirname(file)
    while folder and folder != embed.folder:
        if folder in modules:
            return True
        folder = posixpath.dirname(folder)
    return False


def _code_and_line_comments(text: str) -> str:
    """`text` with block comments and string and rune literals blanked (newlines kept, so
    that offsets and line numbers stay): what go/build reads directives from."""
    out = list(text)
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if text.startswith("//", index):
            index = text.find("\n", index)
            index = end if index < 0 else index
            continue
        if text.startswith("/*", index):
            close = text.find("*/", index + 2)
            stop = end if close < 0 else close + 2
        elif char in "\"'`":
            stop = index + 1
            while stop < end and text[stop] != char:
                if char != "`" and text[stop] == "\\":
                    stop += 1
                elif char != "`" and text[stop] == "\n":
                    break  # an unterminated literal: the compiler says so
                stop += 1
            stop = min(stop + 1, end)
        else:
            index += 1
            continue
        for blank in range(index, stop):
            if out[blank] != "\n":
                out[blank] = " "
        index = stop
    return "".join(out)


def _element_matches(name: str, pattern: str) -> bool:
    """path.Match for one element: `*`, `?`, `[...]` with `^` negation, `\\` escapes."""
    return fnmatchcase(name, _as_fnmatch(pattern))


def _as_fnmatch(pattern: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            out.append("[" + pattern[index + 1] + "]")
            index += 2
            continue
        if char == "[" and pattern[index + 1 : index + 2] == "^":
            out.append("[!")
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)
