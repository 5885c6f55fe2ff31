"""Edges of compose's variable substitution, of `.env` files and of the files' encoding."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import pytest_goimage.gofacts.compose as compose_module
from pytest_goimage.gofacts.compose import (
    ComposeError,
    ComposeHealthcheck,
    interpolate,
    read_compose,
    read_dotenv,
)

VARIABLES = {"A": "a", "EMPTY": ""}


def test_engine_form_counts_whole_seconds_in_nanoseconds() -> None:
    check = ComposeHealthcheck(
        test=("CMD", "pg_isready"), interval=2.0, timeout=3.0, retries=5, start_period=60.0
    )
    assert check.engine_form() == {
        "test": ["CMD", "pg_isready"],
        "interval": 2_000_000_000,
        "timeout": 3_000_000_000,
        "retries": 5,
        "start_period": 60_000_000_000,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${UNSET:-}", ""),  # an empty default is empty, not a placeholder
        ("${UNSET-}", ""),
        ("${A:+--flag=$A}", "--flag=a"),  # the alternative is interpolated too
        ("${A?set A}", "a"),
        ("${EMPTY?set EMPTY}", ""),  # `?` without `:` accepts a set, empty value
    ],
)
def test_interpolation_edges_follow_the_compose_specification(text: str, expected: str) -> None:
    assert interpolate(text, VARIABLES) == expected


def test_a_required_variable_without_colon_stops_when_unset() -> None:
    with pytest.raises(ComposeError) as caught:
        interpolate("postgres://app:${DB_PASSWORD?set DB_PASSWORD}@db/app", VARIABLES)
    assert str(caught.value) == "variable DB_PASSWORD is required (set DB_PASSWORD)"


def test_a_required_variable_without_a_message_says_not_set() -> None:
    with pytest.raises(ComposeError) as caught:
        interpolate("${DB_PASSWORD:?}", VARIABLES)
    assert str(caught.value) == "variable DB_PASSWORD is required (not set)"


def _dotenv(tmp_path: Path, text: str) -> dict[str, str]:
    (tmp_path / ".env").write_text(text, encoding="utf-8")
    return read_dotenv(tmp_path / ".env")


def test_a_dotenv_value_keeps_every_equals_sign_after_the_first(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "DATABASE_URL=postgres://app@db:5432/app?sslmode=disable\n")
    assert values == {"DATABASE_URL": "postgres://app@db:5432/app?sslmode=disable"}


def test_a_bare_name_in_dotenv_does_not_end_the_file(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "HOME\nPG_MAJOR=16\n")
    assert values == {"PG_MAJOR": "16"}


def test_an_empty_quoted_dotenv_value_is_empty(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "PASSWORD=\"\"\nTOKEN=''\n")
    assert values == {"PASSWORD": "", "TOKEN": ""}


def test_only_quote_characters_are_stripped_from_a_dotenv_value(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "MARK=XOX\nMIXED=\"it's'\n")
    assert values == {"MARK": "XOX", "MIXED": "\"it's'"}


def test_a_dotenv_comment_after_several_spaces_leaves_no_trailing_space(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "PG_MAJOR=16   # the server's major version\n")
    assert values == {"PG_MAJOR": "16"}


def test_a_dotenv_value_with_spaces_keeps_them_up_to_its_comment(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "GREETING=hello world # shown on the start page\n")
    assert values == {"GREETING": "hello world"}


def test_a_dotenv_value_ends_at_its_first_comment(tmp_path: Path) -> None:
    values = _dotenv(tmp_path, "LEVEL=debug # or info # or warn\n")
    assert values == {"LEVEL": "debug"}


def test_a_dotenv_saved_in_latin1_reads_with_replacement_characters(tmp_path: Path) -> None:
    (tmp_path / ".env").write_bytes("NAME=Müller\nPORT=5432\n".encode("latin-1"))
    assert read_dotenv(tmp_path / ".env") == {"NAME": "M\ufffdller", "PORT": "5432"}


COMPOSE_UTF8 = """\
services:
  web:
    image: nginx:1.27
    environment:
      GREETING: "grüß dich"
      CITY: ${CITY}
"""


def _read_in_c_locale(folder: Path) -> object:
    """The same reads in a fresh Python whose locale encoding is ASCII (no UTF-8 mode)."""
    program = (
        "import json, sys, pathlib\n"
        "from pytest_goimage.gofacts.compose import read_compose, read_dotenv\n"
        "folder = pathlib.Path(sys.argv[1])\n"
        "env = read_compose(folder / 'docker-compose.yml', ['web'], {})['web'].environment\n"
        "print(json.dumps([read_dotenv(folder / '.env'), dict(env)]))\n"
    )
    # The mutated or original package this test imported, wherever it lies.
    package_root = Path(compose_module.__file__).resolve().parents[2]
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONUTF8": "0",
        "PYTHONCOERCECLOCALE": "0",
        "PYTHONPATH": str(package_root),
    }
    done = subprocess.run(
        [sys.executable, "-c", program, str(folder)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_compose_and_dotenv_files_read_as_utf8_whatever_the_locale(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(COMPOSE_UTF8, encoding="utf-8")
    (tmp_path / ".env").write_text("CITY=Zürich\n", encoding="utf-8")
    expected = [{"CITY": "Zürich"}, {"GREETING": "grüß dich", "CITY": "Zürich"}]
    in_process = read_compose(tmp_path / "docker-compose.yml", ["web"], {})["web"].environment
    assert [read_dotenv(tmp_path / ".env"), dict(in_process)] == expected
    assert _read_in_c_locale(tmp_path) == expected


def test_a_compose_file_that_is_not_utf8_is_refused_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_bytes(
        COMPOSE_UTF8.replace("grüß", "Grüße").encode("latin-1")
    )
    with pytest.raises(ComposeError) as caught:
        read_compose(tmp_path / "docker-compose.yml", ["web"], {})
    assert str(caught.value) == (
        "line 5 is not UTF-8 text (byte 0xfc); compose files are UTF-8, so save it as UTF-8"
    )
