"""The plugin's exception types; each carries the one-paragraph message a user reads."""

from __future__ import annotations

from pathlib import Path


class GoImageError(Exception):
    """Base of every error the plugin reports to a user (never shown with a traceback)."""


class ConfigError(GoImageError):
    """`[tool.goimage]` is invalid: names the key and the file."""


class DockerfileSyntaxError(GoImageError):
    """BuildKit's parser refuses the Dockerfile; `line` is where (0 when it names none)."""

    def __init__(self, reason: str, line: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class BaselineError(GoImageError):
    """The size baseline file is not one pytest-goimage reads, or cannot be written."""


class EngineError(GoImageError):
    """The Docker engine cannot be reached or refused a request."""


class BuildFailed(GoImageError):
    """A BuildKit build failed; the message names the step, command and error lines.

    `cause` is the diagnosis tag (`go-compile`, `disk-full`, ...; "" when none was made) and
    `log_path` the full plain-progress log (as docker-py's BuildError keeps `build_log`), None
    when the build never reached BuildKit.
    """

    def __init__(self, message: str, *, cause: str = "", log_path: Path | None = None) -> None:
        super().__init__(message)
        self.cause = cause
        self.log_path = log_path


class MinioError(GoImageError):
    """No MinIO image could be found or built, or the server never became ready."""

    # It ran, and did not get ready within its timeout: a loaded machine (the builds running
    # beside it) may be the cause, so a start ahead of the service does not decide alone.
    waited_out: bool = False


class BinaryError(GoImageError):
    """The Go binary cannot be found or read in the image."""


class NotElfError(GoImageError):
    """The bytes do not start with the ELF magic number."""


class CorruptBinaryError(GoImageError):
    """The bytes claim to be an ELF file (or hold Go build info) but are truncated or garbled."""


class GoModError(GoImageError):
    """go.mod is malformed or has no `go` line; the message names the file (and line)."""


class WorkflowError(GoImageError):
    """A GitHub Actions workflow is not valid YAML or not a mapping; names the file and line."""


class ServiceError(GoImageError):
    """The service container could not be started or configured."""


class CheckFailed(GoImageError):
    """The check ran and found a problem; the message says what and what to do."""


class CheckSkipped(Exception):
    """The check does not apply here; the message says why (a skip, so not a GoImageError)."""


class SelectionError(ValueError):
    """An argument names a configured Dockerfile but no check of it."""


class DependencyError(GoImageError):
    """A dependency beside MinIO (PostgreSQL, Redis ...) could not start or never became ready;
    the message names it, where it is declared, and its last log lines."""

    waited_out: bool = False  # as MinioError's
