"""`.dockerignore` read and applied the way BuildKit does: the file as BuildKit's
`dockerignore.ReadAll` reads it, each pattern as `moby/patternmatcher` matches it, and the
context walked as `tonistiigi/fsutil`'s filter walks it.

docker-py's own matcher (`docker.utils.build.exclude_paths`) differs where it matters: it
lower-cases names and patterns, and it never looks inside an excluded folder unless an
exception pattern starts with that folder's path, so an allow-list such as `*` then
`!**/*.go` loses every Go file below the top folder, which BuildKit sends.
"""

from __future__ import annotations

import functools
import os
import posixpath
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .go_match import BadPattern, go_match

# Characters a pattern keeps literally that are special in a regular expression: what
# patternmatcher's shouldEscape escapes. It means `.+()|{}$`, but its bitmap overflows a byte
# for `|`, `{` and `}`, so those reach the expression as they are: `*.md|*.txt` is an
# alternation in BuildKit, and so it is here.
_ESCAPED = frozenset(".+()$")
# A pattern with one of these is not a plain path: fsutil then walks into excluded folders.
_PATTERN_CHARS = frozenset("*[]?^\\")


class IgnorePatternError(ValueError):
    """A pattern BuildKit refuses (`!` alone, an unclosed `[`): the build fails with it."""


