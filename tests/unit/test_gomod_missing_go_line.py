"""A go.mod without a `go` line (gofacts/gomod_pins.py): the go command reads such a module as
`go 1.16` (the go.mod reference: "If the go directive is missing, go 1.16 is assumed"; `go
list -m -f '{{.GoVersion}}'` prints 1.16), so the module needs Go 1.16, not an unknown Go. The
pin says so, and so does a failure that cites it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins
from pytest_goimage.gofacts.gomod_pins import gomod_pins, read_gomod
from pytest_goimage.gofacts.versions import (
    POLICY_GO,
    POLICY_TOOLCHAIN,
    SOURCE_GO,
    GoVersion,
    format_misalignment,
    misaligned,
    required_pin,
    required_version,
)

NOTE = "no `go` line, which the go command reads as `go 1.16`"


@pytest.mark.parametrize(
    "text",
    [
        "module example.com/m\n",
        "",
        "module m\n\nrequire example.com/x v1.0.0\n",
        "module m\nrequire (\ngo 1.22\n)\n",  # a `go` inside a block is no go line
    ],
)
def test_a_go_mod_without_a_go_line_requires_go_1_16(text: str) -> None:
    (pin,) = gomod_pins(text, "app/go.mod")
    assert (pin.file, pin.line, pin.source, pin.raw, pin.version, pin.note) == (
        "app/go.mod",
        0,
        SOURCE_GO,
        "1.16",
        GoVersion.parse("1.16"),
        NOTE,
    )
    assert required_version([pin]) == GoVersion.parse("1.16")


def test_a_toolchain_line_alone_still_sets_what_the_toolchain_policy_requires() -> None:
    pins = gomod_pins("module m\n\ntoolchain go1.25.3\n", "go.mod")
    assert required_version(pins, POLICY_TOOLCHAIN) == GoVersion.parse("1.25.3")
    assert required_version(pins, POLICY_GO) == GoVersion.parse("1.16")
    assert required_pin(pins, POLICY_GO).note == NOTE


def test_a_pin_older_than_1_16_fails_citing_the_implied_line() -> None:
    gomod = gomod_pins("module example.com/m\n", "go.mod")
    pins = gomod + dockerfile_pins("FROM golang:1.15-alpine\n", "Dockerfile", {})
    bad = misaligned(pins, required_version(pins))
    assert format_misalignment(bad, pins) == (
        f"Dockerfile:1: golang:1.15-alpine names Go 1.15, go.mod requires 1.16 ({NOTE}) — use "
        "golang:1.16-alpine or newer"
    )
    newer = gomod + dockerfile_pins("FROM golang:1.26-alpine\n", "Dockerfile", {})
    assert misaligned(newer, required_version(newer)) == []


def test_the_build_still_succeeds_line_names_the_implied_go_line() -> None:
    pins = gomod_pins("module m\n\ntoolchain go1.25.3\n", "go.mod") + dockerfile_pins(
        "FROM golang:1.24\n", "Dockerfile", {}
    )
    (line,) = format_misalignment(misaligned(pins, required_version(pins)), pins).splitlines()
    assert "(go.mod:3 toolchain go1.25.3)" in line
    assert "the build itself would still succeed: go.mod's implied `go 1.16` is the minimum" in line


def test_read_gomod_reads_the_file_the_same_way(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    (pin,) = read_gomod(tmp_path / "go.mod", "go.mod")
    assert (pin.version, pin.note) == (GoVersion.parse("1.16"), NOTE)


@pytest.mark.skipif(shutil.which("go") is None, reason="needs the go toolchain on PATH")
def test_the_go_command_reads_a_module_without_a_go_line_as_1_16(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m\n")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly"}
    result = subprocess.run(
        ["go", "list", "-m", "-f", "{{.GoVersion}}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == str(required_version(read_gomod(tmp_path / "go.mod")))
    assert (tmp_path / "go.mod").read_text() == "module example.com/m\n"  # not rewritten


def test_a_passed_go_version_says_which_go_the_missing_line_implies(
    pytester: pytest.Pytester,
) -> None:
    """Before, the check failed: "no `go` line, so the Go version the module needs is unknown"."""
    pytester.makefile(".toml", pyproject="[tool.goimage]\n")
    pytester.path.joinpath("go.mod").write_text("module example.com/svc\n")
    pytester.path.joinpath("Dockerfile").write_text(
        "FROM golang:1.26.2 AS build\nFROM scratch\nCOPY --from=build /app /app\n"
    )
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(passed=1)
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["images"][0]["checks"]["go-version"]["message"] == (
        f"2 Go version pin(s) agree with go.mod, which requires Go 1.16 (go.mod: {NOTE})"
    )
