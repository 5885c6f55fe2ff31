"""`-X importpath.name=value` assignments in a Go binary's `-ldflags` build setting: a value
set there is linked into the binary, where `go version -m` and `strings` read it back."""

from __future__ import annotations

import re
import shlex

# `go build -ldflags=all=-X main.k=v`: the flags of the packages a pattern matches (`all`,
# `./...`, an import path), which Go records in the build info as written.
_PACKAGE_PATTERN = re.compile(r"^(?!-)[\w./@-]+=(?=-)")


def linker_assignments(ldflags: str) -> list[tuple[str, str]]:
    """(`importpath.name`, value) of each `-X`, split as Go splits -ldflags (quotes group a
    word: `-X 'main.motd=hello world'`); `-X name=value`, `-X=name=value` and `--X` alike.
    A whole command works too: a quoted `-ldflags "..."` or `-ldflags=...` word is read inside,
    and a package pattern before the flags (`-ldflags=all=-X ...`, `./cmd/...=-X ...`) is skipped."""
    try:
        words = shlex.split(ldflags)
    except ValueError:  # an unbalanced quote: read what whitespace gives
        words = ldflags.split()
    found: list[tuple[str, str]] = []
    for index, word in enumerate(words):
        pattern = _PACKAGE_PATTERN.match(word)
        word = word[pattern.end() :] if pattern else word
        flag, equals, rest = word.lstrip("-").partition("=")
        if word.startswith("-") and flag == "ldflags" and equals:
            found += linker_assignments(rest)
            continue
        if not word.startswith("-") or flag != "X":
            if " -X" in f" {word}" and any(c.isspace() for c in word):
                found += linker_assignments(word)  # the quoted value of `-ldflags "..."`
            continue
        assignment = rest if equals else (words[index + 1] if index + 1 < len(words) else "")
        name, sep, value = assignment.partition("=")
        if sep and name:
            found.append((name, value))
    return found


def variable_name(name: str) -> str:
    """The Go variable of `github.com/acme/app/config.apiToken`: `apiToken`, which says what
    the value is."""
    return name.rsplit(".", 1)[-1]
