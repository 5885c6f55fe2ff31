"""The release gate: JSON report (schema-valid), terminal summary, JUnit properties, step summary."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from pytest_goimage.report.json_report import load_schema
from tests.conftest import go_app

NOT_RUNTIME = "go-version or tracked or build or static or size"


@pytest.fixture
def tiny_project(pytester: pytest.Pytester) -> Path:
    """A static Go binary in a small image: quick to build, real in every part."""
    root = pytester.path
    go_app(root)
    (root / "Dockerfile").write_text('FROM alpine:3.22\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    (root / "Dockerfile.big").write_text(
        'FROM alpine:3.22\nCOPY app /app\nCOPY app /app.copy\nENTRYPOINT ["/app"]\n'
    )
    return root


def _run(pytester: pytest.Pytester, toml: str, *args: str) -> tuple[pytest.RunResult, dict]:
    (pytester.path / "pyproject.toml").write_text(toml)
    report_path = pytester.path / "out" / "goimage.json"
    summary = pytester.path / "step-summary.md"
    summary.write_text("earlier step\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GITHUB_STEP_SUMMARY", str(summary))
        result = pytester.runpytest_subprocess(
            "--goimage",
            "-k",
            NOT_RUNTIME,
            f"--goimage-report={report_path}",
            f"--junitxml={pytester.path / 'junit.xml'}",
            *args,
        )
    report = json.loads(report_path.read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    return result, report


def test_passing_run(pytester: pytest.Pytester, tiny_project: Path) -> None:
    result, report = _run(
        pytester, '[tool.goimage]\ndockerfiles = ["Dockerfile"]\nsize_budget = "20MB"\n'
    )
    result.assert_outcomes(passed=4, skipped=1)
    assert report["schema"] == "pytest-goimage/v1"
    assert report["outcome"] == "passed"
    (image,) = report["images"]
    assert image["dockerfile"] == "Dockerfile" and image["context"] == "."
    assert image["image_id"].startswith("sha256:") and image["tag"].startswith("goimage/")
    assert 2_000_000 < image["size_bytes"] < 20_000_000
    assert image["go_version"] == "go1.26.8"
    assert image["build_seconds"] >= 0
    ran = ["go-version", "tracked", "build", "static", "size"]
    deselected = ["secrets", "user", "metadata", "provenance", "bucket", "health", "parity"]
    assert list(image["checks"]) == ran + deselected
    assert {n: c["outcome"] for n, c in image["checks"].items()}["size"] == "passed"
    assert image["checks"]["tracked"]["outcome"] == "skipped"  # not a git repository
    assert {image["checks"][n]["outcome"] for n in ran if n != "tracked"} == {"passed"}
    # What -k left out is in the report too, as skipped, so a gate can see it did not run.
    for name in deselected:
        assert image["checks"][name]["outcome"] == "skipped"
        assert image["checks"][name]["message"] == "not run: deselected (-k/-m)"
    result.stdout.fnmatch_lines(
        [
            "*= goimage summary =*",
            "goimage summary: 1 image, 1 passed, 0 failed (7 checks deselected)",
            "*PASS  Dockerfile *MB/20.0 MB*go1.26.8  yes",
            "*go-version:ok  tracked:skip  build:ok  static:ok  size:ok  secrets:skip",
            "*user:skip  metadata:skip  provenance:skip  bucket:skip  health:skip",
        ]
    )
    assert all(len(line) <= 120 for line in result.stdout.lines)


def test_failing_run_gates(pytester: pytest.Pytester, tiny_project: Path) -> None:
    result, report = _run(
        pytester,
        '[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.big"]\n'
        '[[tool.goimage.image]]\ndockerfile = "Dockerfile.big"\nsize_budget = "3MB"\n',
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert report["outcome"] == "failed"
    small, big = report["images"]
    assert small["checks"]["size"]["outcome"] == "passed"
    assert big["checks"]["size"]["outcome"] == "failed"
    assert "is over the size_budget of 3.0 MB" in big["checks"]["size"]["message"]
    result.stdout.fnmatch_lines(
        [
            "goimage summary: 2 images, 1 passed, 1 failed (14 checks deselected)",
            "*FAIL  Dockerfile.big*",
            "*size:FAIL*",
        ]
    )

    # JUnit: every built-in item carries the image facts as properties.
    tree = ET.parse(pytester.path / "junit.xml")
    case = next(
        c
        for c in tree.iter("testcase")
        if c.get("name") == "size"
        and any(p.get("value") == "Dockerfile.big" for p in c.iter("property"))
    )
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["image"] == big["tag"]
    assert props["size_bytes"] == str(big["size_bytes"])
    assert props["go_version"] == "go1.26.8"
    assert float(props["build_seconds"]) >= 0

    # GitHub step summary: appended after what earlier steps wrote.
    markdown = (pytester.path / "step-summary.md").read_text()
    assert markdown.startswith("earlier step\n")
    assert "### pytest-goimage" in markdown
    assert "Dockerfile.big" in markdown and "over the size_budget" in markdown

    # The checks that need no image carry only `dockerfile`, `check` and `message`, also when
    # something runs them after the build: `--ff` puts the failed size check first (the audit:
    # they carried the facts then, unlike the README's word).
    result = pytester.runpytest_subprocess(
        "--goimage", "-p", "no:randomly", "--ff", "-v", "-k", NOT_RUNTIME,
        f"--junitxml={pytester.path / 'junit.xml'}",
    )  # fmt: skip
    ran = [line.split()[0] for line in result.stdout.lines if line.endswith("%]")]
    assert ran[:3] == ["Dockerfile.big::size", "Dockerfile::go-version", "Dockerfile::tracked"]
    cases = ET.parse(pytester.path / "junit.xml").iter("testcase")
    carried = [
        sorted(p.get("name") for p in case.iter("property"))
        for case in cases
        if case.get("name") in ("go-version", "tracked")
    ]
    # Dockerfile's, then Dockerfile.big's; tracked skips (no git repository): no message.
    assert carried == [["check", "dockerfile", "message"], ["check", "dockerfile"]] * 2


def test_an_image_left_unchecked_by_k_is_listed_as_skipped(
    pytester: pytest.Pytester, tiny_project: Path
) -> None:
    """-k selects one image: the other is still in the report, and reads as not checked."""
    result, report = _run(
        pytester,
        '[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.big"]\n',
        "-k",
        f"({NOT_RUNTIME}) and not big",  # the last -k wins
    )
    assert result.ret == pytest.ExitCode.OK
    checked, unchecked = report["images"]
    assert (checked["dockerfile"], checked["outcome"]) == ("Dockerfile", "passed")
    assert (unchecked["dockerfile"], unchecked["outcome"]) == ("Dockerfile.big", "skipped")
    assert {c["message"] for c in unchecked["checks"].values()} == {"not run: deselected (-k/-m)"}
    assert len(unchecked["checks"]) == len(checked["checks"])
    result.stdout.fnmatch_lines(
        [
            "goimage summary: 2 images, 1 passed, 0 failed, 1 not checked (19 checks",
            "deselected)",
            "*PASS  Dockerfile *",
            "*SKIP  Dockerfile.big *",
        ]
    )
    markdown = (pytester.path / "step-summary.md").read_text()
    assert "**2 images, 1 passed, 0 failed, 1 not checked (19 checks deselected)**" in markdown
    assert "| ⏭️ | `Dockerfile.big` |" in markdown


def test_a_failed_custom_test_fails_the_report(
    pytester: pytest.Pytester, tiny_project: Path
) -> None:
    """Every check passes, but the team's own image test fails: the gate must not pass."""
    pytester.makepyfile(
        test_custom="""
        def test_has_a_label(goimage):
            assert "org.opencontainers.image.source" in goimage.config.labels
        """
    )
    result, report = _run(
        pytester,
        '[tool.goimage]\ndockerfiles = ["Dockerfile"]\n',
        "-k",
        f"{NOT_RUNTIME} or has_a_label",
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    (image,) = report["images"]
    assert image["outcome"] == "passed"  # the image's own checks all passed
    assert report["outcome"] == "failed"
    assert report["failed_tests"] == ["test_custom.py::test_has_a_label[Dockerfile]"]
    markdown = (pytester.path / "step-summary.md").read_text()
    assert "test `test_custom.py::test_has_a_label[Dockerfile]` failed" in markdown


def test_a_stale_report_never_survives(pytester: pytest.Pytester, tiny_project: Path) -> None:
    """A gate reads the file this run wrote or finds none: never an earlier run's verdict."""
    report_path = pytester.path / "goimage.json"
    stale = '{"schema": "pytest-goimage/v1", "outcome": "passed", "images": []}'
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')

    # Every check deselected: a report that says failed, and a line saying why.
    report_path.write_text(stale)
    result = pytester.runpytest_subprocess(
        "--goimage", "-k", "nothing-matches", f"--goimage-report={report_path}"
    )
    report = json.loads(report_path.read_text())
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    assert (report["outcome"], report["images"]) == ("failed", [])
    result.stdout.fnmatch_lines(
        ["goimage: no built-in check passed (none ran, or all were skipped), so the JSON report *"]
    )

    # A collection error in the user's tests: the run fails before any check, and says so.
    report_path.write_text(stale)
    pytester.makepyfile(test_broken="import no_such_module_here\n")
    result = pytester.runpytest_subprocess("--goimage", f"--goimage-report={report_path}")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert json.loads(report_path.read_text())["outcome"] == "failed"

    # pytest's own usage error (an unknown option) stops it even earlier: no report either.
    report_path.write_text(stale)
    result = pytester.runpytest_subprocess(
        "--goimage", f"--goimage-report={report_path}", "--no-such-option"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert not report_path.exists()

    # A usage error stops pytest before the session: no report at all, so the gate fails.
    report_path.write_text(stale)
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\nsize_budget = "huge"\n')
    result = pytester.runpytest_subprocess("--goimage", f"--goimage-report={report_path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "size_budget" in result.stderr.str()
    assert not report_path.exists()
    # So does asking for the report alone: the run must not pass silently without one.
    result = pytester.runpytest_subprocess(f"--goimage-report={report_path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "size_budget" in result.stderr.str()
    assert not report_path.exists()
    # Without [tool.goimage] and without a go.mod to run the defaults on.
    (pytester.path / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    (pytester.path / "go.mod").unlink()
    result = pytester.runpytest_subprocess(f"--goimage-report={report_path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: {pytester.path}/go.mod: not found; with no [tool.goimage] table in " in (
        result.stderr.str()
    )
    assert not report_path.exists()


def test_dependent_checks_skip_naming_the_failed_build(
    pytester: pytest.Pytester, tiny_project: Path
) -> None:
    (tiny_project / "Dockerfile").write_text("FROM alpine:3.22\nCOPY missing.bin /x\n")
    _, report = _run(pytester, '[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    checks = report["images"][0]["checks"]
    assert checks["build"]["outcome"] == "failed"
    assert checks["static"]["outcome"] == "skipped"
    assert (
        "Dockerfile did not build, so this check cannot run (see Dockerfile::build)"
        in (checks["static"]["message"])
    )
    assert report["outcome"] == "failed"


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["serial", "xdist"])
def test_runs_without_goimage_add_nothing(
    pytester: pytest.Pytester,
    tiny_project: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: list[str],
) -> None:
    """The team's own tests, in a project with [tool.goimage] but run without --goimage: no
    summary, no step summary table (under xdist too, where the workers report what they
    collected: their ids must not make images look selected)."""
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    pytester.makepyfile(test_unit="def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    summary = pytester.path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = pytester.runpytest_subprocess(*workers)
    result.assert_outcomes(passed=2)
    assert "goimage summary" not in result.stdout.str(), result.stdout.str()
    assert not summary.exists()


def test_collect_only_runs_nothing_and_reports_nothing(
    pytester: pytest.Pytester, tiny_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--collect-only lists what would run; no summary of failures, no report, no step
    summary, and an earlier report is gone (a gate reading it fails closed)."""
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\ndockerfiles = ["Dockerfile", "Dockerfile.big"]\n'
    )
    report_path = pytester.path / "goimage.json"
    report_path.write_text('{"schema": "pytest-goimage/v1", "outcome": "passed", "images": []}')
    summary = pytester.path / "step-summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = pytester.runpytest_subprocess(
        "--goimage", "--collect-only", "-q", "-k", "not health", f"--goimage-report={report_path}"
    )
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "Dockerfile::go-version",
            "Dockerfile.big::bucket",
            "goimage: --collect-only ran no check (21 checks of 2 images collected), so no "
            f"JSON report was written to {report_path}",
            "21/23 tests collected (2 deselected) in *",
        ]
    )
    assert "goimage summary" not in result.stdout.str()
    assert not report_path.exists()
    assert summary.read_text() == "earlier step\n"


def test_a_baseline_of_renamed_dockerfiles_is_named_where_the_image_has_none(
    pytester: pytest.Pytester, tiny_project: Path
) -> None:
    """A Dockerfile renamed since the baseline was written: its growth goes unchecked, and the
    pass says why instead of a bare "no baseline"."""
    (tiny_project / ".goimage-baseline.json").write_text(
        '{"images": {"Dockerfile.old": {"size_bytes": 1000000}}}'
    )
    _, report = _run(
        pytester,
        '[tool.goimage]\ndockerfiles = ["Dockerfile"]\nsize_budget = "20MB"\n',
        "-k",
        "size",
    )
    message = report["images"][0]["checks"]["size"]["message"]
    assert re.fullmatch(
        r"\d+\.\d MB of 20\.0 MB budget; no baseline in \.goimage-baseline\.json \(it holds "
        r"Dockerfile\.old, which no configured image builds: renamed or removed\? "
        r"--goimage-update-baseline records this image and keeps the rest\)",
        message,
    ), message


def test_a_passed_check_says_what_it_checked(pytester: pytest.Pytester, tiny_project: Path) -> None:
    """A pass in the report names what was checked, not an empty message."""
    (tiny_project / "Dockerfile").write_text(
        'FROM alpine:3.22\nCOPY app /app\nUSER 65532\nENTRYPOINT ["/app"]\n'
    )
    _, report = _run(
        pytester,
        '[tool.goimage]\ndockerfiles = ["Dockerfile"]\nsize_budget = "20MB"\n'
        "require_non_root = true\n",
        "-k",
        f"{NOT_RUNTIME} or secrets or user",
    )
    checks = report["images"][0]["checks"]
    messages = {name: checks[name]["message"] for name in checks if name != "tracked"}
    patterns = {
        "go-version": r"1 Go version pin\(s\) agree with go\.mod, which requires Go 1\.26",
        "build": r"built goimage/\S+ in \d+\.\d s \(\d+/\d+ steps cached\)",
        "static": r"/app: static, CGO_ENABLED=0, go1\.26\.8",
        "size": r"\d+\.\d MB of 20\.0 MB budget; no baseline in \.goimage-baseline\.json",
        "secrets": r"nothing secret-looking in 1 ENV value\(s\), \d+ label\(s\), ENTRYPOINT and "
        r"CMD, the build arguments of \d+ "
        r"history entries and 0 key-like file\(s\)",
        "user": r"goimage/\S+ runs as USER 65532",
        "metadata": r"not run: deselected \(-k/-m\)",
        "provenance": r"not run: deselected \(-k/-m\)",
        "bucket": r"not run: deselected \(-k/-m\)",
        "health": r"not run: deselected \(-k/-m\)",
        "parity": r"not run: deselected \(-k/-m\)",
    }
    assert list(messages) == list(patterns)
    for name, pattern in patterns.items():
        assert re.fullmatch(pattern, messages[name]), (name, messages[name])


def test_passed_bucket_and_health_say_what_they_checked(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["backend/Dockerfile"]
        bucket = "bookmarks"
        [tool.goimage.env]
        STORAGE_ENDPOINT = "{minio.endpoint}"
        STORAGE_ACCESS_KEY = "{minio.access_key}"
        STORAGE_SECRET_KEY = "{minio.secret_key}"
        STORAGE_BUCKET = "{bucket}"
        """
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-k", "bucket or health", "--goimage-report=report.json"
    )
    result.assert_outcomes(passed=2, deselected=10)
    checks = json.loads((pytester.path / "report.json").read_text())["images"][0]["checks"]
    bucket, health = checks["bucket"]["message"], checks["health"]["message"]
    assert re.fullmatch(r"the service created bucket 'bookmarks' in \d+\.\d s", bucket), bucket
    assert re.fullmatch(
        r"GET /health on 8080 -> 200, \d+\.\d s after the service started", health
    ), health
