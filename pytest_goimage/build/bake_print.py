"""A CI job's bake definition as buildx resolves it: `docker buildx bake --print`, run in the
checkout with only the environment CI gives the job. It reads files only (no builder, no
engine), and a run asks for the same definition once per image: each answer is kept for the
process while the folder's files are unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..gofacts.bake_request import BakeRequest, BakeUnreadable
from .bake_definition import clean_definition, env_file_variables
from .buildx import INSTALL_BUILDX, docker_with_buildx

__all__ = ["print_bake"]

_TIMEOUT_S = 30.0
_LOCK = threading.Lock()
# Each answer, or why there is none (the same for every image that asks).
_PRINTED: dict[tuple[object, ...], Mapping[str, Any] | BakeUnreadable] = {}


def print_bake(checkout: Path, request: BakeRequest) -> Mapping[str, Any]:
    """What `docker buildx bake --print` says of `request`, run in its folder of `checkout`."""
    folder = checkout / request.workdir
    key = (folder.resolve(), request, os.environ.get("DOCKER_CONFIG"), _stamp(folder, request))
    with _LOCK:
        found = _PRINTED.get(key)
    if found is None:
        try:
            found = _print(checkout, request)
        except BakeUnreadable as exc:
            found = exc
        with _LOCK:
            _PRINTED[key] = found
    if isinstance(found, BakeUnreadable):
        raise found
    return found


def _print(checkout: Path, request: BakeRequest) -> Mapping[str, Any]:
    docker = docker_with_buildx()
    if docker is None:
        raise BakeUnreadable(
            "buildx is not installed on this machine (`docker buildx version` fails), and "
            "only buildx reads a bake or compose file as CI's build does: install it "
            f"({INSTALL_BUILDX})"
        )
    # This machine's PATH, HOME and DOCKER_CONFIG find buildx: CI's values of them do not.
    own = {
        name: os.environ[name] for name in ("PATH", "HOME", "DOCKER_CONFIG") if name in os.environ
    }
    command = [docker, "buildx", "bake", "--print", *request.args]
    with clean_definition(checkout, request) as folder:
        # The job's environment wins over its env files, as in compose; read once the files
        # are known to be CI's (clean_definition refuses an untracked one first).
        env = {**env_file_variables(checkout, request), **dict(request.env), **own}
        return _run(command, folder, env, request)


def _run(
    command: list[str], folder: Path, env: dict[str, str], request: BakeRequest
) -> Mapping[str, Any]:
    try:
        done = subprocess.run(
            command,
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BakeUnreadable(f"`{_shown(request)}` did not answer: {exc}") from None
    if done.returncode != 0:
        raise BakeUnreadable(f"`{_shown(request)}` failed: {_error(done.stderr)}")
    try:
        printed = json.loads(done.stdout)
    except ValueError as exc:
        raise BakeUnreadable(f"`{_shown(request)}` printed no JSON ({exc})") from None
    if not isinstance(printed, dict):
        raise BakeUnreadable(f"`{_shown(request)}` printed no definition")
    return printed


def _stamp(folder: Path, request: BakeRequest) -> tuple[tuple[str, int, int], ...]:
    """The size and change time of the files bake may read there (its default names are in
    the folder; `-f` and env files anywhere), so an edited file is read again."""
    try:
        paths = [p for p in folder.iterdir() if p.is_file()]
    except OSError:
        paths = []
    paths += [folder / name for name in (*request.files, *(request.env_files or ()))]
    stamps = []
    for path in sorted(set(paths)):
        try:
            stat = path.stat()
        except (OSError, ValueError):  # gone, or a name the OS refuses
            continue
        stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


def _shown(request: BakeRequest) -> str:
    where = "" if request.workdir in ("", ".") else f" (in {request.workdir})"
    return " ".join(["docker buildx bake --print", *request.args]) + where


def _error(stderr: str) -> str:
    """buildx's own error lines (`ERROR: ...`), without its progress output."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("ERROR:", "error:"))]
    return " ".join(errors or lines[:1]) or "no output"
