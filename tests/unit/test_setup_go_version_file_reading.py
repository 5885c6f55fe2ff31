"""What setup-go installs from a `go-version-file` go.mod or go.work (gofacts/workflows/
version_files.py): one line of it, chosen by the action's major version. setup-go v5 and
earlier read the `go` line only (src/installer.ts: /^go (\\d+(\\.\\d+)*)/m); v6 and later the
`toolchain` line when there is one, else the `go` line (setup-go's README, "V6 Changes").
So `go 1.26.0` / `toolchain go1.25.8` with setup-go@v6 installs 1.25.8, which cannot build
the module under the GOTOOLCHAIN=local v6 sets: the pin carries 1.25.8 and fails. "Aligned by
construction" is left only where the line setup-go reads is the one go.mod requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.gomod_pins import read_gomod
from pytest_goimage.gofacts.versions import (
    POLICY_GO,
    POLICY_TOOLCHAIN,
    Pin,
    format_misalignment,
    misaligned,
    required_version,
)
from pytest_goimage.gofacts.workflows import follow_go_version_files, read_workflows

TOOLCHAIN_BELOW_GO = "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.25.8\n"
TOOLCHAIN_ABOVE_GO = "module example.com/svc\n\ngo 1.25.0\n\ntoolchain go1.26.8\n"
SHA = "0aaccfd150d50ccaeb58ebd88d36e91967a5f35b"


def checkout(
    tmp_path: Path,
    go_mod: str,
    uses: str,
    target: str = "go.mod",
    files: dict[str, str] | None = None,
) -> list[Pin]:
    """go.mod's pins and the followed pin of a job (go-version-file at line 6) that builds."""
    (tmp_path / "go.mod").write_text(go_mod)
    for name, content in (files or {}).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(
        f"jobs:\n  test:\n    steps:\n      - uses: {uses}\n        with:\n"
        f"          go-version-file: {target}\n      - run: go test ./...\n"
    )
    gomod = read_gomod(tmp_path / "go.mod", "go.mod")
    return gomod + follow_go_version_files(read_workflows(tmp_path), tmp_path, tmp_path / "go.mod")


def bad_lines(pins: list[Pin], policy: str) -> list[int]:
    return [p.line for p in misaligned(pins, required_version(pins, policy))]


def test_setup_go_v6_installs_a_toolchain_line_older_than_the_go_line(tmp_path: Path) -> None:
    pins = checkout(tmp_path, TOOLCHAIN_BELOW_GO, "actions/setup-go@v6")
    pin = pins[-1]
    note = (
        "follows go.mod: setup-go v6 installs its toolchain line, Go 1.25.8, older than its "
        "`go 1.26.0` line; raise the toolchain line (`go mod edit -toolchain=go1.26.0`) or "
        "drop it"
    )
    assert (str(pin.version), pin.note, pin.unpinned) == ("1.25.8", note, False)
    assert bad_lines(pins, POLICY_TOOLCHAIN) == bad_lines(pins, POLICY_GO) == [6]
    assert format_misalignment(misaligned(pins, required_version(pins)), pins).startswith(
        f".github/workflows/ci.yml:6: go-version-file go.mod names Go 1.25.8 ({note}), go.mod "
        "requires 1.26.0 (go.mod:3 go 1.26.0)"
    )


def test_setup_go_v5_reads_that_go_mod_s_go_line_which_it_requires(tmp_path: Path) -> None:
    pins = checkout(tmp_path, TOOLCHAIN_BELOW_GO, "actions/setup-go@v5")
    assert (pins[-1].version, pins[-1].note) == (None, "follows go.mod: aligned by construction")
    assert bad_lines(pins, POLICY_TOOLCHAIN) == bad_lines(pins, POLICY_GO) == []


def test_setup_go_v5_installs_the_go_line_which_switches_to_the_toolchain_line(
    tmp_path: Path,
) -> None:
    """v5 installs 1.25.0, the `go` line, and leaves GOTOOLCHAIN unset: a Go from 1.21 on
    switches to go.mod's toolchain line by itself, so the job builds with go1.26.8."""
    pins = checkout(tmp_path, TOOLCHAIN_ABOVE_GO, "actions/setup-go@v5.4.0")
    assert (pins[-1].version, pins[-1].note) == (None, "follows go.mod: aligned by construction")
    assert bad_lines(pins, POLICY_TOOLCHAIN) == []


