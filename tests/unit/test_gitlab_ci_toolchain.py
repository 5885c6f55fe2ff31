"""A GitLab CI job's GOTOOLCHAIN variable (gofacts/gitlab_ci/image_pins.py): the golang images set
GOTOOLCHAIN=local, and a job (or the pipeline's `variables:`) that sets `auto` lets go.mod choose
the Go, one that names a toolchain runs that Go. Read as a GitHub workflow container's env is
(gofacts/gotoolchain.py); the job's variable wins over the pipeline's, as in GitLab. Before, a
user trial's `GOTOOLCHAIN: auto` jobs on golang:1.22 and 1.24 failed go-version."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.gomod_pins import gomod_pins
from pytest_goimage.gofacts.versions import Pin, format_misalignment, misaligned, required_version
from tests.unit.test_gitlab_ci import pins_of

GO_MOD = gomod_pins("module example.com/svc\n\ngo 1.26.0\n", "go.mod")
AUTO = (
    "not counted: GOTOOLCHAIN={value} ({where}) lets go.mod's go and toolchain lines choose the "
    "Go the job runs ({floor}, or the newer one go.mod asks for, which the go command downloads)"
)


def failing(pins: list[Pin]) -> list[str]:
    """The jobs whose pins fail against go.mod's 1.26.0."""
    return [pin.job for pin in misaligned(pins, required_version([*GO_MOD, *pins]))]


def rows(pins: list[Pin]) -> list[tuple[str, str, str | None, str]]:
    """(job, resolved image, version the job runs, why it is not counted) per pin."""
    return [(p.job, p.resolved, str(p.version) if p.version else None, p.ignored) for p in pins]


# The trial's two pipelines (09-pins-elsewhere, branches main and global-toolchain).
JOB_LEVEL = """\
variables:
  GO_VERSION: "1.26"

unit:
  image: golang:${GO_VERSION}-bookworm
  script: [go test -race ./...]

vet-toolchain:
  stage: test
  image: golang:1.22
  variables:
    GOTOOLCHAIN: auto
  script: [go vet ./...]
"""
GLOBAL = """\
# Go follows go.mod's toolchain line everywhere in this pipeline
variables:
  GOTOOLCHAIN: auto

default:
  image: golang:1.24-bookworm

test:
  script:
    - go test ./...

vet:
  image: golang:1.25
  variables:
    GOTOOLCHAIN: local
  script:
    - go vet ./...
"""


def test_a_job_that_sets_gotoolchain_auto_is_not_counted(tmp_path: Path) -> None:
    pins = pins_of(tmp_path, {".gitlab-ci.yml": JOB_LEVEL})
    auto = AUTO.format(value="auto", where=".gitlab-ci.yml:12", floor="the image's Go 1.22")
    assert rows(pins) == [
        ("unit", "golang:1.26-bookworm", "1.26", ""),
        ("vet-toolchain", "golang:1.22", "1.22", auto),
    ]
    assert failing(pins) == []


def test_the_pipelines_gotoolchain_applies_unless_the_job_sets_its_own(tmp_path: Path) -> None:
    pins = pins_of(tmp_path, {".gitlab-ci.yml": GLOBAL})
    auto = AUTO.format(value="auto", where=".gitlab-ci.yml:3", floor="the image's Go 1.24")
    assert rows(pins) == [
        ("test", "golang:1.24-bookworm", "1.24", auto),
        ("vet", "golang:1.25", "1.25", ""),  # `local`: the image's own Go, as GitLab runs it
    ]
    assert failing(pins) == ["vet"]
    # `inherit: variables: false` keeps the pipeline's variables (GOTOOLCHAIN too) from a job.
    inherit = GLOBAL.replace("test:\n", "test:\n  inherit:\n    variables: false\n")
    assert failing(pins_of(tmp_path / "inherit", {".gitlab-ci.yml": inherit})) == ["test", "vet"]


@pytest.mark.parametrize(
    ("value", "runs", "counted"),
    [
        ("auto", "1.22", False),
        ("local+auto", "1.22", False),
        ("go1.27.3+auto", "1.22", False),
        ('""', "1.22", False),  # empty: $GOROOT/go.env's auto
        ("go1.27.3", "1.27.3", True),
        ("go1.27.3+path", "1.27.3", True),
        ("local", "1.22", True),
        ("path", "1.22", True),
        ("go1.27", "1.22", True),  # names no toolchain: Go refuses it, and so fails the job
    ],
)
def test_each_gotoolchain_value_as_go_reads_it(
    tmp_path: Path, value: str, runs: str, counted: bool
) -> None:
    pins = pins_of(
        tmp_path,
        {".gitlab-ci.yml": JOB_LEVEL.replace("GOTOOLCHAIN: auto", f"GOTOOLCHAIN: {value}")},
    )
    (pin,) = [p for p in pins if p.job == "vet-toolchain"]
    assert (str(pin.version), not pin.ignored) == (runs, counted)
    assert failing(pins) == ([] if runs == "1.27.3" or not counted else ["vet-toolchain"])


