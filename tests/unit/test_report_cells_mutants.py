"""The cells both summaries share (report/cells.py) at the edges the whole-table tests do not
reach: a cached build without a time, a Go binary whose version could not be read, a size
exactly at a tiny budget, and the title's singular and plural forms."""

from __future__ import annotations

import pytest

from pytest_goimage.report.cells import budget_bar, build_cell, counts_title, go_cell
from pytest_goimage.report.records import NOT_RUN_DESELECTED, CheckRecord, ImageRecord


def test_a_build_wholly_from_cache_without_a_time_reads_cached() -> None:
    image = ImageRecord(dockerfile="Dockerfile", context=".", build_cached=True)
    assert build_cell(image) == "cached"


def test_a_go_binary_whose_version_was_not_read_shows_a_dash() -> None:
    """`no Go binary` is for images without one (go_binary False), not for unread versions."""
    image = ImageRecord(dockerfile="Dockerfile", context=".", go_binary=True)
    assert go_cell(image) == "-"


@pytest.mark.parametrize(
    ("size", "budget", "bar"),
    [(0, 0, "[----------]"), (1, 1, "[##########]"), (1, 2, "[#####-----]")],
    ids=["empty-image-without-budget", "one-byte-at-its-one-byte-budget", "half-of-two-bytes"],
)
def test_the_budget_bar_of_tiny_sizes_and_budgets(size: int, budget: int, bar: str) -> None:
    image = ImageRecord(dockerfile="Dockerfile", context=".", size_bytes=size, size_budget=budget)
    assert budget_bar(image) == bar


def passed(dockerfile: str) -> ImageRecord:
    return ImageRecord(dockerfile=dockerfile, context=".", checks={"build": CheckRecord("passed")})


def test_the_title_of_one_image_says_image() -> None:
    assert counts_title([passed("Dockerfile")]) == "1 image, 1 passed, 0 failed"


def test_the_title_of_two_images_says_images() -> None:
    assert counts_title([passed("a/Dockerfile"), passed("b/Dockerfile")]) == (
        "2 images, 2 passed, 0 failed"
    )


def test_two_deselected_checks_are_counted_in_the_plural() -> None:
    image = passed("Dockerfile")
    image.checks["size"] = CheckRecord("skipped", NOT_RUN_DESELECTED)
    image.checks["health"] = CheckRecord("skipped", NOT_RUN_DESELECTED)
    assert counts_title([image]) == "1 image, 1 passed, 0 failed (2 checks deselected)"
