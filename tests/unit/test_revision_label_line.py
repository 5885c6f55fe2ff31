"""Which LABEL sets the revision label and from which build argument, and what provenance says
of an empty label or of a label beside a binary that is HEAD's (trial 35B)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.revision_label import (
    LabelLine,
    empty_label,
    label_beside_stamp,
    label_line,
)

REVISION = "org.opencontainers.image.revision"


@pytest.mark.parametrize(
    ("dockerfile", "target", "found"),
    [
        # GitLab's shape: the commit CI passes, under its own name.
        (
            f"FROM alpine\nARG CI_COMMIT_SHA\nLABEL {REVISION}=$CI_COMMIT_SHA\n",
            None,
            (3, "CI_COMMIT_SHA"),
        ),
        (f'FROM alpine\nARG VCS_REF\nLABEL a=b {REVISION}="${{VCS_REF}}"\n', None, (3, "VCS_REF")),
        # A commit written in, and a value that is more than one variable.
        (f"FROM alpine\nLABEL {REVISION}=0123456789abcdef\n", None, (2, None)),
        (f"FROM alpine\nLABEL {REVISION}=$BRANCH-$SHA\n", None, (2, None)),
        # The last one counts; one in a stage built FROM counts; a builder's does not.
        (
            f"FROM alpine AS base\nLABEL {REVISION}=$OLD\nFROM base\nLABEL {REVISION}=$NEW\n",
            None,
            (4, "NEW"),
        ),
        (f'FROM alpine AS base\nLABEL {REVISION}=$SHA\nFROM base\nCMD ["x"]\n', None, (2, "SHA")),
        (
            f"FROM golang AS build\nLABEL {REVISION}=$SHA\nFROM alpine\nCOPY --from=build /a /a\n",
            None,
            None,
        ),
        (
            f"FROM alpine AS release\nLABEL {REVISION}=$SHA\nFROM alpine AS debug\n",
            "release",
            (2, "SHA"),
        ),
        ("FROM alpine\nLABEL maintainer=me\n", None, None),
    ],
)
def test_the_label_line_and_its_build_argument(
    dockerfile: str, target: str | None, found: tuple[int, str | None] | None
) -> None:
    line = label_line(parse_dockerfile(dockerfile), target)
    assert (None if line is None else (line.line, line.variable)) == found


def test_an_empty_label_names_the_argument_that_got_no_value() -> None:
    assert empty_label(LabelLine(12, "CI_COMMIT_SHA"), "Dockerfile") == (
        f"its {REVISION} label is empty: `LABEL {REVISION}=...` (Dockerfile:12) takes "
        "$CI_COMMIT_SHA, which this build gave no value; set build_args = { CI_COMMIT_SHA = "
        '"{git.head}" } in [tool.goimage] (the commit checked out, in CI too)'
    )
    assert empty_label(LabelLine(3, None), "Dockerfile.prod") == (
        f"its {REVISION} label is empty: `LABEL {REVISION}=...` (Dockerfile.prod:3) writes it so"
    )
    assert empty_label(None, "Dockerfile") is None


def test_a_label_beside_a_binary_that_is_head_is_what_is_wrong() -> None:
    stale = "0123456789abcdef0123456789abcdef01234567"
    assert label_beside_stamp(stale, LabelLine(9, None), "Dockerfile") == (
        f"its {REVISION} label says {stale}, set by `LABEL {REVISION}=...` (Dockerfile:9), "
        "another commit: everything that reads the label (registries, scanners, deploy tools) "
        "is told a wrong commit; set it from HEAD (`ARG GIT_SHA`, the label's value `$GIT_SHA`, "
        'and build_args = { GIT_SHA = "{git.head}" } in [tool.goimage]), or drop the label'
    )
    assert label_beside_stamp(stale, LabelLine(9, "VCS_REF"), "Dockerfile").endswith(
        'set it from HEAD (build_args = { VCS_REF = "{git.head}" } in [tool.goimage]), or drop '
        "the label"
    )
    assert label_beside_stamp(stale, None, "Dockerfile").endswith(
        "is told a wrong commit; set it from HEAD, or drop the label"
    )
