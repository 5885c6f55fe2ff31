"""Errors of the world around a check (engine, MinIO, network, files) and their one-line form."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import docker.errors
import requests
import urllib3.exceptions

_AROUND_MINIO: tuple[type[BaseException], ...] = (
    docker.errors.DockerException,
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    OSError,
)


def outside_errors() -> tuple[type[BaseException], ...]:
    """Failures of the world around a check (engine, MinIO, network, files), as opposed to
    findings. Read when an exception is handled (`except outside_errors():`): minio-py is
    imported only once a MinIO runs, and none of its errors can exist before that."""
    return (*_AROUND_MINIO, *_minio_errors())


def _minio_errors() -> tuple[type[BaseException], ...]:
    # getattr: another thread may be importing minio.error right now.
    found = getattr(sys.modules.get("minio.error"), "MinioException", None)
    return (found,) if found is not None else ()


@contextlib.contextmanager
def outside_errors_suppressed(*also: type[BaseException]) -> Iterator[None]:
    """contextlib.suppress of outside_errors() and `also`, read when an exception arrives (so
    a MinIO error counts, even if minio-py was first imported inside the block)."""
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, (*outside_errors(), *also)):
            raise


# Removing what the plugin started is best effort: the engine may be gone (requests' errors are
# OSErrors; urllib3's, from a stream docker-py reads raw, are not). Whatever stays carries the
# run's labels and the next run sweeps it.
CLEANUP_ERRORS: tuple[type[BaseException], ...] = (
    docker.errors.DockerException,
    urllib3.exceptions.HTTPError,
    OSError,
)


def describe_outside_error(exc: BaseException) -> str:
    """One line about what failed around the check, and where to look."""
    if isinstance(exc, docker.errors.NotFound):
        what = "a container or image the plugin started was removed from outside (docker rm?)"
    elif isinstance(exc, docker.errors.DockerException):
        what = "the Docker engine refused a request"
    elif isinstance(exc, _minio_errors()):
        what = "MinIO answered with an error"
    elif isinstance(exc, (requests.RequestException, urllib3.exceptions.HTTPError)):
        what = "a network request failed"
    else:
        what = "a file operation failed"
    detail = " ".join(str(exc).split())[:300] or type(exc).__name__
    return f"{what}: {detail}."
