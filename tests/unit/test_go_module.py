"""go.mod's directives, module line and requirements, and the go.mod files of a monorepo's
modules, on files as real repositories write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.go_module import (
    directives,
    go_mods_below,
    module_path,
    requires_modules,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("module example.com/api\n\ngo 1.26\n", "example.com/api"),
        ('module "example.com/quoted"\n', "example.com/quoted"),
        ("// Package api.\nmodule github.com/acme/api // the API\n", "github.com/acme/api"),
        ("\ufeffgo 1.26\n\nmodule   example.com/late  \n", "example.com/late"),
        ("go 1.26\n", None),
        ("modulex example.com/no\n", None),
        ("// module example.com/commented\nmodule example.com/real\n", "example.com/real"),
        ('module "example.com/a//b"\n', "example.com/a//b"),  # `//` inside quotes
        ("module (\n\texample.com/factored\n)\n", "example.com/factored"),
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


def test_directives_give_a_blocks_lines_its_verb_and_keep_line_numbers() -> None:
    text = """module example.com/api // the API

go 1.26.0
toolchain go1.26.8

require (
\tgithub.com/minio/minio-go/v7 v7.0.95 // indirect
\t// github.com/old/dep v1.0.0
)

replace example.com/lib => ../lib
"""
    found = [(d.line, d.verb, d.args) for d in directives(text.split("\n"))]
    assert found == [
        (1, "module", ("example.com/api",)),
        (3, "go", ("1.26.0",)),
        (4, "toolchain", ("go1.26.8",)),
        (7, "require", ("github.com/minio/minio-go/v7", "v7.0.95")),
        (11, "replace", ("example.com/lib", "=>", "../lib")),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("module example.com/api\n\ngo 1.26\n", False),  # `docker init`'s module: no go.sum
        ("module example.com/api\n// require example.com/old v1.0.0\n", False),
        ("module example.com/api\nrequire (\n)\n", False),  # an empty block requires nothing
        ("module example.com/api\nrequire example.com/dep v1.2.3\n", True),
        ("module example.com/api\nrequire (\n\texample.com/dep v1.2.3\n)\n", True),
    ],
)
def test_requires_modules(tmp_path: Path, text: str, expected: bool) -> None:
    (tmp_path / "go.mod").write_text(text)
    assert requires_modules(tmp_path / "go.mod") is expected


def test_requires_modules_of_a_missing_file_is_none(tmp_path: Path) -> None:
    assert requires_modules(tmp_path / "go.mod") is None
