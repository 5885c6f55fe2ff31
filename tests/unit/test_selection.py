"""Check arguments on the command line, resolved as pytest resolves its own: from the
directory pytest was started in."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.config import ImageConfig, load_config
from pytest_goimage.errors import SelectionError
from pytest_goimage.selection import names_tests_only, take_check_args

CHECKS = ["build", "static", "size"]


@pytest.fixture
def images(tmp_path: Path) -> list[ImageConfig]:
    for dockerfile in ("Dockerfile", "backend/Dockerfile"):
        (tmp_path / dockerfile).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / dockerfile).write_text("FROM alpine:3.22\n")
    (tmp_path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile", "backend/Dockerfile"]\n'
    )
    config = load_config(tmp_path)
    assert config is not None
    return list(config.images)


def test_a_path_is_relative_to_where_pytest_started(
    images: list[ImageConfig], tmp_path: Path
) -> None:
    here = take_check_args(["Dockerfile::static", "-x"], images, CHECKS, tmp_path)
    assert here.selected == {"Dockerfile::static"} and here.rest == ["-x"]
    # From backend/, `Dockerfile` is backend/Dockerfile, as `ls Dockerfile` would say.
    below = take_check_args(["Dockerfile::static"], images, CHECKS, tmp_path / "backend")
    assert below.selected == {"backend/Dockerfile::static"}
    # A node id as printed works from a folder where it names no file.
    (tmp_path / "docs").mkdir()
    elsewhere = take_check_args(["backend/Dockerfile"], images, CHECKS, tmp_path / "docs")
    assert elsewhere.selected == {f"backend/Dockerfile::{check}" for check in CHECKS}


def test_an_unknown_check_names_the_ones_there_are(
    images: list[ImageConfig], tmp_path: Path
) -> None:
    with pytest.raises(SelectionError, match=r"backend/Dockerfile has no check 'statik'"):
        take_check_args(["Dockerfile::statik"], images, CHECKS, tmp_path / "backend")
    # Arguments that name no configured Dockerfile are pytest's.
    assert take_check_args(["tests/test_x.py::t"], images, CHECKS, tmp_path).rest == [
        "tests/test_x.py::t"
    ]


def test_the_repository_checks_are_named_as_the_run_prints_them(
    images: list[ImageConfig], tmp_path: Path
) -> None:
    """`FAILED goimage::parity` is what a failing run prints; copied back, it selects it."""
    one = take_check_args(["goimage::parity", "-v"], images, CHECKS, tmp_path, ["parity"])
    assert one.selected == {"goimage::parity"} and one.rest == ["-v"]
    both = take_check_args(["goimage", "Dockerfile::size"], images, CHECKS, tmp_path, ["parity"])
    assert both.selected == {"goimage::parity", "Dockerfile::size"} and both.rest == []
    with pytest.raises(SelectionError, match=r"the repository has no check 'parit'; its checks"):
        take_check_args(["goimage::parit"], images, CHECKS, tmp_path, ["parity"])
    # A folder named goimage (a Python package with its tests) stays pytest's.
    (tmp_path / "goimage").mkdir()
    own = take_check_args(["goimage", "goimage::x"], images, CHECKS, tmp_path, ["parity"])
    assert own.selected == set() and own.rest == ["goimage", "goimage::x"]


def test_only_test_files_and_tests_in_them_are_tests_only(tmp_path: Path) -> None:
    """Trial 32: such arguments collect no built-in check; a folder, an argument pytest
    resolves otherwise (`--pyargs`) or none at all keep them."""
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text("def test_x():\n    pass\n")
    assert names_tests_only(["tests/test_api.py::test_x"], tmp_path)
    assert names_tests_only(["test_api.py", "test_api.py::test_x[a::b]"], tmp_path / "tests")
    assert not names_tests_only(["tests/test_api.py", "tests"], tmp_path)
    assert not names_tests_only(["."], tmp_path)
    assert not names_tests_only(["pkg.tests"], tmp_path)
    assert not names_tests_only([], tmp_path)
