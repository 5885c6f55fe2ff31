"""The end-of-run terminal table (report/terminal.py) at the edges the whole-table tests do not
reach: the default width, widths of zero and one column, a title wrapped at its 20-column
floor, which cells a size problem colours, and check lines that fill the width exactly."""

from __future__ import annotations

from pytest_goimage.report.records import NOT_RUN_DESELECTED, CheckRecord, ImageRecord
from pytest_goimage.report.terminal import summary_lines

from .test_markdown_summary import images
from .test_terminal_summary import PLAIN_100, table_images

RED, GREEN, YELLOW, RESET = "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[0m"
ALL_CHECKS = ("go-version", "tracked", "build", "static", "size", "bucket", "health")


def test_without_a_width_the_table_is_100_columns_wide() -> None:
    assert summary_lines(table_images(), interrupted=True) == PLAIN_100


def test_a_width_of_one_column_shows_only_the_cut_mark() -> None:
    assert summary_lines(images()[:1], width=1) == ["…"] * 7


def test_a_width_of_no_columns_shows_empty_lines() -> None:
    assert summary_lines(images()[:1], width=0) == [""] * 7


def test_a_title_wraps_at_20_columns_however_narrow_the_table() -> None:
    unchecked = ImageRecord(
        dockerfile="Dockerfile",
        context=".",
        checks={"build": CheckRecord("skipped", NOT_RUN_DESELECTED)},
    )
    assert summary_lines([unchecked], width=20) == [
        "goimage summary: 1",
        "image, 0 passed, 0",
        "failed, 1 not",
        "checked (1 check",
        "deselected)",
        "      dockerfile  b…",
        "SKIP  Dockerfile   …",
        "      build:skip",
    ]


def test_a_failed_size_check_under_budget_colours_the_size_cells_red() -> None:
    """Growth over the baseline fails the size check while the image is within budget."""
    grown = ImageRecord(
        dockerfile="api/Dockerfile",
        context="api",
        size_bytes=9_900_000,
        size_budget=30_000_000,
        baseline_bytes=7_750_000,
        go_version="go1.26.8",
        static=True,
        checks={
            "build": CheckRecord("passed"),
            "size": CheckRecord("failed", "grew 27.7% over the baseline"),
        },
    )
    assert summary_lines([grown], color=True)[2] == (
        f"{RED}FAIL{RESET}  api/Dockerfile      -  {RED}9.9 MB/30.0 MB{RESET}  "
        f"{RED}[###-------]{RESET}   {RED}+27.7%{RESET}  go1.26.8  {GREEN}yes{RESET}"
    )


def test_an_image_over_budget_is_red_even_when_its_size_check_did_not_run() -> None:
    """Over budget with the size check deselected: the size is red; a baseline cell without
    a baseline (`-`) stays plain."""
    over = ImageRecord(
        dockerfile="api/Dockerfile",
        context="api",
        size_bytes=31_000_000,
        size_budget=30_000_000,
        go_version="go1.26.8",
        static=True,
        checks={
            "build": CheckRecord("passed"),
            "size": CheckRecord("skipped", NOT_RUN_DESELECTED),
        },
    )
    assert summary_lines([over], color=True)[2] == (
        f"{GREEN}PASS{RESET}  api/Dockerfile      -  {RED}31.0 MB/30.0 MB{RESET}  "
        f"{RED}[##########]!{RESET}        -  go1.26.8  {GREEN}yes{RESET}"
    )


def all_checks_image() -> ImageRecord:
    return ImageRecord(
        dockerfile="api/Dockerfile",
        context="api",
        size_bytes=8_700_000,
        build_seconds=3.21,
        size_budget=30_000_000,
        go_version="go1.26.8",
        static=True,
        checks={name: CheckRecord("passed") for name in ALL_CHECKS},
    )


def test_check_tokens_fill_a_line_up_to_its_last_column() -> None:
    """The six tokens up to `bucket:ok` take exactly 72 columns, so they share one line."""
    assert summary_lines([all_checks_image()], width=72) == [
        "goimage summary: 1 image, 1 passed, 0 failed",
        "      dockerfile      build     size/budget  vs base  go        static",
        "PASS  api/Dockerfile   3.2s  8.7 MB/30.0 MB        -  go1.26.8  yes",
        "      go-version:ok  tracked:ok  build:ok  static:ok  size:ok  bucket:ok",
        "      health:ok",
    ]


def test_check_lines_that_wrap_keep_their_colours() -> None:
    image = all_checks_image()
    image.checks["health"] = CheckRecord("failed", "no answer on /healthz")
    assert summary_lines([image], width=71, color=True)[3:] == [
        f"      {GREEN}go-version:ok{RESET}  {GREEN}tracked:ok{RESET}  {GREEN}build:ok{RESET}  "
        f"{GREEN}static:ok{RESET}  {GREEN}size:ok{RESET}",
        f"      {GREEN}bucket:ok{RESET}  {RED}health:FAIL{RESET}",
    ]
