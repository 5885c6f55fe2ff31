"""The plugin's exception types; each carries the one-paragraph message a user reads."""

from __future__ import annotations


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


class EngineError(GoImageError):
    """The Docker engine cannot be reached or refused a request."""


class BuildFailed(GoImageError):
    """A BuildKit build failed; the message names the step, command and error lines."""


class MinioError(GoImageError):
    """No MinIO image could be found or built, or the server never became ready."""
