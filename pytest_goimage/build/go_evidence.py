"""Whether a Dockerfile ships Go, read from the Dockerfile and its build context.

An image whose program is not a Go executable skips the Go checks only when nothing says it
ships Go: a service behind a wrapper the follower does not know (chpst, setpriv), a shebang
it does not read, or a UPX-packed binary would otherwise pass without its Go checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..gofacts.dockerfile import Dockerfile, parse_dockerfile_leniently
from ..gofacts.dockerfile_pins import resolved_bases
from ..gofacts.elf import looks_like_elf
from ..gofacts.image_reference import split_reference

# A RUN that builds Go: the go command, or a tool that runs it.
_BUILDS_GO = re.compile(
    r"(?:^|[\s;&|(])(?:go\s+(?:build|install)|ko\s+build|goreleaser|tinygo\s+build)\b"
)
_MAX_CONTEXT_FILES = 200  # a COPY of a whole folder is looked into this far


def go_evidence(dockerfile: Path, context: Path, build_args: Mapping[str, str]) -> str:
    """What says the image ships Go ("FROM golang (line 3)", "RUN go build (line 12)", "COPY
    of the executable bin/app (line 9)"), or "" when nothing does."""
    try:
        parsed = parse_dockerfile_leniently(
            dockerfile.read_text(encoding="utf-8", errors="replace")
        )
    except OSError:
        return "the Dockerfile cannot be read"
    for stage, base in zip(parsed.stages, resolved_bases(parsed, build_args), strict=True):
        if _is_go_image(base):
            return f"FROM {base} (line {stage.line})"
    for instruction in parsed.instructions:
        source = instruction.flag("from") or ""
        if instruction.keyword == "COPY" and _is_go_image(source):
            return f"COPY --from={source} (line {instruction.line})"
        if instruction.keyword == "RUN" and _BUILDS_GO.search(
            " ".join([*instruction.args, *(h.content for h in instruction.heredocs)])
        ):
            return f"RUN {instruction.args[0][:60] if instruction.args else ''} (line {instruction.line})"
    return _copied_executable(parsed, context)


def _is_go_image(reference: str) -> bool:
    """golang (Docker Hub, mirrors) or an image named go (cgr.dev/chainguard/go)."""
    repository, _, _ = split_reference(reference)
    return repository.rsplit("/", 1)[-1].lower() in ("golang", "go")


def _copied_executable(parsed: Dockerfile, context: Path) -> str:
    """An ELF file the Dockerfile copies from the build context (goreleaser and ko-style
    Dockerfiles copy a binary built outside the image)."""
    seen = 0
    for instruction in parsed.instructions:
        for source in instruction.sources():
            for path in _expanded(context, source):
                seen += 1
                if seen > _MAX_CONTEXT_FILES:
                    return ""
                if _is_elf(path):
                    shown = path.relative_to(context).as_posix()
                    return f"COPY of the executable {shown} (line {instruction.line})"
    return ""


def _expanded(context: Path, source: str) -> list[Path]:
    source = source.lstrip("/")
    try:
        matches = (
            sorted(context.glob(source)) if any(c in source for c in "*?[") else [context / source]
        )
    except (OSError, ValueError):
        return []
    files: list[Path] = []
    for match in matches:
        if match.is_dir():
            files += sorted(p for p in match.rglob("*") if p.is_file())[:_MAX_CONTEXT_FILES]
        elif match.is_file():
            files.append(match)
    return files


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return looks_like_elf(file.read(4))
    except OSError:
        return False
