"""Whether the kernel will execute a script as the program a container starts, read from its
first bytes: a `#!` line behind a UTF-8 byte order mark, no `#!` at all, Windows line endings
(`#!/bin/sh\\r`), or an interpreter the image does not have each stop every start."""

from __future__ import annotations

from collections.abc import Callable

HEAD = 512  # enough for any `#!` line (the kernel reads 256 bytes of it)


def interpreter_of(head: bytes) -> str:
    """The interpreter a `#!` line names (`/bin/sh` of `#!/bin/sh -e`), `\\r` kept."""
    first = head.split(b"\n", 1)[0]
    return first[2:].decode("utf-8", "replace").strip(" \t").split(" ", 1)[0]


def script_refusal(program: str, head: bytes, has_file: Callable[[str], bool]) -> str | None:
    """Why the kernel refuses to execute `program`, whose first bytes are `head`, in an image
    where `has_file` says which paths exist; None for an ELF or a script it runs."""
    if head.startswith(b"\x7fELF"):
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
        return (
            f"{program} has Windows line endings (CRLF): its `#!` line asks for "
            f"`{interpreter.rstrip(chr(13))}\\r`, which no image has. Save it with LF endings "
            "(`*.sh text eol=lf` in .gitattributes keeps every checkout so), or strip them in "
            f"the Dockerfile: `RUN sed -i 's/\\r$//' {program}`"
        )
    if not interpreter.startswith("/") or not has_file(interpreter):
        return (
            f"{program} is a script whose `#!` line asks for {interpreter}, which the image "
            "does not have (scratch and distroless images have no shell): run the Go binary "
            "itself as ENTRYPOINT, or use a base image that has the shell"
        )
    return None
