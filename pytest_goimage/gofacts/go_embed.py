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
    """The patterns of every `//go:embed` directive in one Go file's text."""
    found: list[Embed] = []
    for match in _DIRECTIVE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        for word in _WORD.findall(match.group(1) or ""):
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
        if go_file.endswith("_test.go"):
            continue  # embeds for `go test` only; the image's build does not read them
        text = read(go_file)
        if text and "//go:embed" in text:
            embeds += embeds_in(go_file, text)
    ordered = sorted(files)
    taken: dict[str, Embed] = {}
    for embed in embeds:
        # Only the files below the directive's folder: a sorted range, not the whole context.
        below = embed.folder + "/" if embed.folder else ""
        for index in range(bisect.bisect_left(ordered, below), len(ordered)):
            file = ordered[index]
            if not file.startswith(below):
                break
            if file not in taken and _embeds(embed, file):
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
