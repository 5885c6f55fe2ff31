"""The built-in checks, in the order they run. Each is one module with one `run` function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..config import ImageConfig
from ..session import GoImageSession
from . import bucket, build, go_version, health, secrets, size, static, tracked, user

# Returns what it checked, for the report ("/app: static, CGO_ENABLED=0, go1.26.8"); raises
# CheckFailed or CheckSkipped otherwise.
CheckFunction = Callable[[GoImageSession, ImageConfig], str]


@dataclass(frozen=True)
class Check:
    name: str
    run: CheckFunction
    needs_docker: bool
    description: str


# Checks that need no Docker come first so a misconfiguration shows before minutes of building.
CHECKS: tuple[Check, ...] = (
    Check("go-version", go_version.run, False, "Go version pins agree with go.mod"),
    Check("tracked", tracked.run, False, "every Go build input is tracked by git"),
    Check("build", build.run, True, "the image builds with BuildKit"),
    Check("static", static.run, True, "the Go binary is static, built with CGO_ENABLED=0"),
    Check("size", size.run, True, "the image fits its size budget and baseline"),
    Check("secrets", secrets.run, True, "no secret-looking values in ENV, history or files"),
    Check("user", user.run, True, "the image runs as non-root (with require_non_root)"),
    Check("bucket", bucket.run, True, "the service creates its bucket at startup"),
    Check("health", health.run, True, "the health endpoint answers 2xx"),
)
# The checks that run the image beside a MinIO: its pair stays up from the first to the last.
SERVICE_CHECKS = frozenset({"bucket", "health"})


def check_names() -> list[str]:
    return [check.name for check in CHECKS]
