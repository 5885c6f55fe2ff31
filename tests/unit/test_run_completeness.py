"""Whether a run finished (report/completeness.py): the selected items against those that
reported, the interrupt pytest announced, and the JSON verdict made of them; the guard that
takes a second SIGINT of the same interrupt as its echo (run_folder.py)."""

from __future__ import annotations

import signal
import time
from types import SimpleNamespace
from typing import Any

import pytest

from pytest_goimage.report.completeness import RunCompleteness, verdict
from pytest_goimage.report.json_report import build_report
from pytest_goimage.report.records import PASSED, CheckRecord, ImageRecord
from pytest_goimage.report.reporter import ResultsReporter
from pytest_goimage.run_folder import _FirstInterruptWaits


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


class _Config:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pluginmanager = self

    def get_plugin(self, name: str) -> Any:
        return self if name == "terminalreporter" else None

    def write(self, text: str) -> None:
        pass

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def test_the_echo_of_an_interrupt_being_handled_is_ignored() -> None:
    config = _Config()
    guard = _FirstInterruptWaits(config, True, echo_of=time.monotonic())  # type: ignore[arg-type]
    with guard:
        signal.raise_signal(signal.SIGINT)  # timeout's second signal: the same interrupt
        assert guard.received is None and config.lines == []
        guard.echo_of = time.monotonic() - 2 * guard.SAME_INTERRUPT  # much later:
        signal.raise_signal(signal.SIGINT)  # a Ctrl-C of its own waits for the run's end
        assert guard.received is not None and len(config.lines) == 1
        guard.received -= 2 * guard.SAME_INTERRUPT
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # and another one stops it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_guard_ended_twice_leaves_a_later_handler_alone() -> None:
    guard = _FirstInterruptWaits(_Config(), True)  # type: ignore[arg-type]
    with guard:
        pass
    seen: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        guard.__exit__(None, None, None)  # the config's cleanup, after the session's end
        signal.raise_signal(signal.SIGINT)
        assert seen == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
