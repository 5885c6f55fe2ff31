"""Unit tests of pytest_goimage.report: the JSON contract, atomic writes and the summaries."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pytest_goimage.report.json_report import build_report, load_schema, write_report
from pytest_goimage.report.markdown import markdown_summary
from pytest_goimage.report.records import CheckRecord, ImageRecord, verified
from pytest_goimage.report.terminal import summary_lines

ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_DOCKERFILE = (
    "deploy/services/payments/internal/very/deeply/nested/directory/for/no/good/reason/"
    "Dockerfile.production-with-debug-symbols"
)
ALL_CHECKS = ("go-version", "tracked", "build", "static", "size", "bucket", "health")


def passing_image(dockerfile: str = "backend/Dockerfile", **overrides: Any) -> ImageRecord:
    fields: dict[str, Any] = {
        "dockerfile": dockerfile,
        "context": ".",
        "tag": "goimage/backend:3f2a",
        "image_id": "sha256:" + "ab" * 32,
        "size_bytes": 8_700_000,
        "build_seconds": 3.21449,
        "build_cached": False,
        "go_version": "go1.26.8",
        "static": True,
        "size_budget": 30_000_000,
        "baseline_bytes": 7_750_000,
        "checks": {name: CheckRecord("passed", "", 0.25) for name in ALL_CHECKS},
    }
    fields.update(overrides)
    return ImageRecord(**fields)


def failing_image() -> ImageRecord:
    """A build that failed: nothing measured, later checks skipped naming the build."""
    return ImageRecord(
        dockerfile="Dockerfile.dev",
        context=".",
        tag=None,
        image_id=None,
        size_bytes=None,
        build_seconds=None,
        build_cached=None,
        go_version=None,
        static=None,
        size_budget=64_000_000,
        baseline_bytes=None,
        checks={
            "go-version": CheckRecord("passed", "", 0.01),
            "build": CheckRecord(
                "failed", "step [build 5/8] RUN go build ./...\nmain.go:12:2: undefined: foo", 4.5
            ),
            "static": CheckRecord("skipped", "Dockerfile.dev did not build", 0.0),
            "health": CheckRecord("error", "engine went away\ntraceback...", 0.1),
        },
    )


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, report: dict[str, Any]) -> list[str]:
    return [error.message for error in validator.iter_errors(report)]


# --- JSON report and schema ----------------------------------------------------------------


def test_passing_report_has_spec_shape_and_validates(validator: Draft202012Validator) -> None:
    report = build_report([passing_image()])
    assert errors(validator, report) == []
    assert report["schema"] == "pytest-goimage/v1"
    assert report["outcome"] == "passed"
    assert "interrupted" not in report
    image = report["images"][0]
    spec_keys = ["dockerfile", "context", "tag", "image_id", "size_bytes", "build_seconds"]
    assert list(image)[:8] == [*spec_keys, "go_version", "checks"]
    assert image["build_seconds"] == 3.214
    assert list(image["checks"]) == list(ALL_CHECKS)  # insertion order kept
    assert image["checks"]["build"] == {"outcome": "passed", "message": "", "seconds": 0.25}
    json.dumps(report, allow_nan=False)  # plain JSON types only


def test_failing_report_validates(validator: Draft202012Validator) -> None:
    report = build_report([passing_image(), failing_image()])
    assert errors(validator, report) == []
    assert report["outcome"] == "failed"
    assert [image["outcome"] for image in report["images"]] == ["passed", "failed"]
    assert report["images"][1]["size_bytes"] is None


def test_additive_image_fields_are_allowed(validator: Draft202012Validator) -> None:
    report = build_report([passing_image()])
    report["images"][0]["scanner_findings"] = [{"size": 1}]
    assert errors(validator, report) == []


@pytest.mark.parametrize(
    "key", ["dockerfile", "context", "tag", "image_id", "size_bytes", "go_version", "checks"]
)
def test_schema_rejects_image_missing_required_key(
    validator: Draft202012Validator, key: str
) -> None:
    report = build_report([passing_image()])
    del report["images"][0][key]
    assert errors(validator, report)


@pytest.mark.parametrize("key", ["schema", "outcome", "images"])
def test_schema_rejects_report_missing_required_key(
    validator: Draft202012Validator, key: str
) -> None:
    report = build_report([passing_image()])
    del report[key]
    assert errors(validator, report)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("outcome",), "ok"),
        (("schema",), "pytest-goimage/v2"),
        (("interrupted",), False),
        (("images", 0, "checks", "build", "outcome"), "xfailed"),
        (("images", 0, "checks", "build", "seconds"), "3.2"),
        (("images", 0, "checks", "build", "message"), None),
        (("images", 0, "size_bytes"), "8.7 MB"),
        (("images", 0, "build_seconds"), -1),
        (("images", 0, "tag"), 42),
        (("extra_top_level",), 1),
        (("images", 0, "checks", "build", "extra"), 1),
    ],
)
def test_schema_rejects_bad_values(
    validator: Draft202012Validator, path: tuple[str | int, ...], value: object
) -> None:
    report = build_report([passing_image()])
    target: Any = report
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert errors(validator, report)


def test_schema_rejects_passed_outcome_with_a_failed_check(
    validator: Draft202012Validator,
) -> None:
    report = build_report([passing_image(), failing_image()])
    lying = copy.deepcopy(report)
    lying["outcome"] = "passed"
    assert errors(validator, lying)
    interrupted = build_report([passing_image()], interrupted=True)
    interrupted["outcome"] = "passed"
    assert errors(validator, interrupted)


@pytest.mark.parametrize(
    ("outcomes", "interrupted", "expected"),
    [
        (["passed", "passed"], False, "passed"),
        (["passed", "failed"], False, "failed"),
        (["passed", "error"], False, "failed"),
        (["passed", "skipped"], False, "passed"),
        # Nothing verified (every check skipped, or none): a gate must not pass it.
        (["skipped", "skipped"], False, "failed"),
        (["passed", "skipped"], True, "failed"),
        ([], False, "failed"),
    ],
)
def test_top_level_outcome(
    validator: Draft202012Validator, outcomes: list[str], interrupted: bool, expected: str
) -> None:
    checks = {f"check-{n}": CheckRecord(outcome) for n, outcome in enumerate(outcomes)}
    report = build_report([passing_image(checks=checks)], interrupted=interrupted)
    assert report["outcome"] == expected
    assert report.get("interrupted", False) is interrupted
    assert errors(validator, report) == []


def test_only_skipped_images_fail_the_gate(validator: Draft202012Validator) -> None:
    skipped = passing_image(checks={"build": CheckRecord("skipped", "not run: deselected (-k/-m)")})
    report = build_report([skipped, skipped])
    assert report["outcome"] == "failed"
    assert [image["outcome"] for image in report["images"]] == ["skipped", "skipped"]
    assert errors(validator, report) == []
    assert errors(validator, {**report, "outcome": "passed"}) != []


def test_no_images_checked_fails_the_gate(validator: Draft202012Validator) -> None:
    report = build_report([])
    assert report["outcome"] == "failed"
    assert report["images"] == []
    assert errors(validator, report) == []
    # The schema refuses a report that passes without having checked anything.
    assert errors(validator, {**report, "outcome": "passed"}) != []


def test_unknown_check_outcome_is_refused() -> None:
    with pytest.raises(ValueError, match="xfailed"):
        build_report([passing_image(checks={"build": CheckRecord("xfailed")})])


def test_seconds_are_rounded_and_never_invalid_json() -> None:
    checks = {
        "build": CheckRecord("passed", "", 1.23456789),
        "size": CheckRecord("passed", "", float("nan")),
    }
    report = build_report([passing_image(checks=checks, build_seconds=float("inf"))])
    assert report["images"][0]["checks"]["build"]["seconds"] == 1.235
    assert report["images"][0]["checks"]["size"]["seconds"] == 0.0
    assert report["images"][0]["build_seconds"] == 0.0
    json.dumps(report, allow_nan=False)


def test_schema_ships_as_package_data() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema"] == {"const": "pytest-goimage/v1"}


# --- atomic write --------------------------------------------------------------------------


def test_write_report_creates_parents_and_writes_complete_utf8(tmp_path: Path) -> None:
    target = tmp_path / "out" / "nested" / "goimage.json"
    report = build_report([passing_image(dockerfile="services/ünïcode/Dockerfile")])
    write_report(target, report)
    raw = target.read_bytes()
    assert raw.endswith(b"}\n")
    assert "ünïcode".encode() in raw  # not \u-escaped
    assert raw.decode("utf-8") == json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(raw) == report
    assert sorted(p.name for p in target.parent.iterdir()) == ["goimage.json"]


def test_write_report_overwrites_and_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("x" * 100_000)  # longer than the new content: no stale tail may remain
    write_report(target, build_report([failing_image()]))
    assert json.loads(target.read_text("utf-8"))["outcome"] == "failed"
    write_report(target, build_report([passing_image()]))
    assert json.loads(target.read_text("utf-8"))["outcome"] == "passed"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_write_report_failure_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_report(target, build_report([passing_image()]))
    before = target.read_bytes()
    with pytest.raises(ValueError):
        write_report(target, {"bad": float("nan")})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


# --- terminal summary ----------------------------------------------------------------------


def mixed_images() -> list[ImageRecord]:
    over = passing_image(
        "Dockerfile.prod",
        size_bytes=31_000_000,
        baseline_bytes=None,
        build_cached=True,
        checks={
            "build": CheckRecord("passed"),
            "size": CheckRecord("failed", "8.7 MB over budget"),
            "bucket": CheckRecord("skipped", "no bucket configured"),
        },
    )
    return [passing_image(), over, failing_image(), passing_image(LONG_DOCKERFILE)]


@pytest.mark.parametrize("width", [100, 80])
@pytest.mark.parametrize("color", [False, True])
def test_summary_lines_fit_width(width: int, color: bool) -> None:
    lines = summary_lines(mixed_images(), width=width, color=color)
    visible = [ANSI.sub("", line) for line in lines]
    assert all(len(line) <= width for line in visible), "\n".join(visible)
    assert visible[0] == "goimage summary: 4 images, 2 passed, 2 failed"
    assert "dockerfile" in visible[1]
    # The long path is shortened in the middle: its start and its file name survive.
    shortened = [line for line in visible if line.startswith(("PASS", "FAIL"))][-1].split()[1]
    assert "…" in shortened
    assert shortened.startswith("depl")
    assert shortened.endswith("symbols")


def test_summary_lines_narrow_width_still_fits() -> None:
    for width in (60, 40):
        lines = summary_lines(mixed_images(), width=width, color=True)
        assert all(len(ANSI.sub("", line)) <= width for line in lines)


def test_summary_lines_without_color_have_no_escapes_and_ascii_tokens() -> None:
    text = "\n".join(summary_lines(mixed_images(), width=100, color=False))
    assert "\x1b" not in text
    assert text.replace("…", "").isascii()
    for token in ("build:ok", "size:FAIL", "bucket:skip", "health:ERR", "static:skip"):
        assert token in text


def test_summary_lines_with_color_mark_pass_green_and_fail_red() -> None:
    lines = summary_lines(mixed_images(), width=100, color=True)
    text = "\n".join(lines)
    assert "\x1b[32mPASS\x1b[0m" in text
    assert "\x1b[31mFAIL\x1b[0m" in text
    assert "\x1b[31msize:FAIL\x1b[0m" in text
    assert "\x1b[32mbuild:ok\x1b[0m" in text
    plain = summary_lines(mixed_images(), width=100, color=False)
    assert [ANSI.sub("", line) for line in lines] == plain


def row_of(lines: list[str], dockerfile: str) -> str:
    return next(line for line in lines if f" {dockerfile} " in line)


def test_summary_row_contents() -> None:
    lines = summary_lines(mixed_images(), width=100)
    row = row_of(lines, "backend/Dockerfile")
    assert row.startswith("PASS")
    assert "3.2s" in row
    assert "8.7 MB/30.0 MB" in row
    assert "+12.3%" in row  # 8.7 MB against a 7.75 MB baseline
    assert "go1.26.8" in row
    assert row.rstrip().endswith("yes")
    cached = row_of(lines, "Dockerfile.prod")
    assert cached.startswith("FAIL")
    assert "cached" in cached
    unbuilt = row_of(lines, "Dockerfile.dev")
    assert "-/64.0 MB" in unbuilt
    assert unbuilt.rstrip().endswith("-")  # static unknown


@pytest.mark.parametrize(
    ("size", "bar"),
    [
        (15_000_000, "[#####-----]"),
        (0, "[----------]"),
        (30_000_000, "[##########]"),
        (31_000_000, "[##########]!"),
    ],
)
def test_budget_bar_proportion(size: int, bar: str) -> None:
    image = passing_image(size_bytes=size, size_budget=30_000_000)
    row = summary_lines([image], width=100)[2]
    assert f" {bar} " in row + " "
    if not bar.endswith("!"):
        assert f"{bar}!" not in row


def test_summary_checks_wrap_under_the_dockerfile_column() -> None:
    lines = summary_lines([passing_image()], width=60)
    check_lines = [line for line in lines[3:] if line.strip()]
    assert len(check_lines) >= 2
    assert all(line.startswith("      ") and len(line) <= 60 for line in check_lines)
    tokens = " ".join(check_lines).split()
    assert tokens == [f"{name}:ok" for name in ALL_CHECKS]


PAYMENTS = "scripts/ci/images/services/payments-{}/build/docker/Dockerfile"


def shown_names(lines: list[str]) -> list[str]:
    return [line.split()[1] for line in lines if line.startswith(("PASS", "FAIL", "SKIP"))]


@pytest.mark.parametrize(
    ("width", "names"),
    [
        (80, ["…api…Dockerfile", "…worker…Dockerfile", "Dockerfile"]),
        (100, ["…/payments-api/…/Dockerfile", "…/payments-worker/…/Dockerfile", "Dockerfile"]),
        (
            120,
            [
                "scripts/ci/im…payments-api/build/docker/Dockerfile",
                "scripts/ci…payments-worker/build/docker/Dockerfile",
                "Dockerfile",
            ],
        ),
    ],
)
def test_summary_names_that_share_a_prefix_and_suffix_stay_distinct(
    width: int, names: list[str]
) -> None:
    """Cut in the middle, both used to read `scripts/ci/…r/Dockerfile` at 80 columns."""
    images = [passing_image(PAYMENTS.format("api")), passing_image(PAYMENTS.format("worker"))]
    lines = summary_lines([*images, passing_image("Dockerfile")], width=width)
    assert shown_names(lines) == names
    assert all(len(line) <= width for line in lines)


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120])
@pytest.mark.parametrize(
    "names",
    [
        [PAYMENTS.format("api"), PAYMENTS.format("worker"), PAYMENTS.format("api-v2")],
        ["services/a/build/Dockerfile.prod", "services/a/build/Dockerfile.dev"],
        [f"deploy/{'x' * 40}/Dockerfile", f"deploy/{'x' * 40}z/Dockerfile", "Dockerfile"],
        [f"{team}/cmd/server/build/Dockerfile" for team in ("billing", "billing-eu", "search")],
    ],
)
def test_summary_names_are_distinct_at_every_width(width: int, names: list[str]) -> None:
    shown = shown_names(summary_lines([passing_image(name) for name in names], width=width))
    assert len(set(shown)) == len(names), shown


def test_summary_of_no_images() -> None:
    assert summary_lines([]) == ["goimage summary: 0 images, 0 passed, 0 failed"]


# --- Markdown and JUnit --------------------------------------------------------------------


def test_markdown_summary_has_a_row_per_image_and_failure_first_lines() -> None:
    images = mixed_images()
    markdown = markdown_summary(images)
    assert markdown.startswith("### pytest-goimage\n")
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + len(images)  # header, alignment row, one per image
    for image in images:
        assert any(f"`{image.dockerfile}`" in row for row in rows)
    assert "main.go:12:2: undefined: foo" not in markdown  # only the first line
    assert "`step [build 5/8] RUN go build ./...`" in markdown
    assert "`8.7 MB over budget`" in markdown
    assert "`engine went away`" in markdown
    assert "traceback" not in markdown
    assert "❌" in markdown and "✅" in markdown


def test_markdown_escapes_pipes_and_backticks() -> None:
    image = passing_image(checks={"build": CheckRecord("failed", "use `a | b` here")})
    markdown = markdown_summary([image])
    assert "`` use `a \\| b` here ``" in markdown


TOKEN = "ghp_" + "Zy9" * 12


def test_report_and_markdown_mask_secrets_by_value_and_by_format() -> None:
    """A check message that quotes a layer instruction: JSON and Markdown show neither the
    configured secret nor a token that only its format gives away."""
    message = f"RUN |2 NPM_TOKEN=s3cr3t-Value-9f8e GH={TOKEN} /bin/sh -o pipefail -c make"
    image = passing_image(checks={"size": CheckRecord("failed", message)})
    masked = "RUN |2 NPM_TOKEN=*** GH=*** /bin/sh -o pipefail -c make"
    report = build_report(
        [image], failed_tests=[f"test_x.py::test_y[{TOKEN}]"], secrets={"s3cr3t-Value-9f8e"}
    )
    assert report["images"][0]["checks"]["size"]["message"] == masked
    assert report["failed_tests"] == ["test_x.py::test_y[***]"]
    markdown = markdown_summary(
        [image], [f"test_x.py::test_y[{TOKEN}]"], secrets={"s3cr3t-Value-9f8e"}
    )
    assert f"(failed): `{masked.replace('|', chr(92) + '|')}`" in markdown
    assert "test `test_x.py::test_y[***]` failed" in markdown
    assert "s3cr3t" not in markdown and TOKEN not in markdown


def test_verified_means_a_check_passed_somewhere() -> None:
    """A run whose every image failed a check still verified something: the 'nothing was
    checked' note must not appear for it, only for runs where no check passed at all."""
    failed = passing_image(
        checks={"build": CheckRecord("passed"), "size": CheckRecord("failed", "too big")}
    )
    assert failed.outcome == "failed"
    assert verified([failed, failed])
    interrupted = passing_image(checks={"bucket": CheckRecord("error", "not run")})
    skipped = passing_image(checks={"build": CheckRecord("skipped", "not run: deselected")})
    assert not verified([interrupted, skipped])
    assert not verified([])


