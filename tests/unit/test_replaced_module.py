"""build/replaced_module.py: a go.mod `replace` whose folder the build lacks, read from Go's
own words and traced to where the folder is: outside the context, missing, kept out by
.dockerignore, or in the context but not yet copied when the step ran."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.build.replaced_module import missing_replacement, replacement_hint


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (
            "go: example.com/lib@v0.0.0 (replaced by ../lib): reading /lib/go.mod: open "
            "/lib/go.mod: no such file or directory",
            ("example.com/lib", "../lib"),
        ),
        (
            "go: example.com/lib@v1.2.0 (replaced by ./third_party/lib): reading "
            "third_party/lib/go.mod: open /src/third_party/lib/go.mod: no such file or directory",
            ("example.com/lib", "./third_party/lib"),
        ),
        (
            "go: example.com/lib@v0.0.0-00010101000000-000000000000: replacement directory "
            "../lib does not exist",
            ("example.com/lib", "../lib"),
        ),
        ("go: downloading example.com/lib v1.2.0", None),
        ("main.go:3:8: no required module provides package example.com/lib", None),
    ],
)
def test_gos_words_for_a_missing_replacement(output: str, expected: tuple[str, str] | None) -> None:
    assert missing_replacement(output) == expected


def _monorepo(root: Path, replace: str = "replace example.com/lib => ../lib\n") -> Path:
    (root / "lib").mkdir()
    (root / "lib/go.mod").write_text("module example.com/lib\n\ngo 1.26.0\n")
    (root / "svc").mkdir()
    (root / "svc/go.mod").write_text(
        f"module example.com/svc\n\ngo 1.26.0\n\nrequire example.com/lib v0.0.0\n\n{replace}"
    )
    (root / "svc/Dockerfile").write_text("FROM scratch\n")
    return root


def test_a_folder_outside_the_context_names_the_replace_line_and_the_ways_out(
    tmp_path: Path,
) -> None:
    root = _monorepo(tmp_path)
    hint = replacement_hint("example.com/lib", "../lib", root / "svc", root / "svc/Dockerfile")
    assert hint == (
        f"go.mod:7 replaces example.com/lib with ../lib, and {root}/lib is outside the build "
        f"context ({root}/svc): the build never sees it. Build from a context that holds both "
        "modules (`context` in [tool.goimage], with the Dockerfile copying each to the same "
        "place relative to the other), vendor the dependency (`go mod vendor`), or require a "
        "published version instead of the replace."
    )


def test_a_replace_block_in_a_context_that_holds_both_says_to_copy_the_folder_first(
    tmp_path: Path,
) -> None:
    root = _monorepo(
        tmp_path,
        "replace (\n\texample.com/other => ../other\n\texample.com/lib v0.0.0 => ../lib // local\n)\n",
    )
    hint = replacement_hint("example.com/lib", "../lib", root, root / "svc/Dockerfile")
    assert hint == (
        "svc/go.mod:9 replaces example.com/lib with ../lib: lib/ is in the build context, but "
        "not in the builder when this step runs. COPY lib/ before it, to the same place "
        "relative to go.mod."
    )


def test_a_folder_dockerignore_keeps_out_names_the_rule(tmp_path: Path) -> None:
    root = _monorepo(tmp_path)
    (root / ".dockerignore").write_text("*.md\nlib/\n")
    hint = replacement_hint("example.com/lib", "../lib", root, root / "svc/Dockerfile")
    assert hint == (
        "svc/go.mod:7 replaces example.com/lib with ../lib, and .dockerignore:2: lib/ keeps "
        "lib/ out of the build context: narrow it."
    )


def test_a_folder_that_does_not_exist_says_so(tmp_path: Path) -> None:
    root = _monorepo(tmp_path, "replace example.com/lib => ../vendored/lib\n")
    hint = replacement_hint("example.com/lib", "../vendored/lib", root, root / "svc/Dockerfile")
    assert hint == (
        "svc/go.mod:7 replaces example.com/lib with ../vendored/lib, and vendored/lib/ does not "
        "exist: restore it, or fix the replace."
    )


def test_a_replace_no_go_mod_in_the_context_shows_still_gets_advice(tmp_path: Path) -> None:
    hint = replacement_hint("example.com/lib", "../lib", tmp_path, tmp_path / "Dockerfile")
    assert hint == (
        "A go.mod in the build has `replace example.com/lib => ../lib`, and the build has no "
        "../lib beside that go.mod: COPY that folder into the builder before this step, at "
        "the same place relative to go.mod."
    )