def test_setup_go_v5_with_a_go_line_before_1_21_misses_the_toolchain_line(
    tmp_path: Path,
) -> None:
    """Go 1.20 knows no toolchain line: v5 installs it, and the job builds with it. The build
    succeeds, but what is tested is not the toolchain that ships, which the default policy
    requires."""
    go_mod = "module example.com/svc\n\ngo 1.20\n\ntoolchain go1.21.5\n"
    pins = checkout(tmp_path, go_mod, "actions/setup-go@v5.4.0")
    pin = pins[-1]
    assert (str(pin.version), pin.note) == (
        "1.20",
        "follows go.mod: setup-go v5.4.0 reads only its `go` line, Go 1.20, not its "
        "toolchain line go1.21.5; actions/setup-go@v6 and later install the toolchain line",
    )
    assert bad_lines(pins, POLICY_TOOLCHAIN) == [6]
    assert bad_lines(pins, POLICY_GO) == []
    message = format_misalignment(misaligned(pins, required_version(pins)), pins)
    assert "the build itself would still succeed: go.mod:3 `go 1.20`" in message


def test_setup_go_v6_installs_a_higher_toolchain_line(tmp_path: Path) -> None:
    pins = checkout(tmp_path, TOOLCHAIN_ABOVE_GO, "actions/setup-go@v6.1.0")
    assert (pins[-1].version, pins[-1].note) == (None, "follows go.mod: aligned by construction")
    assert bad_lines(pins, POLICY_TOOLCHAIN) == []


@pytest.mark.parametrize(
    ("uses", "named", "why"),
    [
        (
            f"actions/setup-go@{SHA}",
            "setup-go@0aaccfd150d5",
            f"@{SHA} is no version tag: read as setup-go v6 and later read go.mod",
        ),
        (
            "actions/setup-go@main",
            "setup-go@main",
            "@main is no version tag: read as setup-go v6 and later read go.mod",
        ),
    ],
)
def test_a_sha_or_a_branch_is_read_as_setup_go_v6_and_says_so(
    tmp_path: Path, uses: str, named: str, why: str
) -> None:
    pins = checkout(tmp_path, TOOLCHAIN_BELOW_GO, uses)
    pin = pins[-1]
    assert (str(pin.version), pin.note) == (
        "1.25.8",
        f"follows go.mod: {named} installs its toolchain line, Go 1.25.8, older than its "
        "`go 1.26.0` line; raise the toolchain line (`go mod edit -toolchain=go1.26.0`) or "
        f"drop it; {why}",
    )


def test_a_sha_on_a_go_mod_aligned_either_way_keeps_by_construction(tmp_path: Path) -> None:
    pins = checkout(tmp_path, TOOLCHAIN_ABOVE_GO, f"actions/setup-go@{SHA}")
    assert (pins[-1].version, pins[-1].note) == (
        None,
        f"follows go.mod: aligned by construction; @{SHA} is no version tag: read as setup-go "
        "v6 and later read go.mod",
    )


@pytest.mark.parametrize(
    ("uses", "version", "note"),
    [
        (  # v4 installs 1.26.0, which switches to the toolchain line by itself
            "actions/setup-go@v4",
            "1.26.8",
            "follows tools/go.work, a workspace file, which requires Go 1.26.8",
        ),
        (
            "actions/setup-go@v6",
            "1.26.8",
            "follows tools/go.work, a workspace file, which requires Go 1.26.8",
        ),
    ],
)
def test_a_workspace_file_is_read_the_same_way(
    tmp_path: Path, uses: str, version: str, note: str
) -> None:
    work = "go 1.26.0\n\ntoolchain go1.26.8\n\nuse ..\n"
    pins = checkout(
        tmp_path, "module m\n\ngo 1.26.8\n", uses, "tools/go.work", {"tools/go.work": work}
    )
    assert (str(pins[-1].version), pins[-1].note, pins[-1].unpinned) == (version, note, False)


def test_a_go_line_setup_go_cannot_read_installs_no_go(tmp_path: Path) -> None:
    """setup-go's regex wants `go` and one space at the start of a line; `go\\t1.22` is a fine
    go.mod line for the go command but gives setup-go no version, so the runner's Go runs."""
    pins = checkout(
        tmp_path,
        "module m\n\ngo 1.26.8\n",
        "actions/setup-go@v5",
        "lib/go.mod",
        {"lib/go.mod": "module example.com/lib\n\ngo\t1.22\n"},
    )
    assert (pins[-1].version, pins[-1].note, pins[-1].unpinned) == (
        None,
        "follows lib/go.mod, another module's go.mod, which has no `go` line setup-go v5 can "
        "read, so it installs no Go and the job uses whatever Go the runner has",
        True,
    )