def test_an_older_toolchain_fails_naming_the_job_and_the_variables_line(tmp_path: Path) -> None:
    pins = pins_of(
        tmp_path,
        {".gitlab-ci.yml": JOB_LEVEL.replace("GOTOOLCHAIN: auto", "GOTOOLCHAIN: go1.25.8")},
    )
    bad = misaligned(pins, required_version([*GO_MOD, *pins]))
    message = format_misalignment(bad, [*GO_MOD, *pins])
    assert message.startswith(
        ".gitlab-ci.yml:10: GitLab CI job vet-toolchain: image golang:1.22 names Go 1.25.8 "
        "(GOTOOLCHAIN=go1.25.8 (.gitlab-ci.yml:12) runs Go 1.25.8 instead of the image's Go "
        "1.22), go.mod requires 1.26.0 (go.mod:3 go 1.26.0) — set GOTOOLCHAIN: go1.26.0 or "
        "newer on .gitlab-ci.yml:12"
    ), message
    assert bad[0].toolchain_line == 12


INCLUDED = {
    ".gitlab-ci.yml": """\
include:
  - local: ci/go.yml

default:
  image: golang:1.23

test:
  extends: .go-test
  script: [go test ./...]

race:
  extends: .go-test
  variables:
    GOTOOLCHAIN: go1.25.8
  parallel:
    matrix:
      - GOARCH: [amd64, arm64]
  script: [go test -race ./...]

lint:
  image: golang:1.23
  variables:
    GOTOOLCHAIN:
      value: go1.27.3
      description: the toolchain golangci-lint is built with
  script: [go vet ./...]
""",
    "ci/go.yml": """\
variables:
  GO_TOOLCHAIN_VERSION: "1.27.3"
  GOTOOLCHAIN: go${GO_TOOLCHAIN_VERSION}

.go-test:
  variables:
    CGO_ENABLED: "0"
""",
}


def test_included_templates_extends_matrix_and_value_forms(tmp_path: Path) -> None:
    pins = pins_of(tmp_path, INCLUDED)
    assert rows(pins) == [
        ("test", "golang:1.23", "1.27.3", ""),  # the pipeline's, from the included file
        ("race", "golang:1.23", "1.25.8", ""),  # its own; one pin for both matrix entries
        ("lint", "golang:1.23", "1.27.3", ""),
    ]
    assert pins[0].note == (
        "GOTOOLCHAIN=go1.27.3 (ci/go.yml:3) runs Go 1.27.3 instead of the image's Go 1.23"
    )
    # The variable is in another file than the image: no line of the image's file to cite.
    assert (pins[0].toolchain_line, pins[1].toolchain_line) == (0, 14)
    assert failing(pins) == ["race"]


def test_a_matrix_of_toolchains_gives_one_pin_each(tmp_path: Path) -> None:
    pipeline = """\
test:
  image: golang:1.25
  parallel:
    matrix:
      - GOTOOLCHAIN: [local, go1.26.8, auto]
  script: [go test ./...]
"""
    pins = pins_of(tmp_path, {".gitlab-ci.yml": pipeline})
    assert [(str(p.version), bool(p.ignored)) for p in pins] == [
        ("1.25", False),
        ("1.26.8", False),
        ("1.25", True),
    ]
    assert failing(pins) == ["test"]


def test_a_toolchain_set_outside_the_checkout_leaves_the_images_go_and_says_so(
    tmp_path: Path,
) -> None:
    pipeline = JOB_LEVEL.replace("GOTOOLCHAIN: auto", "GOTOOLCHAIN: $CI_GO_TOOLCHAIN")
    (_, pin) = pins_of(tmp_path, {".gitlab-ci.yml": pipeline})
    assert (str(pin.version), pin.ignored) == ("1.22", "")
    assert pin.note == (
        "GOTOOLCHAIN=$CI_GO_TOOLCHAIN (.gitlab-ci.yml:12) is set outside the checkout; "
        "the image's Go counts"
    )
