"""The failures of the world around a check: minio-py's among them once it is loaded, and a
`--goimage` run that has started no MinIO yet has not paid for importing it."""

from __future__ import annotations

import subprocess
import sys

from minio.error import MinioException, S3Error

from pytest_goimage.engine.outside_errors import describe_outside_error, outside_errors

START_UP = """
import sys
import pytest_goimage.fixtures, pytest_goimage.items, pytest_goimage.plugin, pytest_goimage.run
from pytest_goimage.engine.outside_errors import outside_errors
print(sorted(n for n in sys.modules if n.split(".")[0] == "minio"))
print([e.__name__ for e in outside_errors()])
import minio.error
print([e.__name__ for e in outside_errors()])
"""


def test_the_plugins_modules_leave_minio_unimported_until_a_minio_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-c", START_UP], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "[]",
        "['DockerException', 'RequestException', 'HTTPError', 'OSError']",
        "['DockerException', 'RequestException', 'HTTPError', 'OSError', 'MinioException']",
    ]


def test_a_minio_error_is_an_outside_error_and_said_to_be_minios() -> None:
    error = S3Error(None, "AccessDenied", "Access Denied.", "/bookmarks", "r1", "h1")
    assert isinstance(error, outside_errors())
    assert MinioException in outside_errors()
    assert describe_outside_error(error).startswith("MinIO answered with an error: ")
