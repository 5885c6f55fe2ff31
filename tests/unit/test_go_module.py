"""go.mod's module line, and the go.mod files of a monorepo's modules, on files as real
repositories write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.go_module import go_mods_below, module_path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("module example.com/api\n\ngo 1.26\n", "example.com/api"),
        ('module "example.com/quoted"\n', "example.com/quoted"),
        ("// Package api.\nmodule github.com/acme/api // the API\n", "github.com/acme/api"),
        ("\ufeffgo 1.26\n\nmodule   example.com/late  \n", "example.com/late"),
        ("go 1.26\n", None),
        ("modulex example.com/no\n", None),
    ],
)
def test_module_path(tmp_path: Path, text: str, expected: str | None) -> None:
    (tmp_path / "go.mod").write_text(text)
    assert module_path(tmp_path / "go.mod") == expected


def test_module_path_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert module_path(tmp_path / "go.mod") is None


def test_go_mods_below_skip_other_peoples_modules(tmp_path: Path) -> None:
    for folder in [
        ".",
        "services/api",
        "services/worker",
        "services/api/vendor/example.com/dep",
        "web/node_modules/pkg",
        "tools/testdata/mod",
        ".cache/mod",
        "a/b/c/d/e",  # deeper than the walk goes
    ]:
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "go.mod").write_text("module x\n")
    found = [path.relative_to(tmp_path).as_posix() for path in go_mods_below(tmp_path)]
    assert found == ["go.mod", "services/api/go.mod", "services/worker/go.mod"]
