"""The plugin's exception types; each carries the one-paragraph message a user reads."""

from __future__ import annotations

import docker.errors
import requests
import urllib3.exceptions
from minio.error import MinioException


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


# Failures of the world around a check (engine, MinIO, network, files), as opposed to findings.
OUTSIDE_ERRORS: tuple[type[BaseException], ...] = (
    docker.errors.DockerException,
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    MinioException,
    OSError,
)

# Removing what the plugin started is best effort: the engine may be gone (requests' errors are
# OSErrors). Whatever stays carries the run's labels and the next run sweeps it.
CLEANUP_ERRORS: tuple[type[BaseException], ...] = (docker.errors.DockerException, OSError)


def describe_outside_error(exc: BaseException) -> str:
    """One line about what failed around the check, and where to look."""
    if isinstance(exc, docker.errors.NotFound):
        what = "a container or image the plugin started was removed from outside (docker rm?)"
    elif isinstance(exc, docker.errors.DockerException):
        what = "the Docker engine refused a request"
    elif isinstance(exc, MinioException):
        what = "MinIO answered with an error"
    elif isinstance(exc, (requests.RequestException, urllib3.exceptions.HTTPError)):
        what = "a network request failed"
    else:
        what = "a file operation failed"
    detail = " ".join(str(exc).split())[:300] or type(exc).__name__
    return f"{what}: {detail}."
