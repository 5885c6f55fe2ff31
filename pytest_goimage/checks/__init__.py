"""The built-in checks, in the order they run. Each is one module with one `run` function."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import ImageConfig
    from ..session import GoImageSession

# Returns what it checked, for the report ("/app: static, CGO_ENABLED=0, go1.26.8"); raises
# CheckFailed or CheckSkipped otherwise. A repository check gets every configured image.
CheckFunction = Callable[["GoImageSession", "ImageConfig"], str]
RepositoryCheckFunction = Callable[["GoImageSession", "Sequence[ImageConfig]"], str]
# Dockerfile -> (outcome, message) for the images whose outcome is not the repository check's.
ImageOutcomesFunction = Callable[
    ["GoImageSession", "Sequence[ImageConfig]"], "dict[str, tuple[str, str]]"
]


@dataclass(frozen=True)
class Check:
    name: str
    module: str  # the module in this folder whose `run` the check is
    needs_docker: bool
    description: str
    repository: bool = False  # one item for all images (`goimage::parity`), not one per image

    @property
    def run(self) -> CheckFunction:
        """The check's function, imported on first use: naming the checks (the report, the
        command line) must not import the engine client that running them needs."""
        function: CheckFunction = importlib.import_module(f"{__name__}.{self.module}").run
        return function

    @property
    def run_repository(self) -> RepositoryCheckFunction:
        """A repository check's function (see `run`), given every configured image."""
        function: RepositoryCheckFunction = importlib.import_module(f"{__name__}.{self.module}").run
        return function

    @property
    def image_outcomes(self) -> ImageOutcomesFunction:
        """A repository check's outcome per image, where one differs from the check's."""
        module = importlib.import_module(f"{__name__}.{self.module}")
        function: ImageOutcomesFunction = module.image_outcomes
        return function


# Checks that need no Docker come first so a misconfiguration shows before minutes of building.
CHECKS: tuple[Check, ...] = (
    Check("go-version", "go_version", False, "Go version pins agree with go.mod"),
    Check("tracked", "tracked", False, "every Go build input is tracked by git"),
    Check("build", "build", True, "the image builds with BuildKit"),
    Check("static", "static", True, "the Go binary is static, built with CGO_ENABLED=0"),
    Check("size", "size", True, "the image fits its size budget and baseline"),
    Check("secrets", "secrets", True, "no secret-looking values in ENV, history or files"),
    Check("user", "user", True, "the image runs as non-root (with require_non_root)"),
    Check("metadata", "metadata", True, "the image config meets the declared metadata policy"),
    Check("provenance", "provenance", True, "the image is the repository's HEAD commit"),
    Check("bucket", "bucket", True, "the service creates its bucket at startup"),
    Check("health", "health", True, "the health endpoint answers 2xx"),
    # After every image's checks: it compares the binaries all of them built.
    Check(
        "parity",
        "parity",
        True,
        "images building the same main package build it alike",
        repository=True,
    ),
)
# The checks that run the image beside a MinIO: its pair stays up from the first to the last.
SERVICE_CHECKS = frozenset({"bucket", "health"})


def check_names() -> list[str]:
    """Every check's name, in report order (the repository checks last)."""
    return [check.name for check in CHECKS]


def image_check_names() -> list[str]:
    """The checks every image has (`<dockerfile>::<check>`)."""
    return [check.name for check in CHECKS if not check.repository]


def repository_check_names() -> list[str]:
    """The checks run once for the repository (`goimage::<check>`)."""
    return [check.name for check in CHECKS if check.repository]
