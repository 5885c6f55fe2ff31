"""Whether a run finished (report/completeness.py): the selected items against those that
reported, the interrupt pytest announced, and the JSON verdict made of them; the guard that
takes a second SIGINT of the same interrupt as its echo (run_folder.py)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from pytest_goimage.report.completeness import RunCompleteness, verdict
from pytest_goimage.report.json_report import build_report
from pytest_goimage.report.records import PASSED, CheckRecord, ImageRecord
from pytest_goimage.report.reporter import ResultsReporter


def _report(node_id: str, when: str, outcome: str = "passed") -> pytest.TestReport:
    longrepr = None if outcome == "passed" else ("file.py", 1, "why")
    return pytest.TestReport(node_id, ("file.py", 0, node_id), {}, outcome, longrepr, when)  # type: ignore[arg-type]


def _session(shouldfail: bool | str = False, shouldstop: bool | str = False) -> Any:
    return SimpleNamespace(shouldfail=shouldfail, shouldstop=shouldstop)


def test_an_item_counts_as_run_once_it_reports_a_result() -> None:
    run = RunCompleteness()
    run.collected(["a", "b", "c", "d", "e", "f"])
    run.reported(_report("a", "setup"))
    run.reported(_report("a", "call"))  # a result
    run.reported(_report("b", "setup", "skipped"))  # a skip has no call phase
    run.reported(_report("c", "setup", "failed"))  # nor has a setup error
    run.reported(_report("d", "???", "failed"))  # xdist: the worker crashed in it
    run.reported(_report("e", "setup"))  # interrupted in its call: no result
    assert run.not_run() == ["e", "f"]
    assert (run.selected_count, run.missing_count, run.incomplete()) == (6, 2, True)


def test_workers_collect_the_same_items_and_each_runs_once() -> None:
    run = RunCompleteness()
    run.collected(["a", "b"], "gw0")
    run.collected(["a", "b"], "gw1")
    run.reported(_report("a", "call"), "gw1")
    run.reported(_report("b", "call"), "gw0")
    assert run.selected_count == 2 and not run.incomplete()


def test_dist_each_runs_every_item_on_every_worker() -> None:
    run = RunCompleteness(per_worker=True)
    run.collected(["a"], "gw0")
    run.collected(["a"], "gw1")
    run.reported(_report("a", "call"), "gw0")
    assert run.not_run() == ["a"] and run.missing_count == 1


def test_items_that_never_reported_make_an_interrupted_run() -> None:
    run = RunCompleteness()
    run.collected(["a", "b"])
    run.reported(_report("a", "call"))
    result = verdict(run, pytest.ExitCode.OK, _session())
    assert result.interrupted and result.not_run == ("b",)
    assert result.note() == "1 of 2 selected items did not run (the run was interrupted)"


def test_an_interrupt_pytest_announced_counts_whatever_the_exit_status() -> None:
    run = RunCompleteness(interrupted=True)
    assert verdict(run, pytest.ExitCode.OK, _session()).interrupted
    assert verdict(RunCompleteness(), pytest.ExitCode.INTERRUPTED, None).interrupted
    finished = verdict(RunCompleteness(), pytest.ExitCode.OK, _session())
    assert not finished.interrupted and finished.note() == ""


@pytest.mark.parametrize(
    ("raised", "interrupted"),
    [
        (KeyboardInterrupt(), True),
        (pytest.exit.Exception("stop"), True),  # pytest exits 2
        (pytest.exit.Exception("done", returncode=0), False),  # the code its caller chose
    ],
    ids=["ctrl-c", "exit", "exit-0"],
)
def test_the_interrupt_pytest_announces_is_noted(raised: BaseException, interrupted: bool) -> None:
    reporter = SimpleNamespace(completeness=RunCompleteness())
    try:
        raise raised
    except BaseException:
        excinfo = pytest.ExceptionInfo.from_current()
    ResultsReporter.pytest_keyboard_interrupt(reporter, excinfo)  # type: ignore[arg-type]
    assert reporter.completeness.interrupted is interrupted


def test_a_run_stopped_by_x_is_not_called_interrupted_but_says_what_did_not_run() -> None:
    run = RunCompleteness()
    run.collected(["a", "b"])
    run.reported(_report("a", "call", "failed"))
    result = verdict(run, pytest.ExitCode.TESTS_FAILED, _session(shouldfail="stopping"))
    assert not result.interrupted
    assert result.note() == "1 of 2 selected items did not run (the run stopped early)"


def test_items_that_did_not_run_fail_the_report_on_their_own() -> None:
    images = [ImageRecord(dockerfile="Dockerfile", context=".", checks={"a": CheckRecord(PASSED)})]
    assert build_report(images)["outcome"] == "passed"
    assert build_report(images, not_run=1)["outcome"] == "failed"
