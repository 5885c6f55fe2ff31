"""Trial 32: `pytest --goimage tests/test_api.py::test_x`, a user running one of their own
tests, built every image and ran every built-in check with it. Arguments that name only test
files or tests in them collect no check; a folder, a Dockerfile or `goimage` among them still
does, and so does no argument at all. Real runs, xdist among them."""

from __future__ import annotations

import pytest

from tests.conftest import go_app

TESTS = "def test_x():\n    pass\n\n\ndef test_y():\n    pass\n"
NOTE = (
    "goimage: the arguments name only tests, so no built-in check is collected: add a "
    "Dockerfile (`Dockerfile::static`), `goimage` or a folder to run them too"
)


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(
        'FROM scratch\nCOPY app /app\nEXPOSE 8080\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text('[tool.goimage]\ndockerfiles = ["Dockerfile"]\n')
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_mine.py").write_text(TESTS)
    return pytester


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--goimage", "-p", "no:randomly", *args)


@pytest.mark.parametrize("workers", [(), ("-n", "2")])
def test_a_named_test_runs_alone(
    project: pytest.Pytester, no_leaks: None, workers: tuple[str, ...]
) -> None:
    result = _run(project, *workers, "tests/test_mine.py::test_x")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([NOTE])
    assert "goimage summary" not in result.stdout.str()


def test_a_named_test_file_runs_its_tests_alone(project: pytest.Pytester, no_leaks: None) -> None:
    _run(project, "tests/test_mine.py").assert_outcomes(passed=2)


def test_a_folder_still_brings_the_checks_and_k_selects_among_them(
    project: pytest.Pytester, no_leaks: None
) -> None:
    """`tests/` (the team's test folder) keeps the built-in checks, as before: 12 of them,
    all but `static` deselected by -k, as is test_y."""
    result = _run(project, "tests/", "-k", "static or test_x")
    result.assert_outcomes(passed=2, deselected=12)
    assert NOTE not in result.stdout.str()


def test_a_named_check_beside_a_named_test_runs_both(
    project: pytest.Pytester, no_leaks: None
) -> None:
    result = _run(project, "Dockerfile::go-version", "tests/test_mine.py::test_x")
    result.assert_outcomes(passed=2, deselected=11)
