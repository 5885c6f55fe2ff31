"""One vocabulary for the report: outcomes and image facts each have one definition."""

from __future__ import annotations

from typing import get_args

from pytest_goimage.report.json_report import load_schema
from pytest_goimage.report.records import CHECK_OUTCOMES, ImageFacts, ImageRecord, Outcome


def test_check_outcomes_are_the_ones_the_schema_allows() -> None:
    schema_outcomes = load_schema()["$defs"]["checkOutcome"]["enum"]
    assert list(get_args(Outcome)) == schema_outcomes
    assert list(CHECK_OUTCOMES) == schema_outcomes


def test_image_facts_travel_as_properties_and_back() -> None:
    facts = ImageFacts(
        tag="goimage/backend:3f2a",
        image_id="sha256:" + "ab" * 32,
        size_bytes=8_700_000,
        build_seconds=3.214,
        build_cached=False,
        go_version="go1.26.8",
        static=True,
    )
    assert facts.properties() == [
        ("image", "goimage/backend:3f2a"),
        ("image_id", "sha256:" + "ab" * 32),
        ("size_bytes", 8_700_000),
        ("build_seconds", 3.214),
        ("build_cached", False),
        ("go_version", "go1.26.8"),
        ("static", True),
    ]
    record = ImageRecord(dockerfile="Dockerfile", context=".")
    record.update_from(dict(facts.properties()))
    assert ImageFacts(**{name: getattr(record, name) for name in vars(facts)}) == facts


def test_an_image_without_a_go_binary_says_only_that() -> None:
    assert ImageFacts(tag="goimage/docs:1", go_binary=False).properties() == [
        ("image", "goimage/docs:1"),
        ("go_binary", False),
    ]


def test_a_workers_line_from_xdist_is_not_part_of_a_checks_message() -> None:
    """Trial 19: under `-n 2` the JSON report's message began with `[gw1] linux -- Python ...`."""
    import pytest as _pytest

    from pytest_goimage.report.results import _message

    text = "[gw1] linux -- Python 3.11.7 /venv/bin/python\n[goimage build] Dockerfile:6: failed"
    report = _pytest.TestReport("Dockerfile::build", ("", 0, ""), {}, "failed", text, "call")
    assert _message(report) == "[goimage build] Dockerfile:6: failed"
    plain = _pytest.TestReport("x", ("", 0, ""), {}, "failed", "[gw] not xdist", "call")
    assert _message(plain) == "[gw] not xdist"
