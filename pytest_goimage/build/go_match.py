"""Go's `path/filepath.Match`, ported for the one use BuildKit makes of it on an ignore file:
`patternmatcher.New` calls `Match(pattern, ".")` and refuses the pattern when that errors.

Which patterns error depends on how far Match gets: it stops at the first chunk (the text
between `*`s) that cannot match `.`, so `web*[-_]old` is accepted while `[-_]old` is refused.
Only a port of the same steps refuses exactly what BuildKit refuses.
"""

from __future__ import annotations


class BadPattern(ValueError):
    """filepath.ErrBadPattern."""


def go_match(pattern: str, name: str) -> bool:
    """filepath.Match on Unix (the separator `/`, `\\` escapes). Raises BadPattern."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name  # a trailing * matches the rest unless it has a /
        rest, ok = _match_chunk(chunk, name)
        if ok and (not rest or pattern):
            name = rest
            continue
        if star and (skipped := _skipped_to_match(chunk, name, last=not pattern)) is not None:
            name = skipped
            continue
        return False
    return not name


def _skipped_to_match(chunk: str, name: str, *, last: bool) -> str | None:
    """What is left of `name` after `chunk` matches further on (a star skips 1, 2, ...
    characters, never a `/`); the last chunk must use up the name. None when it never does."""
    for skip in range(len(name)):
        if name[skip] == "/":
            break
        rest, ok = _match_chunk(chunk, name[skip + 1 :])
        if ok and not (last and rest):
            return rest
    return None


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = pattern.startswith("*")
    pattern = pattern.lstrip("*")
    in_range = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            i += 1
        elif char == "[":
            in_range = True
        elif char == "]":
            in_range = False
        elif char == "*" and not in_range:
            return star, pattern[:i], pattern[i:]
        i += 1
    return star, pattern, ""


def _match_chunk(chunk: str, name: str) -> tuple[str, bool]:
    """The rest of `name` after `chunk`, and whether it matched; the whole chunk is checked
    for errors even after it stopped matching."""
    failed = False
    while chunk:
        failed = failed or not name
        char = chunk[0]
        if char == "[":
            got = ""
            if not failed:
                got, name = name[0], name[1:]
            chunk = chunk[1:]
            negated = chunk.startswith("^")
            if negated:
                chunk = chunk[1:]
            matched, ranges = False, 0
            while not (chunk.startswith("]") and ranges):
                low, chunk = _get_escaped(chunk)
                high = low
                if chunk.startswith("-"):
                    high, chunk = _get_escaped(chunk[1:])
                matched = matched or (bool(got) and low <= got <= high)
                ranges += 1
            chunk = chunk[1:]
            failed = failed or matched == negated
            continue
        if char == "?":
            if not failed:
                failed, name = name[0] == "/", name[1:]
            chunk = chunk[1:]
            continue
        if char == "\\":
            chunk = chunk[1:]
            if not chunk:
                raise BadPattern
        if not failed:
            failed, name = chunk[0] != name[0], name[1:]
        chunk = chunk[1:]
    return ("", False) if failed else (name, True)


def _get_escaped(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise BadPattern
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern
    if len(chunk) == 1:
        raise BadPattern  # the class never closes
    return chunk[0], chunk[1:]
