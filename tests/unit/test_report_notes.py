"""The run's closing notes about the JSON report and what the report says of checks that did
not run: a run whose checks failed is failed because of them (not "none ran"), and checks
`--lf` left out are said to be left out by it, not by -k/-m."""

from __future__ import annotations

import json

import pytest

from pytest_goimage.report.sbom import sbom_path
from tests.conftest import gitlab_project


def test_a_failed_check_is_not_called_none_ran(pytester: pytest.Pytester) -> None:
    gitlab_project(pytester)  # go-version fails: the pipeline's Go 1.25 against go.mod's 1.26
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(failed=1, deselected=11)
    assert "no built-in check passed" not in result.stdout.str()
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["outcome"] == "failed"
    assert report["images"][0]["checks"]["go-version"]["outcome"] == "failed"


def test_checks_lf_leaves_out_are_said_to_be_left_out_by_it(pytester: pytest.Pytester) -> None:
    gitlab_project(pytester)
    pytester.runpytest("--goimage", "-k", "go-version").assert_outcomes(failed=1, deselected=11)
    result = pytester.runpytest("--goimage", "--lf", "--goimage-report=r.json")
    result.assert_outcomes(failed=1)
    checks = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"]
    left_out = {name: c["message"] for name, c in checks.items() if name != "go-version"}
    assert set(left_out.values()) == {"not run: deselected (--lf: it did not fail last time)"}
    assert len(left_out) == 11, left_out


def test_an_earlier_runs_sbom_of_an_image_this_run_did_not_build_is_removed(
    pytester: pytest.Pytester,
) -> None:
    """A CI step that uploads the SBOM folder must not publish the SBOM of another build:
    here the build never runs (-k go-version), so the run has no SBOM for the image."""
    gitlab_project(pytester)
    stale = sbom_path(pytester.path / "sbom", "Dockerfile")
    stale.parent.mkdir()
    stale.write_text('{"bomFormat": "CycloneDX"}')
    other = pytester.path / "sbom" / "frontend.cdx.json"  # not one of this project's images
    other.write_text("{}")
    result = pytester.runpytest("--goimage", "-k", "go-version", "--goimage-sbom=sbom")
    result.assert_outcomes(failed=1, deselected=11)
    assert not stale.exists()
    assert other.read_text() == "{}"
    result.stdout.fnmatch_lines(
        ["goimage: SBOM (CycloneDX) of 0 image(s) written to sbom; none for Dockerfile (not built)"]
    )


def test_lf_without_failures_on_record_leaves_the_deselection_to_k(
    pytester: pytest.Pytester,
) -> None:
    """The review's case: a fresh cache, `--lf -k go-version`: --lf deselected nothing."""
    gitlab_project(pytester)
    result = pytester.runpytest("--goimage", "--lf", "-k", "go-version", "--goimage-report=r.json")
    result.assert_outcomes(failed=1, deselected=11)
    checks = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"]
    assert {c["message"] for n, c in checks.items() if n != "go-version"} == {
        "not run: deselected (-k/-m)"
    }


def test_lf_with_k_says_either_may_have_left_a_check_out(pytester: pytest.Pytester) -> None:
    gitlab_project(pytester)
    pytester.runpytest("--goimage", "-k", "go-version").assert_outcomes(failed=1, deselected=11)
    result = pytester.runpytest("--goimage", "--lf", "-k", "version", "--goimage-report=r.json")
    result.assert_outcomes(failed=1)
    checks = json.loads((pytester.path / "r.json").read_text())["images"][0]["checks"]
    assert {c["message"] for n, c in checks.items() if n != "go-version"} == {
        "not run: deselected (-k/-m, or --lf: it did not fail last time)"
    }
