"""`bucket`: one name or a list of the buckets a service creates, each a valid S3 name."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config_keys import bucket_names
from pytest_goimage.errors import ConfigError

SRC = Path("/p/pyproject.toml")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ()),
        ("uploads", ("uploads",)),
        (["uploads", "thumbnails"], ("uploads", "thumbnails")),
    ],
)
def test_one_name_or_a_list(value: object, expected: tuple[str, ...]) -> None:
    values = {} if value is None else {"bucket": value}
    assert bucket_names(values, "[tool.goimage]", SRC) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "key 'bucket' must be a bucket name or a list of them"),
        (["uploads", 3], "key 'bucket' must be a bucket name or a list of them"),
        (7, "key 'bucket' must be a bucket name or a list of them"),
        (["uploads", "Thumbs"], "bucket = 'Thumbs' is not a valid S3 bucket name"),
        (["uploads", "uploads"], "bucket lists 'uploads' twice; name each bucket once."),
    ],
)
def test_a_wrong_bucket_value_names_the_key_and_the_fix(value: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        bucket_names({"bucket": value}, "[tool.goimage]", SRC)
    assert str(caught.value).startswith(f"{SRC}: [tool.goimage] ")
    assert message in str(caught.value)


def test_false_means_none_and_true_names_the_fix() -> None:
    assert bucket_names({"bucket": False}, "[tool.goimage]", SRC) == ()
    with pytest.raises(ConfigError) as caught:
        bucket_names({"bucket": True}, "[tool.goimage]", SRC)
    assert str(caught.value) == (
        f"{SRC}: [tool.goimage] key 'bucket' must be a bucket name or a list of them, such as "
        '"uploads" or ["uploads", "thumbnails"], or false for an image that creates none, '
        "got True."
    )


def test_an_image_entry_turns_off_the_bucket_the_top_level_names(
    pytester: pytest.Pytester,
) -> None:
    """An API that creates `uploads` and a worker beside it that creates none (trial 12, F8):
    before, the worker's entry could not leave the top-level bucket out."""
    pytester.makefile(
        ".toml",
        pyproject='[tool.goimage]\nbucket = "uploads"\ndockerfiles = ["Dockerfile", '
        '"Dockerfile.worker"]\n\n[[tool.goimage.image]]\ndockerfile = "Dockerfile.worker"\n'
        "bucket = false\n",
    )
    pytester.path.joinpath("go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    for name in ("Dockerfile", "Dockerfile.worker"):
        pytester.path.joinpath(name).write_text("FROM scratch\nCOPY app /app\n")
    result = pytester.runpytest("--goimage", "-k", "worker and bucket", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED [[]1[]] *Dockerfile.worker: bucket = false is set for this image in "
            "[[]tool.goimage[]]: the service creates no bucket at startup, so there is none to "
            "check."
        ]
    )


def test_bucket_placeholder_in_an_image_that_creates_none_names_the_fix(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(
        ".toml",
        pyproject='[tool.goimage]\nbucket = "uploads"\ndockerfiles = ["Dockerfile", '
        '"Dockerfile.worker"]\n\n[tool.goimage.env]\nS3_BUCKET = "{bucket}"\n\n'
        '[[tool.goimage.image]]\ndockerfile = "Dockerfile.worker"\nbucket = false\n',
    )
    pytester.path.joinpath("go.mod").write_text("module example.com/svc\n\ngo 1.26.0\n")
    for name in ("Dockerfile", "Dockerfile.worker"):
        pytester.path.joinpath(name).write_text("FROM scratch\nCOPY app /app\n")
    result = pytester.runpytest("--goimage", "--collect-only")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            "ERROR: *pyproject.toml: [[][[]tool.goimage.image[]][]] *env.S3_BUCKET uses "
            "{bucket}, but bucket = false here (the image creates no bucket); write the name "
            "out in env.S3_BUCKET instead."
        ]
    )
