"""Why the runtime could not execute a container's entrypoint (`exec /docker-entrypoint.sh: no
such file or directory`, `exec format error`), read from the first bytes of that file in the
image: a script saved with Windows line endings asks for `/bin/sh\\r`; a script without `#!`
cannot be executed at all; a shell script on scratch has no shell; an ELF for another CPU; a
dynamic binary without its loader."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import docker.errors
import requests

from ..gofacts.saved_image import SavedImage
from . import overlay, program_files

# What the runtime prints when the entrypoint cannot be executed at all.
EXEC_FAILED = re.compile(r"exec ([^:\s]+): (no such file or directory|exec format error)")
_HEAD = 512
# ELF e_machine values of the architectures images are built for.
_MACHINES = {0x03: "386", 0x28: "arm", 0x3E: "amd64", 0xB7: "arm64", 0xF3: "riscv64"}
_MACHINES |= {0x08: "mips", 0x14: "ppc", 0x15: "ppc64le", 0x16: "s390x"}
# `docker info`'s Architecture (uname -m) as GOARCH names it.
_ENGINE_ARCH = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "arm", "i686": "386"}
_ENGINE_ARCH |= {"ppc64le": "ppc64le", "s390x": "s390x", "riscv64": "riscv64"}
DYNAMIC = (
    "The file is missing, or it is a dynamic binary whose ELF interpreter or libraries the "
    "image lacks (the static check names them); build with CGO_ENABLED=0 or use a base image "
    "that has them"
)


def exec_failure_hint(client: Any, image_ref: str, logs: str) -> str | None:
    """The sentence for the runtime's exec failure in `logs`, naming the cause read from the
    image; None when the logs show no such failure."""
    failed = EXEC_FAILED.search(logs)
    if failed is None:
        return None
    program, error = failed.groups()
    head = _read(client, image_ref, program)
    if head is None:
        return DYNAMIC
    if head.startswith(b"\x7fELF"):
        if error == "exec format error":
            return _foreign_binary(client, program, head)
        return DYNAMIC
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
    interpreter = first[2:].decode("utf-8", "replace").strip(" \t").split(" ", 1)[0]
    if first.endswith(b"\r"):
        return (
            f"{program} has Windows line endings (CRLF): its `#!` line asks for "
            f"`{interpreter.rstrip(chr(13))}\\r`, which no image has. Save it with LF endings "
            "(`*.sh text eol=lf` in .gitattributes keeps every checkout so), or strip them in "
            f"the Dockerfile: `RUN sed -i 's/\\r$//' {program}`"
        )
    loader = _read(client, image_ref, interpreter)
    if loader is not None and loader.startswith(b"\x7fELF") and error == "exec format error":
        return f"{program} is a script for {interpreter}, and {_foreign_binary(client, interpreter, loader)}"
    if loader is None:
        return (
            f"{program} is a script whose `#!` line asks for {interpreter}, which the image "
            "does not have (scratch and distroless images have no shell): run the Go binary "
            "itself as ENTRYPOINT, or use a base image that has the shell"
        )
    return DYNAMIC


def _foreign_binary(client: Any, program: str, head: bytes) -> str:
    """The sentence for an ELF the kernel refused: built for another CPU than the engine's,
    else damaged (the engine's own CPU runs a whole binary of its kind)."""
    machine = int.from_bytes(head[18:20], "little" if head[5:6] == b"\x01" else "big")
    arch = _MACHINES.get(machine, f"ELF machine {machine:#x}")
    try:
        engine = _ENGINE_ARCH.get(str(client.info().get("Architecture", "")), "")
    except (docker.errors.APIError, requests.RequestException):
        engine = ""
    if arch == engine:
        return (
            f"{program} is a binary for {arch}, the engine's own CPU, which the kernel still "
            "refused: the file is truncated or damaged; rebuild the image"
        )
    return (
        f"{program} is a binary for {arch}, which this engine's CPU"
        f"{f' ({engine})' if engine else ''} cannot run: build it for the engine's platform "
        "(GOARCH, or $TARGETARCH with --platform)"
    )


def _read(client: Any, image_ref: str, path: str) -> bytes | None:
    """The first bytes of `path` in the image (symlinks followed), from the engine's overlay2
    folders where they are readable, else from an export; None when it is not there."""
    if not path.startswith("/"):
        return None  # a name the runtime looked up on PATH: it said so in other words
    try:
        inspect = client.api.inspect_image(image_ref)
    except (docker.errors.APIError, requests.RequestException):
        return None
    path = posixpath.normpath(path)

    def local(dirs: list[Path]) -> bytes | None:
        try:
            return overlay.read_file(dirs, path)[:_HEAD]
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # not there, or a folder (a refused read falls back to the export)

    def exported(saved: SavedImage) -> bytes | None:
        try:
            return saved.read(path)[:_HEAD]
        except OSError:
            return None

    return program_files.from_image(client, inspect, local, exported)
