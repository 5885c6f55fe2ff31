"""Build arguments against the Dockerfile's ARG lines: which configured ones BuildKit would
ignore, and which names every builder knows without an ARG line."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import DockerfileSyntaxError
from ..gofacts.dockerfile import parse_dockerfile

_PROXY_ARGS = ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
# Build arguments every builder knows without an ARG line.
PREDEFINED_ARGS = frozenset(
    {
        *_PROXY_ARGS,
        *(name.lower() for name in _PROXY_ARGS),
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "SOURCE_DATE_EPOCH"),
    }
)


def declared_args(dockerfile: Path) -> set[str] | None:
    """The names the Dockerfile's ARG lines declare; None when it cannot be read or parsed
    (the build then reports why, in BuildKit's words)."""
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
        return parse_dockerfile(text).declared_args()
    except (OSError, DockerfileSyntaxError):
        return None


def undeclared_build_args(dockerfile: Path, build_args: Mapping[str, str]) -> list[str]:
    """Configured build arguments that no ARG line declares (BuildKit would ignore them)."""
    declared = declared_args(dockerfile) if build_args else None
    if declared is None:
        return []
    return sorted(
        name
        for name in build_args
        if name not in declared and name not in PREDEFINED_ARGS and not name.startswith("BUILDKIT_")
    )
