"""Whether the go command compiles a Go file into a Linux binary at all, as go/build decides
it: not a test file, not in a folder it skips (`testdata`, `_x`, `.x`), no GOOS suffix other
than linux (`_windows.go`), and a `//go:build` line that holds for linux on amd64 or arm64.
Tags the Dockerfile may set (`-tags dev`) are not known here: a constraint on one counts as
false, as in a build without it; `cgo` counts as true, since a builder may have a compiler.
"""

from __future__ import annotations

import re

__all__ = ["built_for_linux"]

_KNOWN_OS = frozenset(
    {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js"}
    | {"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"}
)
_KNOWN_ARCH = frozenset(
    {"386", "amd64", "arm", "arm64", "loong64", "mips", "mips64", "mips64le", "mipsle"}
    | {"ppc64", "ppc64le", "riscv64", "s390x", "sparc64", "wasm"}
)
_TRUE = frozenset({"linux", "unix", "gc", "amd64", "arm64", "cgo"})
_BUILD_LINE = re.compile(r"^//go:build\s+(.+)$", re.M)
_TOKEN = re.compile(r"\s*(\(|\)|!|&&|\|\||[\w.]+)")


def built_for_linux(path: str, text: str) -> bool:
    """Whether `path` (a .go file, relative to the context) with this text is compiled."""
    folders, name = path.split("/")[:-1], path.rsplit("/", 1)[-1]
    if name.endswith("_test.go") or name.startswith(("_", ".")):
        return False
    if any(f == "testdata" or f.startswith(("_", ".")) for f in folders):
        return False
    if not _suffix_allows(name.removesuffix(".go").split("_")[1:]):
        return False
    # The constraint sits before the package clause; a file may only have one.
    header = "" if text.startswith("package ") else text.split("\npackage ", 1)[0]
    line = _BUILD_LINE.search(header)
    return line is None or _holds(line.group(1))


def _suffix_allows(parts: list[str]) -> bool:
    """`_linux_arm64`, `_windows`, `_386`: a name's GOOS/GOARCH suffix, as go/build reads it."""
    last = parts[-1] if parts else ""
    if last in _KNOWN_ARCH and len(parts) >= 2 and parts[-2] in _KNOWN_OS:
        return parts[-2] == "linux" and last in _TRUE
    if last in _KNOWN_OS:
        return last == "linux"
    return last not in _KNOWN_ARCH or last in _TRUE


def _holds(expression: str) -> bool:
    tokens: list[str] = _TOKEN.findall(expression)
    position = 0

    def peek() -> str:
        return tokens[position] if position < len(tokens) else ""

    def take() -> str:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def either() -> bool:
        value = both()
        while peek() == "||":
            take()
            value = both() or value
        return value

    def both() -> bool:
        value = single()
        while peek() == "&&":
            take()
            value = single() and value
        return value

    def single() -> bool:
        token = take() if peek() else ""
        if token == "!":
            return not single()
        if token == "(":
            value = either()
            if peek() == ")":
                take()
            return value
        return token in _TRUE or token.startswith("go1.")

    try:
        return either()
    except RecursionError:
        return True  # a constraint too deep to read: count the file in
