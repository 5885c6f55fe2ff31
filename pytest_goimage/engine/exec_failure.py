"""Why the runtime, or an init that runs the program (tini, dumb-init), could not execute it
(`exec /docker-entrypoint.sh: no such file or directory`, `exec format error`, `[dumb-init]
entrypoint.sh: Permission denied`), read from the first bytes of that file in the image: a
script saved with Windows line endings asks for `/bin/sh\\r`; a script without `#!` cannot be
executed at all; a shell script on scratch has no shell; an ELF for another CPU; a dynamic
binary without its loader; a file without its execute bit."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

import docker.errors
import requests

from ..gofacts.saved_image import SavedImage
from ..gofacts.script_start import HEAD, interpreter_of, script_refusal
from . import overlay, program_files, program_mode

# What the runtime prints when the entrypoint cannot be executed at all.
EXEC_FAILED = re.compile(r"exec ([^:\s]+): (no such file or directory|exec format error)")
_ERRORS = r"Permission denied|No such file or directory|Exec format error"
# What an init prints when it cannot execute the program it runs: dumb-init, tini; and a shell
# that tini's execvp falls back to for a file the kernel refused (busybox's and dash's words),
# which is a wrong-CPU binary where the file is an ELF.
_BY_DUMB_INIT = re.compile(rf"\[dumb-init\] ([^:\s]+): ({_ERRORS})")
_BY_TINI = re.compile(rf"\[FATAL tini \(\d+\)\] exec (\S+) failed: ({_ERRORS})")
_BY_SHELL = re.compile(r"^(/\S+): (?:line )?1: [Ss]yntax error", re.M)
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
    """The sentence for the runtime's or an init's exec failure in `logs`, naming the cause
    read from the image; None when the logs show no such failure."""
    failed = _failed_exec(logs)
    if failed is None:
        return None
    program, error, by = failed
    try:
        attrs = client.api.inspect_image(image_ref)
    except (docker.errors.APIError, requests.RequestException):
        attrs = None
    if attrs is not None and not program.startswith("/"):
        on_path = program_mode.on_path(client, attrs, program)
        program = on_path[0] if on_path else program
    said = {
        "": "",
        "a shell": f"The shell a wrapper fell back to could not run {program}: ",
    }.get(by, f"{by} could not execute {program}: ")
    if attrs is not None and "/" not in program and error == "no such file or directory":
        return (
            f"{said}no folder of the image's PATH holds a file called {program}: name it by "
            "its absolute path, or COPY it into a folder on PATH"
        )
    if error == "permission denied":
        mode = program_files.file_mode(client, attrs, program) if attrs else None
        advice = program_mode.mode_advice(attrs, program, mode) if attrs and mode else ""
        return f"{said}{advice.removeprefix('. ')}" if advice else None
    head = _read(client, attrs, program)
    if by == "a shell" and not (head or b"").startswith(b"\x7fELF"):
        return None  # a script's own syntax error
    return said + _cause(client, attrs, program, error, head)


def _failed_exec(logs: str) -> tuple[str, str, str] | None:
    """(the program, the error in the runtime's words, who failed: "" for the runtime)."""
    for pattern, by in ((EXEC_FAILED, ""), (_BY_DUMB_INIT, "dumb-init"), (_BY_TINI, "tini")):
        found = pattern.search(logs)
        if found is not None:
            return found.group(1), found.group(2).lower(), by
    shell = _BY_SHELL.search(logs)
    return (shell.group(1), "exec format error", "a shell") if shell else None


def _cause(
    client: Any, attrs: dict[str, Any] | None, program: str, error: str, head: bytes | None
) -> str:
    """Why the kernel would not execute `program`, whose first bytes are `head`."""
    if head is None:
        return DYNAMIC
    if head.startswith(b"\x7fELF"):
        if error == "exec format error":
            return _foreign_binary(client, program, head)
        return DYNAMIC
    workdir = str(((attrs or {}).get("Config") or {}).get("WorkingDir") or "/")
    refusal = script_refusal(
        program, head, lambda path: _read(client, attrs, path) is not None, workdir
    )
    if refusal is not None:
        return refusal
    interpreter = interpreter_of(head)
    loader = _read(client, attrs, interpreter)
    if loader is not None and loader.startswith(b"\x7fELF") and error == "exec format error":
        return f"{program} is a script for {interpreter}, and {_foreign_binary(client, interpreter, loader)}"
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


def _read(client: Any, attrs: dict[str, Any] | None, path: str) -> bytes | None:
    """The first bytes of `path` in the image `attrs` describes (symlinks followed), from the
    engine's overlay2 folders where they are readable, else from an export; None when it is
    not there."""
    if attrs is None or not path.startswith("/"):
        return None  # a name the runtime looked up on PATH: it said so in other words
    path = posixpath.normpath(path)

    def local(dirs: list[Path]) -> bytes | None:
        try:
            return overlay.read_file(dirs, path)[:HEAD]
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None  # not there, or a folder (a refused read falls back to the export)

    def exported(saved: SavedImage) -> bytes | None:
        try:
            return saved.read(path)[:HEAD]
        except OSError:
            return None

    return program_files.from_image(client, attrs, local, exported)
