"""`scheme` and `health_scheme`: the API over TLS, and a health port that may speak plain HTTP
beside it (a TLS API on 8443, /healthz on a plain admin port 8081: the review's case)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from pytest_goimage.config import parse_config
from pytest_goimage.errors import ConfigError


def schemes(tmp_path: Path, toml: str) -> tuple[str, str]:
    (tmp_path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    table = tomllib.loads("[tool.goimage]\n" + toml)["tool"]["goimage"]
    config = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    (image,) = config.images
    return image.scheme, image.health_scheme


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ("", ("http", "http")),
        ('scheme = "https"\n', ("https", "https")),  # health follows the API's by default
        ('scheme = "https"\nhealth_port = 8081\nhealth_scheme = "http"\n', ("https", "http")),
    ],
)
def test_health_follows_the_api_unless_told(
    tmp_path: Path, toml: str, expected: tuple[str, str]
) -> None:
    assert schemes(tmp_path, toml) == expected


def test_a_scheme_the_plugin_does_not_speak_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        schemes(tmp_path, 'health_scheme = "grpc"\n')
    assert "[tool.goimage] health_scheme = 'grpc' is not one the plugin speaks; use" in str(
        caught.value
    )
