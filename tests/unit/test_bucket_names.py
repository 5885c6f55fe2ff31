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
