"""The build context as the engine receives it: a tar of the context dir minus what the
applicable ignore file (`<Dockerfile>.dockerignore`, else `.dockerignore`) excludes."""

from __future__ import annotations

import os
import tarfile
import tempfile
from pathlib import Path
from typing import IO

from docker.utils.build import PatternMatcher, exclude_paths

# Name under which a Dockerfile that lives outside its context travels in the tar.
OUTSIDE_DOCKERFILE = ".goimage.Dockerfile"


def ignore_file(context: Path, dockerfile: Path | None) -> Path | None:
    """The ignore file BuildKit applies: `<Dockerfile>.dockerignore` beside the Dockerfile
    wins over the context's `.dockerignore`; None when neither exists."""
    candidates = [Path(f"{dockerfile}.dockerignore")] if dockerfile is not None else []
    for path in [*candidates, context / ".dockerignore"]:
        if path.is_file():
            return path
    return None


def _numbered_patterns(path: Path) -> list[tuple[int, str]]:
    """(line number, pattern) of an ignore file, comments and blank lines dropped."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return [
        (number, line.strip())
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]


def dockerignore_patterns(context: Path, dockerfile: Path | None = None) -> list[str]:
    """The applicable ignore file's patterns (comments and blank lines dropped)."""
    path = ignore_file(context, dockerfile)
    return [pattern for _, pattern in _numbered_patterns(path)] if path else []


def excluding_rule(context: Path, dockerfile: Path | None, relpath: str) -> str | None:
    """`.dockerignore:3: *.yaml` when the applicable ignore file keeps `relpath` out of the
    context (the last matching pattern decides, `!` re-includes), else None."""
    path = ignore_file(context, dockerfile)
    if path is None:
        return None
    numbered = _numbered_patterns(path)
    if not PatternMatcher([pattern for _, pattern in numbered]).matches(relpath):
        return None
    rule = None
    for number, pattern in numbered:
        if not pattern.startswith("!") and PatternMatcher([pattern]).matches(relpath):
            rule = f"{os.path.relpath(path, context)}:{number}: {pattern}"
    return rule


def dockerfile_name_in_context(dockerfile: Path, context: Path) -> str | None:
    """The Dockerfile's path inside the context, or None when it lies outside it."""
    try:
        return dockerfile.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return None


def context_files(context: Path, dockerfile: Path | None) -> list[str]:
    """Paths (relative, sorted) that the context sends, the ignore file applied."""
    name = (dockerfile_name_in_context(dockerfile, context) if dockerfile else None) or (
        OUTSIDE_DOCKERFILE
    )
    # exclude_paths always keeps the Dockerfile, as the docker CLI does.
    patterns = dockerignore_patterns(context, dockerfile)
    return sorted(exclude_paths(str(context), patterns, dockerfile=name))


def context_tar(context: Path, dockerfile: Path) -> tuple[IO[bytes], str]:
    """A seekable tar of the context and the Dockerfile's name inside it."""
    name = dockerfile_name_in_context(dockerfile, context)
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)  # noqa: SIM115
    # GNU format: the engine's BuildKit path misreads PAX headers (Python's default) as text.
    with tarfile.open(fileobj=spool, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for rel in context_files(context, dockerfile):
            full = os.path.join(context, rel)
            tar.add(full, arcname=rel, recursive=False)
        if name is None:
            name = OUTSIDE_DOCKERFILE
            tar.add(str(dockerfile), arcname=name, recursive=False)
    spool.seek(0)
    return spool, name
