"""The end-of-run terminal table (report/terminal.py) compared whole, at the widths a terminal
gives: wide enough for every column, narrow enough to drop the bar and cut the rest, and with
colour codes. The images are those of the Markdown summary's test, one with a baseline more."""

from __future__ import annotations

import pytest

from pytest_goimage.report.records import CheckRecord, ImageRecord
from pytest_goimage.report.terminal import summary_lines

from .test_markdown_summary import images


def table_images() -> list[ImageRecord]:
    shown = images()
    shown[1].baseline_bytes = 40_000_000
    return shown


PLAIN_100 = [
    "goimage summary: 3 images, 1 passed, 1 failed, 1 not checked (1 check deselected); the run was",
    "interrupted (ERR: a check that did not finish)",
    "      dockerfile                build      size/budget  used           vs base  go            static",
    "PASS  api/Dockerfile             3.2s   8.7 MB/30.0 MB  [###-------]    +12.3%  go1.26.8      yes",
    "      build:ok  size:ok",
    "FAIL  web/D…erfile|prod  2m05s cached  45.0 MB/40.0 MB  [##########]!   +12.5%  no Go binary  no",
    "      build:ok  size:FAIL  bucket:ERR  health:skip  static:unknown",
    "SKIP  `odd`.Dockerfile              -            -/0 B  [          ]         -  -             -",
]

PLAIN_72 = [
    "goimage summary: 3 images, 1 passed, 1 failed, 1 not checked (1 check",
    "deselected); the run was interrupted (ERR: a check that did not finish)",
    "      dockerfile           build      size/budget  vs base  go         …",
    "PASS  api…ckerfile          3.2s   8.7 MB/30.0 MB   +12.3%  go1.26.8   …",
    "      build:ok  size:ok",
    "FAIL  web…ile|prod  2m05s cached  45.0 MB/40.0 MB   +12.5%  no Go binar…",
    "      build:ok  size:FAIL  bucket:ERR  health:skip  static:unknown",
    "SKIP  `od…ckerfile             -            -/0 B        -  -          …",
]

PLAIN_40 = [
    "goimage summary: 3 images, 1 passed, 1",
    "failed, 1 not checked (1 check",
    "deselected); the run was interrupted",
    "(ERR: a check that did not finish)",
    "      dockerfile           build      s…",
    "PASS  api…ckerfile          3.2s   8.7 …",
    "      build:ok  size:ok",
    "FAIL  web…ile|prod  2m05s cached  45.0 …",
    "      build:ok  size:FAIL  bucket:ERR",
    "      health:skip  static:unknown",
    "SKIP  `od…ckerfile             -       …",
]

COLOR_100 = [
    "goimage summary: 3 images, 1 passed, 1 failed, 1 not checked (1 check deselected); the run was",
    "interrupted (ERR: a check that did not finish)",
    "      dockerfile                build      size/budget  used           vs base  go            static",
    "\x1b[32mPASS\x1b[0m  api/Dockerfile             3.2s   8.7 MB/30.0 MB  \x1b[32m[###-------]\x1b[0m    +12.3%  go1.26.8      \x1b[32myes\x1b[0m",
    "      \x1b[32mbuild:ok\x1b[0m  \x1b[32msize:ok\x1b[0m",
    "\x1b[31mFAIL\x1b[0m  web/D…erfile|prod  2m05s cached  \x1b[31m45.0 MB/40.0 MB\x1b[0m  \x1b[31m[##########]!\x1b[0m   \x1b[31m+12.5%\x1b[0m  no Go binary  \x1b[31mno\x1b[0m",
    "      \x1b[32mbuild:ok\x1b[0m  \x1b[31msize:FAIL\x1b[0m  \x1b[31mbucket:ERR\x1b[0m  \x1b[33mhealth:skip\x1b[0m  static:unknown",
    "\x1b[33mSKIP\x1b[0m  `odd`.Dockerfile              -            -/0 B  [          ]         -  -             -",
]


@pytest.mark.parametrize(
    ("width", "color", "expected"),
    [
        (100, False, PLAIN_100),
        (72, False, PLAIN_72),
        (40, False, PLAIN_40),
        (100, True, COLOR_100),
    ],
    ids=["wide", "no-room-for-the-bar", "narrow", "colour"],
)
def test_the_table_reads_as_a_whole(width: int, color: bool, expected: list[str]) -> None:
    assert summary_lines(table_images(), width=width, color=color, interrupted=True) == expected


def test_a_failed_go_version_check_colours_the_go_cell() -> None:
    image = ImageRecord(
        dockerfile="Dockerfile",
        context=".",
        go_version="go1.22.1",
        checks={"go-version": CheckRecord("failed", "pins differ")},
    )
    assert summary_lines([image], width=100, color=True)[2] == (
        "\x1b[31mFAIL\x1b[0m  Dockerfile      -        -/0 B  [          ]        -  "
        "\x1b[31mgo1.22.1\x1b[0m  -"
    )


def test_without_images_the_title_wraps_to_the_width() -> None:
    assert summary_lines([], width=30) == ["goimage summary: 0 images, 0", "passed, 0 failed"]


def test_a_tiny_width_cuts_every_line_and_marks_the_cut() -> None:
    assert summary_lines(images()[:1], width=8) == [
        "goimage…",
        "image, …",
        "failed",
        "      d…",
        "PASS  a…",
        "      b…",
        "      s…",
    ]


def test_names_cut_to_fit_take_the_room_of_a_baseline_column_no_image_uses() -> None:
    """At 80 columns, four images without a baseline: `Dockerfile.scratch` stays whole."""
    shown = [
        ImageRecord(
            dockerfile=name,
            context=".",
            size_bytes=8_700_000,
            build_seconds=34.1,
            build_cached=True,
            go_version="go1.26.8",
            static=True,
            size_budget=40_000_000,
            checks={"size": CheckRecord("passed")},
        )
        for name in ("Dockerfile", "Dockerfile.prod", "backend/Dockerfile", "Dockerfile.scratch")
    ]
    lines = summary_lines(shown, width=80)
    assert lines[1] == "      dockerfile                 build     size/budget  go        static"
    assert lines[-2] == "PASS  Dockerfile.scratch  34.1s cached  8.7 MB/40.0 MB  go1.26.8  yes"
    # With a baseline, the column stays and the names are cut, as before.
    shown[0].baseline_bytes = 8_000_000
    lines = summary_lines(shown, width=80)
    assert "vs base" in lines[1]
    assert lines[-2].startswith("PASS  Docke…ile.scratch  34.1s cached ")
