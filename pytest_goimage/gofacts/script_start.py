"""Whether the kernel will execute a script as the program a container starts, read from its
first bytes: a `#!` line behind a UTF-8 byte order mark, no `#!` at all, Windows line endings
(`#!/bin/sh\\r`), or an interpreter the image does not have each stop every start."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

HEAD = 512  # enough for any `#!` line (the kernel reads 256 bytes of it)


def interpreter_of(head: bytes) -> str:
    """The interpreter a `#!` line names (`/bin/sh` of `#!/bin/sh -e`), `\\r` kept. The
    kernel ends it at a space or a tab."""
    first = head.split(b"\n", 1)[0]
    return re.split(r"[ \t]", first[2:].decode("utf-8", "replace").strip(" \t"), maxsplit=1)[0]


def script_refusal(
    program: str,
    head: bytes,
    has_file: Callable[[str], bool],
    workdir: str = "/",
    *,
    by_wrapper: bool = False,
) -> str | None:
    """Why the kernel refuses to execute `program`, whose first bytes are `head`, in an image
    where `has_file` says which paths exist; None for an ELF or a script it runs. A relative
    interpreter is looked up from `workdir`, the container's working directory, as the
    kernel does. `by_wrapper`: a wrapper's execvp runs it, which glibc's hands to /bin/sh
    where the kernel sees no `#!`: only a `#!` line the kernel cannot follow is certain."""
    if head.startswith(b"\x7fELF"):
        return None
    if by_wrapper and not head.startswith(b"#!"):
        return None
    if head.startswith(b"\xef\xbb\xbf#!"):
        return (
            f"{program} starts with a UTF-8 byte order mark before its `#!`, so the kernel "
            "does not see the `#!`: save it as UTF-8 without a BOM"
        )
    first = head.split(b"\n", 1)[0]
    if not first.startswith(b"#!"):
        return (
            f"{program} is a script without a `#!` line, which the kernel cannot execute: make "
            "its first line `#!/bin/sh` (or the shell it is written for)"
        )
    interpreter = interpreter_of(head)
    if first.endswith(b"\r"):
        # The `\r` sticks to the line's last word: the interpreter's, or its argument's
        # (`#!/usr/bin/env sh\r` makes env look for `sh\r`).
        last = first.decode("utf-8", "replace")[2:].split()[-1]
        return (
            f"{program} has Windows line endings (CRLF): its `#!` line asks for "
            f"`{last}\\r`, which no image has. Save it with LF endings "
            "(`*.sh text eol=lf` in .gitattributes keeps every checkout so), or strip them in "
            f"the Dockerfile: `RUN sed -i 's/\\r$//' {program}`"
        )
    if not interpreter.startswith("/"):
        if has_file(posixpath.join(workdir or "/", interpreter)):
            return None
        return (
            f"{program} is a script whose `#!` line asks for {interpreter}, a relative path "
            f"that the kernel looks up from the working directory ({workdir or '/'}), where "
            "the image has no such file: write the interpreter's absolute path (`#!/bin/sh`)"
        )
    if not has_file(interpreter):
        return (
            f"{program} is a script whose `#!` line asks for {interpreter}, which the image "
            "does not have (scratch and distroless images have no shell): run the Go binary "
            "itself as ENTRYPOINT, or use a base image that has the shell"
        )
    return None
