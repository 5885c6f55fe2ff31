"""An uncommitted edit of the settings that decide a build (trial 35B: `TAGS = "debug"` in
`build_args`, committed as `""`), on a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config import load_config
from pytest_goimage.config_committed import uncommitted_build_settings
from tests.unit.test_git_head import git

COMMITTED = """\
[project]
name = "orders"

[tool.goimage]
build_args = { GIT_SHA = "{git.head}", TAGS = "" }
startup_timeout = "30s"
"""


def repository(root: Path, pyproject: str = COMMITTED) -> None:
    (root / "go.mod").write_text("module example.com/orders\n\ngo 1.26\n")
    (root / "Dockerfile").write_text("FROM scratch AS release\nFROM scratch AS debug\n")
    (root / "pyproject.toml").write_text(pyproject)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")


def problem(root: Path, pyproject: str) -> str:
    (root / "pyproject.toml").write_text(pyproject)
    config = load_config(root)
    assert config is not None
    return uncommitted_build_settings(config, config.images[0], root)


def test_an_edited_build_argument_is_named_not_its_value(tmp_path: Path) -> None:
    repository(tmp_path)
    edited = COMMITTED.replace('TAGS = ""', 'TAGS = "debug", NPM_TOKEN = "s3cr3t-Tok3n-77"')
    found = problem(tmp_path, edited)
    assert found == (
        "its settings in pyproject.toml differ from HEAD's in build_args.NPM_TOKEN, "
        "build_args.TAGS (uncommitted), which decide what is built, so a clean checkout of HEAD "
        "builds another image; commit them"
    )
    assert "s3cr3t" not in found and "debug" not in found


@pytest.mark.parametrize(
    ("edited", "named"),
    [
        (COMMITTED + 'target = "debug"\n', "target"),
        (COMMITTED + 'builder = "remote"\n', ""),
        (COMMITTED + 'context = "."\ndockerfiles = ["Dockerfile"]\n', ""),
    ],
)
def test_target_counts_but_builder_and_spelling_defaults_out_do_not(
    tmp_path: Path, edited: str, named: str
) -> None:
    repository(tmp_path)
    found = problem(tmp_path, edited)
    if named:
        assert f"differ from HEAD's in {named} (uncommitted)" in found, found
    else:
        assert found == ""


def test_runtime_settings_and_other_tables_do_not_count(tmp_path: Path) -> None:
    """env, timeouts and the Python project's own table change no image."""
    repository(tmp_path)
    edited = COMMITTED.replace('"30s"', '"90s"').replace('"orders"', '"orders-svc"')
    assert problem(tmp_path, edited + 'env = { LOG_LEVEL = "debug" }\n') == ""


def test_a_file_git_does_not_track_or_has_not_changed_says_nothing(tmp_path: Path) -> None:
    repository(tmp_path)
    assert problem(tmp_path, COMMITTED) == ""
    git(tmp_path, "rm", "-q", "--cached", "pyproject.toml")
    git(tmp_path, "commit", "-qm", "untrack")
    assert problem(tmp_path, COMMITTED.replace('TAGS = ""', 'TAGS = "debug"')) == ""


def test_head_without_a_table_is_the_defaults(tmp_path: Path) -> None:
    repository(tmp_path, '[project]\nname = "orders"\n')
    assert problem(tmp_path, '[project]\nname = "orders"\n[tool.goimage]\n') == ""
    found = problem(tmp_path, '[tool.goimage]\nbuild_args = { TAGS = "debug" }\n')
    assert "differ from HEAD's in build_args.TAGS (uncommitted)" in found, found


def test_head_that_cannot_build_the_image_says_so(tmp_path: Path) -> None:
    repository(tmp_path, '[tool.goimage]\ndockerfiles = ["Dockerfile.old"]\n')
    found = problem(tmp_path, "[tool.goimage]\n")
    assert found.startswith(
        "pyproject.toml is changed since HEAD, and HEAD's [tool.goimage] does not build this "
        "image ("
    ), found
    assert found.endswith("); commit the settings the image was built with")
    (tmp_path / "Dockerfile.old").write_text("FROM scratch\n")
    assert problem(tmp_path, "[tool.goimage]\n") == (
        "pyproject.toml is changed since HEAD, whose [tool.goimage] does not list Dockerfile; "
        "commit the settings the image was built with"
    )
