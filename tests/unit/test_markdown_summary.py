"""The GitHub step summary (report/markdown.py and the cells it shares with the terminal),
compared whole: every character of it is what a user reads on the Actions run page."""

from __future__ import annotations

import pytest

from pytest_goimage.report.cells import first_line, format_seconds
from pytest_goimage.report.markdown import markdown_summary
from pytest_goimage.report.records import NOT_RUN_DESELECTED, CheckRecord, ImageRecord

TOKEN = "ghp_" + "Z9" * 18


def images() -> list[ImageRecord]:
    return [
        ImageRecord(
            dockerfile="api/Dockerfile",
            context="api",
            size_bytes=8_700_000,
            build_seconds=3.21,
            build_cached=False,
            go_version="go1.26.8",
            static=True,
            size_budget=30_000_000,
            baseline_bytes=7_750_000,
            checks={"build": CheckRecord("passed"), "size": CheckRecord("passed")},
        ),
        ImageRecord(
            dockerfile="web/Dockerfile|prod",
            context="web",
            size_bytes=45_000_000,
            build_seconds=125.4,
            build_cached=True,
            go_version=None,
            go_binary=False,
            static=False,
            size_budget=40_000_000,
            checks={
                "build": CheckRecord("passed"),
                "size": CheckRecord("failed", f"\n  45 MB is over 40 MB; token {TOKEN}\nmore\n"),
                "bucket": CheckRecord("error", ""),
                "health": CheckRecord("skipped", NOT_RUN_DESELECTED),
                "static": CheckRecord("unknown"),  # type: ignore[arg-type]
            },
        ),
        ImageRecord(dockerfile="`odd`.Dockerfile", context=".", size_budget=0, checks={}),
    ]


def test_the_summary_reads_as_a_whole() -> None:
    assert markdown_summary(
        images(), failed_tests=[f"tests/test_api.py::test_login[{TOKEN}]"], interrupted=True
    ) == (
        "### pytest-goimage\n"
        "\n"
        "**3 images, 1 passed, 1 failed, 1 not checked (1 check deselected); the run was "
        "interrupted (ERR: a check that did not finish)**\n"
        "\n"
        "| | Dockerfile | Build | Size / budget | vs baseline | Go | Static | Checks |\n"
        "| --- | --- | ---: | ---: | ---: | --- | --- | --- |\n"
        "| ✅ | `api/Dockerfile` | 3.2s | 8.7 MB / 30.0 MB (29%) | +12.3% | go1.26.8 | yes "
        "| ✅ build ✅ size |\n"
        "| ❌ | `web/Dockerfile\\|prod` | 2m05s cached | 45.0 MB / 40.0 MB (112%, over budget) "
        "| - | no Go binary | no | ✅ build ❌ size ⚠️ bucket ⏭️ health ❔ static |\n"
        "| ⏭️ | `` `odd`.Dockerfile `` | - | - / 0 B | - | - | - | - |\n"
        "\n"
        "**Failures**\n"
        "\n"
        "- ❌ `web/Dockerfile\\|prod` **size** (failed): `45 MB is over 40 MB; token ***`\n"
        "- ⚠️ `web/Dockerfile\\|prod` **bucket** (error): `(no message)`\n"
        "- ❌ test `tests/test_api.py::test_login[***]` failed\n"
    )


def test_a_summary_without_images_or_failures_is_its_title() -> None:
    assert markdown_summary([]) == ("### pytest-goimage\n\n**0 images, 0 passed, 0 failed**\n\n")


def test_the_given_secrets_are_masked_in_failure_lines() -> None:
    image = ImageRecord(
        dockerfile="Dockerfile",
        context=".",
        checks={"bucket": CheckRecord("failed", "login as admin:hunter2-xyz refused")},
    )
    summary = markdown_summary([image], ["test_x[hunter2-xyz]"], secrets={"hunter2-xyz"})
    assert summary.splitlines()[-2:] == [
        "- ❌ `Dockerfile` **bucket** (failed): `login as admin:*** refused`",
        "- ❌ test `test_x[***]` failed",
    ]


@pytest.mark.parametrize(
    ("dockerfile", "cell"),
    [
        ("plain", "`plain`"),
        ("a`b", "`` a`b ``"),
        ("a``b", "``` a``b ```"),
        ("a`b``c", "``` a`b``c ```"),
        ("`lead", "`` `lead ``"),
        ("trail`", "`` trail` ``"),
        ("`", "`` ` ``"),
    ],
)
def test_a_dockerfile_cell_is_one_commonmark_code_span(dockerfile: str, cell: str) -> None:
    """CommonMark: a span's fence is longer than any backtick run inside it; one space pads a
    span holding backticks (one is needed where it starts or ends with one, and CommonMark
    strips one from each end)."""
    image = ImageRecord(dockerfile=dockerfile, context=".", checks={})
    row = markdown_summary([image]).splitlines()[6]
    assert row.split(" | ")[1] == cell


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.04, "0.0s"), (99.94, "99.9s"), (99.96, "100.0s"), (100.0, "1m40s"), (3599.6, "60m00s")],
)
def test_build_times_from_100_seconds_are_minutes_and_seconds(seconds: float, shown: str) -> None:
    assert format_seconds(seconds) == shown


@pytest.mark.parametrize(
    ("message", "line"), [("", "(no message)"), (" \n\n ", "(no message)"), ("\n a \nb", "a")]
)
def test_the_first_line_of_a_message_is_its_first_line_with_text(message: str, line: str) -> None:
    assert first_line(message) == line


@pytest.mark.parametrize(
    ("budget", "cell"), [(0, "5.0 MB / 0 B"), (1, "5.0 MB / 1 B (500000000%, over budget)")]
)
def test_the_share_of_the_budget_is_shown_where_there_is_a_budget(budget: int, cell: str) -> None:
    image = ImageRecord(dockerfile="D", context=".", size_bytes=5_000_000, size_budget=budget)
    assert markdown_summary([image]).splitlines()[6].split(" | ")[3] == cell
