"""setup-go version ranges with an upper bound (gofacts/workflows/setup_go.py): setup-go installs
the newest Go an npm semver range admits, so a range whose bound stops below what go.mod
requires fails the check, saying where it stops, and one that reaches it counts like `1.26`.
What each range admits was checked against the npm `semver` package that setup-go calls."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.versions import (
    SOURCE_SETUP_GO,
    Pin,
    format_misalignment,
    misaligned,
    required_version,
    unpinned,
)
from pytest_goimage.gofacts.workflows import workflow_pins
from pytest_goimage.gofacts.workflows.setup_go import setup_go_version

GO_MOD = "module example.com/svc\n\ngo 1.26.0\n\ntoolchain go1.26.8\n"  # requires 1.26.8
WORKFLOW = ".github/workflows/ci.yml"


def pins_of(spec: str) -> list[Pin]:
    """go.mod's pins and those of a job whose setup-go (go-version at line 6) asks for `spec`."""
    text = (
        "jobs:\n  test:\n    steps:\n      - uses: actions/setup-go@v6\n        with:\n"
        f"          go-version: '{spec}'\n      - run: go test ./...\n"
    )
    return gomod_pins(GO_MOD, "go.mod") + workflow_pins(text, WORKFLOW)


def setup_go_pin(pins: list[Pin]) -> Pin:
    (pin,) = [p for p in pins if p.source == SOURCE_SETUP_GO]
    return pin


@pytest.mark.parametrize(
    ("spec", "version", "note"),
    [
        (">=1.21.0 <1.26.0", "1.25", "the range admits at most the newest 1.25.x"),
        ("<=1.25.9", "1.25.9", "the range admits at most 1.25.9"),
        ("1.24 - 1.25", "1.25", "the range admits at most the newest 1.25.x"),
        ("1.24.3 - 1.25.9", "1.25.9", "the range admits at most 1.25.9"),
        ("~1.25", "1.25", ""),
        ("~1.25.3", "1.25", ""),
        ("1.25.x || 1.24.x", "1.25", "the range admits at most the newest 1.25.x"),
        ("1.24.x||~1.25.0", "1.25", "the range admits at most the newest 1.25.x"),
        # The two range forms setup-go's README documents.
        ("<1.24.0", "1.23", "the range admits at most the newest 1.23.x"),
        (">=1.22.0 <1.24.0", "1.23", "the range admits at most the newest 1.23.x"),
        # Spaces after operators, `v` and `=` prefixes, x-ranges as bounds: semver reads them.
        (">= 1.21.0 < 1.26.0", "1.25", "the range admits at most the newest 1.25.x"),
        (">=v1.21 <=1.25", "1.25", "the range admits at most the newest 1.25.x"),
        ("=1.21.x - v1.25.x", "1.25", "the range admits at most the newest 1.25.x"),
        ("<1.26", "1.25", "the range admits at most the newest 1.25.x"),
        ("<1.26.8", "1.26.7", "the range admits at most 1.26.7"),
        ("<=1.26.0-rc.2", "1.26rc2", "the range admits at most 1.26rc2"),
        (
            "<1.26.0-rc.1",
            "1.25",
            "the range admits at most the newest 1.25.x, or a pre-release of Go 1.26 below its "
            "bound if one exists",
        ),
    ],
)
def test_a_range_whose_upper_bound_is_below_go_mod_fails(
    spec: str, version: str, note: str
) -> None:
    pins = pins_of(spec)
    pin = setup_go_pin(pins)
    assert (str(pin.version), pin.note, pin.unpinned) == (version, note, False)
    assert misaligned(pins, required_version(pins)) == [pin]


def test_the_failure_says_where_the_range_stops_and_what_to_use() -> None:
    pins = pins_of(">=1.21.0 <1.26.0")
    bad = misaligned(pins, required_version(pins))
    assert format_misalignment(bad, pins) == (
        f"{WORKFLOW}:6: go-version >=1.21.0 <1.26.0 names Go 1.25 (the range admits at most "
        "the newest 1.25.x), go.mod requires 1.26.8 (go.mod:5 toolchain go1.26.8) — use "
        "go-version '1.26.8' or newer"
    )


@pytest.mark.parametrize(
    ("spec", "version"),
    [
        (">=1.21.0 <1.27.0", "1.26"),
        ("<=1.26.8", "1.26.8"),
        ("<1.26.9", "1.26.8"),
        ("1.25 - 1.26", "1.26"),
        ("1.26.x || 1.25.x", "1.26"),
        ("<2.0.0", "1"),
        (">=1.26.0 <1.26.9", "1.26.8"),
        ("<1.27.0-rc.1", "1.26"),  # or a 1.27 beta: newer still
    ],
)
def test_a_range_that_reaches_go_mod_floats_to_the_newest_go_it_admits(
    spec: str, version: str
) -> None:
    """Like `1.26`, which floats to the newest 1.26.x: the range counts and passes."""
    pins = pins_of(spec)
    pin = setup_go_pin(pins)
    assert (str(pin.version), pin.unpinned) == (version, False)
    assert misaligned(pins, required_version(pins)) == []


@pytest.mark.parametrize(
    ("spec", "note"),
    [
        (
            ">=1.26.0-rc.1 <1.26.0",
            "cannot tell which Go '>=1.26.0-rc.1 <1.26.0' installs: it admits only pre-releases "
            "of Go 1.26 at its top, and which of them is newest only a release list knows",
        ),
        (
            ">1.26.0 <1.26.0",
            "no Go version satisfies '>1.26.0 <1.26.0', so setup-go has none to install",
        ),
        ("<1.0.0", "no Go version satisfies '<1.0.0', so setup-go has none to install"),
        ("1.25.x ||", "'1.25.x ||' floats with Go releases"),  # an empty side of || is `*`
        ("x.x", "'x.x' floats with Go releases"),
        # semver refuses these, so setup-go finds no Go for them.
        (">=1.21.0<1.26.0", "cannot read a Go version from '>=1.21.0<1.26.0'"),
        ("1.24 -1.25", "cannot read a Go version from '1.24 -1.25'"),
        ("1.x.3", "cannot read a Go version from '1.x.3'"),
        ("^go1.22", "cannot read a Go version from '^go1.22'"),
    ],
)
def test_a_range_that_cannot_be_decided_is_a_warning_that_says_why(spec: str, note: str) -> None:
    pins = pins_of(spec)
    pin = setup_go_pin(pins)
    assert (pin.version, pin.note, pin.unpinned) == (None, note, True)
    assert misaligned(pins, required_version(pins)) == []
    assert unpinned(pins) == [pin]


def test_ranges_written_before_this_reader_still_read_as_before() -> None:
    """No upper bound, or one a tilde, caret or x-range sets: the same float, no note."""
    assert [setup_go_version(s) for s in ("^1.22", ">=1.22.3", "~1.24.3", "1.24.x", ">1.22")] == [
        setup_go_version("1"),
        setup_go_version("1"),
        setup_go_version("1.24"),
        setup_go_version("1.24"),
        setup_go_version("1"),
    ]
