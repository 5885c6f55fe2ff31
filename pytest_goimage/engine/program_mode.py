"""Why the runtime may not execute the program an image runs: its mode read from the image's
layers, and the Dockerfile line that set it (a COPY of a file committed without its execute
bit, a `COPY --chmod` or `RUN chmod` that dropped it)."""

from __future__ import annotations

import posixpath
import re
import stat
from typing import Any

import docker.errors

from ..gofacts.dockerfile import Instruction, normalise_command
from . import program_files
from .missing_program import config_env, path_of

# runc's words for a program that is there but may not be executed (quoted when runc's own
# pre-check fails, as for root; bare when the exec itself does, as for another USER).
_DENIED = re.compile(r'exec(?:: "([^"]+)"| ([^\s:"]+)): permission denied')


def denied_program_hint(reason: str, client: Any, image_ref: str) -> str:
    """Advice when the runtime may not execute the program: its mode read from the image's
    layers (a COPY --chmod or RUN chmod that dropped the execute bit, usually) and the
    Dockerfile line that set it, where the image's labels lead to the Dockerfile."""
    denied = _DENIED.search(reason)
    if denied is None:
        return ""
    try:
        attrs = client.api.inspect_image(image_ref)
    except docker.errors.APIError:
        return ""
    config = attrs.get("Config") or {}
    path = posixpath.join(config.get("WorkingDir") or "/", denied.group(1) or denied.group(2))
    found = program_files.file_mode(client, attrs, path)
    return "" if found is None else mode_advice(attrs, path, found)


def mode_advice(attrs: dict[str, Any], path: str, found: program_files.FileMode) -> str:
    """denied_advice for `path` of mode `found` in the image `attrs` describes."""
    config = attrs.get("Config") or {}
    built_from = program_files.dockerfile_of(config.get("Labels") or {})
    setter = program_files.mode_setter(built_from.dockerfile, path) if built_from else None
    where = f"{built_from.name}:{setter.line}" if built_from and setter else ""
    return denied_advice(path, found, config.get("User") or "", setter, where)


def unexecutable_on_path(client: Any, image_ref: str, name: str) -> str:
    """Advice when a bare `name` the runtime did not find on PATH is there without its execute
    bit (runc's lookup, as a shell's, skips such a file and says "not found"): its mode and the
    line that set it; "" when no folder of the image's PATH holds a file of that name."""
    try:
        attrs = client.api.inspect_image(image_ref)
    except docker.errors.APIError:
        return ""
    found = on_path(client, attrs, name)
    if found is None or stat.S_ISDIR(found[1].mode) or found[1].mode & 0o111:
        return ""
    path, mode = found
    advice = mode_advice(attrs, path, mode).removeprefix(". ")
    return f". {name} is on PATH at {path}, but the runtime skips it: {advice}"


def on_path(
    client: Any, attrs: dict[str, Any], name: str
) -> tuple[str, program_files.FileMode] | None:
    """The first file called `name` in a folder of the image's PATH, with its mode."""
    for folder in path_of(config_env(attrs.get("Config") or {})).split(":"):
        path = posixpath.join(folder or "/", name)
        found = program_files.file_mode(client, attrs, path)
        if found is not None:
            return path, found
    return None


def denied_advice(
    path: str, found: program_files.FileMode, user: str, setter: Instruction | None, where: str
) -> str:
    """The sentence for a program of mode `found` that the runtime refused to execute as
    `user` (the image's USER), naming `setter`, the instruction that set the mode, at
    `where` (`Dockerfile:7`) where it is known."""
    if stat.S_ISDIR(found.mode):
        return f". {path} is a folder in the image: point ENTRYPOINT/CMD at the program in it"
    mode = found.permissions
    if found.mode & 0o111 == 0:
        what = f". {path} has mode {mode} in the image, not executable"
    elif (user.split(":", 1)[0] or "root") not in ("root", "0") and found.mode & 0o001 == 0:
        what = (
            f". {path} has mode {mode} in the image, owned by {found.uid}:{found.gid}, which "
            f"USER {user} may not execute"
        )
    else:
        return (
            f". {path} has mode {mode} in the image, which lets USER {user or 'root'} execute "
            "it: a folder on its path may lack the execute bit, or its file system be noexec"
        )
    if setter is None:
        return f"{what}: give it mode 0755 (`COPY --chmod=0755`, or `RUN chmod 0755 {path}`)"
    shown = normalise_command(setter.text)
    shown = shown if len(shown) <= 120 else shown[:117] + "..."
    if setter.keyword == "RUN":
        return f"{what}; `{shown}` ({where}) sets that mode: chmod it 0755 there instead"
    if setter.flag("chmod") is not None:
        return f"{what}; `{shown}` ({where}) sets that mode: write --chmod=0755 there"
    return f"{what}; `{shown}` ({where}) keeps the mode of the file it copies: add --chmod=0755"
