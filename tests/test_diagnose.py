"""Helpers behind the build diagnoses, on real files."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.build.diagnose import _go_files_kept_out, _go_lines, _syntax_directive
from pytest_goimage.engine.service import _exec_form


def _project(root: Path, ignore: str) -> Path:
    (root / "cmd/api").mkdir(parents=True)
    (root / "cmd/api/main.go").write_text("package main\n\nfunc main() {}\n")
    (root / "cmd/api/main_test.go").write_text("package main\n")
    (root / ".dockerignore").write_text(ignore)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text("FROM golang:1.26-alpine\n")
    return dockerfile


def test_an_ignore_rule_is_blamed_only_when_it_keeps_every_go_source_out(tmp_path: Path) -> None:
    dockerfile = _project(tmp_path / "all", "*.go\n**/*.go\n")
    assert _go_files_kept_out(tmp_path / "all", dockerfile) == (
        1,
        "cmd/api/main.go",
        ".dockerignore:2: **/*.go",
    )
    # Test files ignored, sources sent: "no Go files" has another cause (a missing COPY).
    dockerfile = _project(tmp_path / "tests-only", "**/*_test.go\n")
    assert _go_files_kept_out(tmp_path / "tests-only", dockerfile) is None


def test_syntax_directive_only_in_the_leading_directive_lines() -> None:
    assert _syntax_directive("# syntax=docker/dockerfile:1\nFROM x\n") == (1, "docker/dockerfile:1")
    assert _syntax_directive("# escape=`\n# syntax = a/b:1\nFROM x\n") == (2, "a/b:1")
    # After a plain comment or a blank line BuildKit reads no more directives.
    assert _syntax_directive("# build me\n# syntax=a/b:1\nFROM x\n") is None
    assert _syntax_directive("\n# syntax=a/b:1\nFROM x\n") is None


def test_exec_form_keeps_the_arguments() -> None:
    assert _exec_form("/app --config /etc/app.yaml") == '["/app", "--config", "/etc/app.yaml"]'
    assert _exec_form("exec /app serve") == '["/app", "serve"]'
    assert _exec_form("/app 'two words'") == '["/app", "two words"]'
    assert _exec_form("/app 'unbalanced") == '["/app", "\'unbalanced"]'


def test_go_mod_errors_are_kept_with_or_without_a_column() -> None:
    """As `go mod download` prints them (Go 1.26): the position line follows the header."""
    output = (
        "#9 0.412 go: errors parsing go.mod:\n"
        "#9 0.412 /src/go.mod:3:14: unexpected newline in string\n"
        "go.mod:3: invalid go version '1.26.x': must match format 1.23.0\n"
        "#9 0.413 some other line\n"
    )
    assert _go_lines(output) == [
        "go: errors parsing go.mod:",
        "/src/go.mod:3:14: unexpected newline in string",
        "go.mod:3: invalid go version '1.26.x': must match format 1.23.0",
    ]