def test_a_name_cut_that_shows_its_own_folder_keeps_the_file_name() -> None:
    """`backend/Dockerfile` beside `Dockerfile` in a 16-column name cell: the usual cut already
    tells it apart (it shows where `backend` starts), so the file name is not cut
    (`…backend/Dockerfi` was shown)."""
    names = ["Dockerfile", "Dockerfile.prod", "backend/Dockerfile"]
    shown = shown_names(summary_lines([passing_image(name) for name in names], width=72))
    assert shown == ["Dockerfile", "Dockerfile.prod", "backe…Dockerfile"]


_PATH_PARTS = st.sampled_from(
    ["api", "gateway", "payments", "cmd", "build", "deploy", "docker", "svc", "a", "x" * 14]
)
_DOCKERFILE_NAMES = st.builds(
    lambda folders, base: "/".join([*folders, base]),
    st.lists(_PATH_PARTS, max_size=3),
    st.sampled_from(["Dockerfile", "Dockerfile.prod", "Dockerfile.dev", "prod.Dockerfile"]),
)


@settings(max_examples=300, deadline=None)
@given(st.sets(_DOCKERFILE_NAMES, min_size=2, max_size=4), st.integers(60, 120))
def test_summary_names_stay_distinct_and_mark_every_cut(names: set[str], width: int) -> None:
    """Two names were shown alike (`…payment…Dockerfile` twice at 80 columns), and a cut tail
    had no `…` (`gateway/Dockerfi` read as another file)."""
    ordered = sorted(names)
    shown = shown_names(summary_lines([passing_image(name) for name in ordered], width=width))
    assert len(set(shown)) == len(ordered), shown
    for name, short in zip(ordered, shown, strict=True):
        if short != name:  # a cut name says where it was cut
            assert "…" in short, (name, short)
            assert short.endswith("…") or name.endswith(short.rsplit("…", 1)[1]), (name, short)
