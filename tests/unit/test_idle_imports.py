"""A pytest run that does not use the plugin does not pay for it: without --goimage, goimage
fixtures or a Go project, none of the engine client, the checks or the readers is imported."""

from __future__ import annotations

import pytest

# testinfra is left out: pytest-testinfra's own plugin imports it in every run.
HEAVY = ("docker", "requests", "urllib3", "minio", "elftools", "yaml", "dockerfile")

# trylast: after the plugin's own unconfigure, which ends the run (and may import more).
RECORDER = f"""
import sys

import pytest

@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    loaded = sorted(
        name for name in sys.modules
        if name.split(".")[0] in {HEAVY!r} or name.startswith(
            ("pytest_goimage.engine", "pytest_goimage.checks", "pytest_goimage.gofacts",
             "pytest_goimage.session", "pytest_goimage.config")
        )
    )
    print("LOADED:" + ",".join(loaded))
"""


def loaded(result: pytest.RunResult) -> list[str]:
    lines = [line for line in result.stdout.lines if line.startswith("LOADED:")]
    assert len(lines) == 1, result.stdout.str()
    return [name for name in lines[0].removeprefix("LOADED:").split(",") if name]


def test_a_plain_project_imports_nothing_of_the_plugins_machinery(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(RECORDER)
    pytester.makepyfile(test_plain="def test_one():\n    assert 1 + 1 == 2\n")
    pytester.makepyprojecttoml("[tool.ruff]\nline-length = 99\n")
    result = pytester.runpytest_subprocess("-s", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert loaded(result) == []


def test_a_go_project_run_without_goimage_reads_not_even_its_configuration(
    pytester: pytest.Pytester,
) -> None:
    """A team's run of its unit tests in a Go project: the header points at --goimage, and
    nothing of the configuration reader, the engine or the CI readers is imported (the
    configuration's import and parse were 25 ms of the plugin's 48, 2026-12-02)."""
    pytester.makeconftest(RECORDER)
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyfile(test_plain="def test_one():\n    assert True is not False\n")
    result = pytester.runpytest_subprocess("-s", "-p", "no:randomly")
    result.assert_outcomes(passed=1)
    assert loaded(result) == ["pytest_goimage.config_loading"]  # the deferral's few lines
    result.stdout.fnmatch_lines(
        ["goimage: `pytest --goimage` checks this Go project's container images"]
    )


def test_a_failing_test_of_a_go_project_is_masked_with_the_configurations_secrets(
    pytester: pytest.Pytester,
) -> None:
    """Not parsed up front, the configuration is parsed for the first report with text: a
    value of [tool.goimage] that looks secret is still masked in a failing team test."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    secret = "s3cr3t-Zq9xWv7Lm2Pk"
    pytester.makepyprojecttoml(f'[tool.goimage]\nenv = {{ DB_PASSWORD = "{secret}" }}\n')
    pytester.makepyfile(test_plain=f'def test_one():\n    assert "{secret}" == "other"\n')
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert secret not in out
    assert "AssertionError" in out


def test_a_go_project_run_under_xdist_without_goimage_imports_no_engine_client(
    pytester: pytest.Pytester,
) -> None:
    """`pytest -n 2` of a team's unit tests: the controller hands its workers a run folder in
    case a test uses a goimage fixture, and that imports no engine client (it did: docker-py,
    paramiko and invoke's YAML, about 0.2 s per run)."""
    pytester.makeconftest(RECORDER)
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyfile(test_plain="def test_one():\n    assert 3 - 1 == 2\n")
    result = pytester.runpytest_subprocess("-s", "-p", "no:randomly", "-n", "2")
    result.assert_outcomes(passed=1)
    modules = loaded(result)
    heavy = [name for name in modules if name.split(".")[0] in HEAVY]
    assert heavy == []
    assert not any(name.startswith("pytest_goimage.engine.connection") for name in modules)
    assert "pytest_goimage.engine.run_dirs" in modules  # the folder was made, for the workers


# Each process (controller, every xdist worker) writes what it imported to its own file.
RECORDER_PER_PROCESS = """
import sys
from pathlib import Path

import pytest

def record(config):
    # Not PYTEST_XDIST_WORKER: a controller started inside an xdist worker inherits it.
    name = getattr(config, "workerinput", {}).get("workerid", "controller")
    loaded = sorted(m for m in sys.modules if m.startswith("pytest_goimage."))
    (Path(__file__).parent / f"loaded-{name}.txt").write_text("\\n".join(loaded))

# At the session's end too: a worker's unconfigure runs after it told the controller it has
# finished, and on a loaded machine the controller may end it before then (no file at all).
def pytest_sessionfinish(session):
    record(session.config)

@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    record(config)
"""

WRITERS = (
    "pytest_goimage.report.json_report",
    "pytest_goimage.report.markdown",
    "pytest_goimage.report.terminal",
    "pytest_goimage.report.baseline",
)


def test_a_plain_xdist_run_loads_no_results_plugin_and_no_writer_anywhere(
    pytester: pytest.Pytester,
) -> None:
    """The results plugin is the controller's, and only when the run asks for checks or their
    outputs: workers that imported it (with the writers of the JSON report, the Markdown and
    the terminal table) paid about 18 ms each for nothing (2026-11-30)."""
    pytester.makeconftest(RECORDER_PER_PROCESS)
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyfile(test_plain="def test_one():\n    assert 2 * 2 == 4\n")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "2")
    result.assert_outcomes(passed=1)
    by_process = {
        path.stem.removeprefix("loaded-"): path.read_text().split()
        for path in pytester.path.glob("loaded-*.txt")
    }
    assert sorted(by_process) == ["controller", "gw0", "gw1"]
    # Only built-in check items report results: a run without --goimage or a goimage output
    # flag has none to record (the results plugin cost the controller 12-19 ms, 2026-11-30).
    assert "pytest_goimage.report.reporter" not in by_process["controller"]
    # It hands the workers the configuration's value tables, not the secret values among them:
    # the secret patterns are compiled only where a report is masked.
    assert "pytest_goimage.gofacts.secrets_scan" not in by_process["controller"]
    for worker in ("gw0", "gw1"):
        # The controller hands over the secret values to mask: no configuration parsed
        # again, and a quiet passing test has nothing to mask.
        assert "pytest_goimage.config" not in by_process[worker]
        assert "pytest_goimage.report.masking" not in by_process[worker]
        assert "pytest_goimage.report.reporter" not in by_process[worker]
        assert "pytest_goimage.checks" not in by_process[worker]
    for process, modules in by_process.items():
        assert [m for m in modules if m in WRITERS] == [], process


@pytest.mark.parametrize("compose", [False, True], ids=["plain", "compose-file"])
def test_a_plain_collect_only_of_a_go_project_says_nothing_of_checks(
    pytester: pytest.Pytester, compose: bool
) -> None:
    """`pytest --collect-only` of a team's unit tests: no goimage line about checks that were
    never asked for (it said "--collect-only ran no check (0 checks of 0 images collected)"),
    also where a compose file has the configuration parsed at the start."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    if compose:
        pytester.makefile(".yml", compose="services:\n  db:\n    image: postgres:16\n")
        pytester.makepyprojecttoml(
            '[tool.goimage]\ncompose_file = "compose.yml"\ncompose_services = ["db"]\n'
        )
    pytester.makepyfile(test_plain="def test_one():\n    assert 7 // 2 == 3\n")
    result = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:randomly")
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["test_plain.py::test_one", "1 test collected in *"])
    assert "--collect-only ran no check" not in result.stdout.str()