@dataclass(frozen=True)
class IgnoreRule:
    """One pattern of an ignore file, as BuildKit cleans it, with its line number."""

    line: int
    text: str  # as written, for messages
    pattern: str  # cleaned, without the `!`
    exception: bool  # `!pattern`: re-includes what earlier patterns excluded
    _regex: str = field(default="", compare=False, repr=False)
    _kind: str = field(default="exact", compare=False, repr=False)

    def matches(self, path: str) -> bool:
        if self._kind == "exact":
            return path == self.pattern
        if self._kind == "prefix":  # `dir/**`
            return path.startswith(self.pattern[:-2])
        if self._kind == "suffix":  # `**/name`
            suffix = self.pattern[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        return _compiled_regex(self._regex, self.line, self.text).search(path) is not None


@functools.cache
def _compiled_regex(regex: str, line: int, text: str) -> Any:
    """The rule's expression in RE2, the syntax and linear-time matching of Go's regexp (`\\z`,
    `[[:alpha:]]`, ASCII `\\d`; no backtracking, so `*a*a*a*a*b` cannot hang a walk), compiled
    at the rule's first use, as patternmatcher compiles it: a bad expression in a rule no path
    ever reaches (after `*`, a later exclusion) does not stop a build."""
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print its own line on stderr
    try:
        # Go's MatchString searches `^...$` (a trailing `\\` makes that `$` literal, and an
        # unescaped `|` splits it).
        return re2.compile(f"^{regex}$", options=options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        raise IgnorePatternError(
            f"line {line}: `{text}` is not a valid pattern ({reason})"
        ) from None


def _clean(path: str) -> str:
    """Go's filepath.Clean on a slash path (posixpath keeps a leading `//`; Go does not)."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


# Go's unicode.IsSpace: what strings.TrimSpace trims (Python's str.strip also trims \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def read_rules(text: str) -> list[IgnoreRule]:
    """The patterns of an ignore file, as BuildKit reads them (dockerignore.ReadAll, then
    patternmatcher.New): lines split at `\\n` only, a BOM dropped, a line that starts with
    `#` skipped (only at its very start), each pattern trimmed and cleaned, a leading `/`
    dropped, then trimmed and cleaned once more. Raises IgnorePatternError for a pattern
    BuildKit refuses."""
    rules = []
    for number, line in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        if len(line.encode()) >= 65536:  # bufio.Scanner's largest line
            raise IgnorePatternError(
                f"line {number} is 64 KiB or longer, which BuildKit cannot read"
            )
        line = line.removesuffix("\r")
        shown = line.strip(_GO_SPACE)
        if line.startswith("#") or not shown:
            continue
        pattern = shown
        exception = pattern.startswith("!")
        if exception:
            pattern = pattern[1:].strip(_GO_SPACE)
        if pattern:
            pattern = _clean(pattern)
            if len(pattern) > 1 and pattern.startswith("/"):
                pattern = pattern[1:]
        # patternmatcher.New: trimmed and cleaned again, `!` and all (`b /` is `b`, `!/` is `!`)
        pattern = ("!" if exception else "") + pattern
        if not pattern.strip(_GO_SPACE):
            continue
        pattern = _clean(pattern.strip(_GO_SPACE))
        exception = pattern.startswith("!")
        if exception:
            pattern = pattern[1:]
            if not pattern:
                raise IgnorePatternError(f"line {number}: `{shown}` excepts nothing")
        try:
            go_match(pattern, ".")  # what patternmatcher.New asks to find a bad pattern
        except BadPattern:
            raise IgnorePatternError(f"line {number}: `{shown}` is not a valid pattern") from None
        rules.append(_compiled(number, shown, pattern, exception))
    return rules


def _compiled(number: int, text: str, pattern: str, exception: bool) -> IgnoreRule:
    """patternmatcher's compile: a plain path matches exactly, `dir/**` by prefix, `**/x`
    by suffix, anything else by a regular expression."""
    kind = "exact"
    regex = ""
    i = 0
    while i < len(pattern):
        start, char = i, pattern[i]
        i += 1
        if pattern.startswith("**", start):
            i += 2 if pattern.startswith("/", start + 2) else 1
            if i < len(pattern):
                regex += "(.*/)?"
                kind = "regex"
            elif kind == "exact":
                kind = "prefix"
            else:
                regex += ".*"
                kind = "regex"
            if start == 0:
                kind = "suffix"
        elif char == "*":
            regex += "[^/]*"
            kind = "regex"
        elif char == "?":
            regex += "[^/]"
            kind = "regex"
        elif char in _ESCAPED:
            regex += "\\" + char
        elif char == "\\":
            if i == len(pattern):  # `a*\\`: go_match stopped before it; Go writes it as is
                regex += "\\"
                continue
            regex += "\\" + pattern[i]
            i += 1
            kind = "regex"
        else:
            regex += char
            if char in "[]":
                kind = "regex"
    return IgnoreRule(number, text, pattern, exception, regex, kind)


def _match(
    rules: Sequence[IgnoreRule], path: str, parent: Sequence[bool] | None
) -> tuple[bool, list[bool]]:
    """patternmatcher's MatchesUsingParentResults: whether `path` is excluded, and which
    rules matched it (or its folder), for its children. Without `parent`, every ancestor
    folder of `path` is tried against each rule instead."""
    excluded = False
    matched = [False] * len(rules)
    for index, rule in enumerate(rules):
        match = parent[index] if parent else False
        if not match:
            if rule.exception != excluded:
                continue  # an exclusion of an excluded path, an exception of a sent one
            match = rule.matches(path)
            if not match and not parent:
                match = any(rule.matches(folder) for folder in path_prefixes(path)[:-1])
        matched[index] = match
        if match:
            excluded = not rule.exception
    return excluded, matched


def path_prefixes(relpath: str) -> list[str]:
    """`a`, `a/b`, `a/b/c` for `a/b/c`: each folder above a path, then the path."""
    parts = relpath.split("/")
    return ["/".join(parts[: depth + 1]) for depth in range(len(parts))]


def _without_trailing_glob(pattern: str) -> str:
    for glob in ("/**", "/*"):
        pattern = pattern.removesuffix(glob)
    return pattern


@dataclass(frozen=True)
class ContextFilter:
    """An ignore file's rules, applied to a context as BuildKit sends it."""

    rules: tuple[IgnoreRule, ...]

    def sent(self, root: Path) -> list[str]:
        """The context's paths (files, folders, links; relative, `/`-separated) that BuildKit
        sends: fsutil's walk, which enters an excluded folder only when an exception could
        re-include something in it, and sends a folder whenever something inside is sent."""
        return list(self._walk(root, "", None))

    def excluded(self, relpath: str) -> bool:
        """Whether `relpath` is kept out, with each folder above it matched first, as the walk
        does."""
        parent: list[bool] | None = None
        excluded = False
        for prefix in path_prefixes(relpath):
            excluded, parent = _match(self.rules, prefix, parent)
        return excluded

    @functools.cached_property
    def _excepted(self) -> tuple[str, ...] | None:
        """What fsutil compares an excluded folder with before entering it: each exception's
        path without a trailing glob, with a `/`; None when one holds a pattern character
        (its onlyPrefixExcludeExceptions is false: it enters every excluded folder)."""
        stems = [_without_trailing_glob(rule.pattern) for rule in self.rules if rule.exception]
        if any(_PATTERN_CHARS & set(stem) for stem in stems):
            return None
        return tuple(f"{stem}/" for stem in stems)

    def _enters_excluded(self, folder: str) -> bool:
        excepted = self._excepted
        return excepted is None or any(stem.startswith(f"{folder}/") for stem in excepted)

    def _walk(self, root: Path, folder: str, parent: list[bool] | None) -> Iterator[str]:
        try:
            entries = sorted(os.scandir(root / folder), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            path = f"{folder}/{entry.name}" if folder else entry.name
            is_dir = entry.is_dir(follow_symlinks=False)
            excluded, matched = _match(self.rules, path, parent)
            if not excluded:
                yield path
                if is_dir:
                    yield from self._walk(root, path, matched)
            elif is_dir and self._enters_excluded(path):
                inside = list(self._walk(root, path, matched))
                if inside:  # fsutil sends the folders above anything it sends
                    yield path
                    yield from inside
