"""The build context as the engine receives it: a tar of the context dir minus what the
applicable ignore file (`<Dockerfile>.dockerignore`, else `.dockerignore`) excludes."""

from __future__ import annotations

import contextlib
import functools
import os
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import BuildFailed
from .dockerignore import ContextFilter, IgnorePatternError, IgnoreRule, path_prefixes, read_rules

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


@contextlib.contextmanager
def _refused_by_buildkit(path: Path | None) -> Iterator[None]:
    """A pattern of the ignore file at `path` that BuildKit refuses (when reading the file, or
    when the walk first reaches it) as the build failure it would be, naming file and line."""
    try:
        yield
    except IgnorePatternError as exc:
        raise BuildFailed(
            f"{path}: {exc}; BuildKit refuses to build with it. Fix or remove that line."
        ) from None


def _filter_of(path: Path | None) -> ContextFilter:
    """The rules of the ignore file at `path` (none without one). Raises BuildFailed, naming the
    file and line, for a pattern BuildKit refuses: the build would fail on it."""
    if path is None:
        return ContextFilter(())
    with _refused_by_buildkit(path):
        return _parsed(path.read_text(encoding="utf-8", errors="replace"))


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> ContextFilter:
    # Read for every build, for `tracked`, and by provenance once per changed file.
    return ContextFilter(tuple(read_rules(text)))


def excluding_rule(context: Path, dockerfile: Path | None, relpath: str) -> str | None:
    """`.dockerignore:3: *.yaml` when the applicable ignore file keeps `relpath` out of the
    context, else None: the last pattern, not an exception, that matches it or a folder above
    it (the last matching pattern decides, `!` re-includes)."""
    path = ignore_file(context, dockerfile)
    if path is None:
        return None
    applied = _filter_of(path)
    above = path_prefixes(relpath)
    with _refused_by_buildkit(path):
        if not applied.excluded(relpath):
            return None
        rule = next(
            (
                rule
                for rule in reversed(applied.rules)
                if not rule.exception and any(_matches(rule, part) for part in above)
            ),
            None,
        )
    where = os.path.relpath(path, context)
    return f"{where}:{rule.line}: {rule.text}" if rule else where


def _matches(rule: IgnoreRule, path: str) -> bool:
    """Whether `rule` matches `path`, for naming the rule that excluded it: a rule the walk
    never evaluates may be one BuildKit would refuse, and then it decides nothing."""
    try:
        return rule.matches(path)
    except IgnorePatternError:
        return False


def dockerfile_name_in_context(dockerfile: Path, context: Path) -> str | None:
    """The Dockerfile's path inside the context, or None when it lies outside it."""
    try:
        return dockerfile.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return None


def context_files(context: Path, dockerfile: Path | None) -> list[str]:
    """Paths (relative, sorted) that the context sends, the ignore file applied as BuildKit
    applies it. The Dockerfile and the ignore file stay in any case, as the docker CLI keeps
    them: BuildKit reads both from the context."""
    ignore = ignore_file(context, dockerfile)
    applied = _filter_of(ignore)
    with _refused_by_buildkit(ignore):
        sent = set(applied.sent(context))
    kept = [
        dockerfile_name_in_context(path, context)
        for path in (dockerfile, ignore, context / ".dockerignore")
        if path is not None and path.is_file()
    ]
    return sorted(sent.union(name for name in kept if name))


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
