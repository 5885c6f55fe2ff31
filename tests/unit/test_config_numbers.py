"""A TOML number in `build_args` or `env`: an integer is its digits (`PORT = 8080`), a float
is refused, since TOML keeps no trace of how it was written (trial 12: `GO_VERSION = 1.20`
built `golang:1.2` and `1.260` built `golang:1.26`, without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

from pytest_goimage.config import parse_config
from pytest_goimage.errors import ConfigError


def _table(tmp_path: Path, text: str) -> object:
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    return tomllib.loads(text)["tool"]["goimage"]


def test_an_integer_is_its_digits(tmp_path: Path) -> None:
    table = _table(tmp_path, "[tool.goimage]\nbuild_args = { BUILD = 42 }\nenv = { PORT = 8080 }\n")
    (image,) = parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml").images
    assert (image.build_args, image.env["PORT"]) == ({"BUILD": "42"}, "8080")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("build_args = { GO_VERSION = 1.20 }", "build_args.GO_VERSION is the TOML number 1.2"),
        ("env = { RATIO = 1.260 }", "env.RATIO is the TOML number 1.26"),
        ('[[tool.goimage.image]]\ndockerfile = "Dockerfile"\nbuild_args = { GO = 1.5 }', "GO"),
    ],
)
def test_a_float_is_refused_with_the_way_to_write_it(tmp_path: Path, text: str, named: str) -> None:
    table = _table(tmp_path, f"[tool.goimage]\n{text}\n")
    with pytest.raises(ConfigError) as refused:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'}: ")
    assert named in message
    assert "does not keep the digits as written (`1.20` reads as 1.2); quote it" in message


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[tool.goimage.dependencies.cache]\nimage = "redis:7"\n'
            'command = "redis-server --requirepass Zr8-billing-cache-pw"\n',
            "got a string.",
        ),
        (
            '[tool.goimage.env]\nREDIS_URL = ["redis://:Zr8-billing-cache-pw@{cache.endpoint}/0"]\n',
            "env.REDIS_URL must be a string, got an array.",
        ),
        ("[tool.goimage.env]\nPOSTGRES_PASSWORD = 4417.25\n", "the TOML number *** (a number)"),
        (
            '[tool.goimage.env]\nSTRIPE_API_KEY = { live = "sk_live_51Hx8Q2eZvKYlo2C0aBcDe" }\n',
            "env.STRIPE_API_KEY must be a string, got a table.",
        ),
        (
            '[tool.goimage.build_args]\nNPM_TOKEN = ["Zr8-billing-cache-pw"]\n',
            "build_args.NPM_TOKEN must be a string, got an array.",
        ),
    ],
)
def test_a_type_error_never_prints_the_value(tmp_path: Path, text: str, said: str) -> None:
    """Trial 17: a mistyped env value, build argument or dependency command was printed in
    full in the usage error, passwords and API keys included."""
    table = _table(tmp_path, "[tool.goimage]\n" + text)
    with pytest.raises(ConfigError) as raised:
        parse_config(table, rootdir=tmp_path, source=tmp_path / "pyproject.toml")
    message = str(raised.value)
    for secret in ("Zr8-billing", "4417", "sk_live", "Hx8Q"):
        assert secret not in message, message
    assert said in message, message
