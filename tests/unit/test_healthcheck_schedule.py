"""When Docker calls a HEALTHCHECK healthy or unhealthy, on timings alone (no engine): its
settings and defaults, which of the plugin's frequent failed runs Docker would count, how long
Docker may take to decide, and what the messages say about the runs."""

from __future__ import annotations

import itertools

import pytest

from pytest_goimage.engine.healthcheck_cmd import HealthcheckRun, missing_program
from pytest_goimage.engine.healthcheck_schedule import (
    Judge,
    Schedule,
    Stop,
    failed_runs,
    passed_later,
    pauses,
)

S = 1_000_000_000  # the engine's durations are in nanoseconds


def test_settings_come_from_the_config_with_dockers_defaults() -> None:
    assert Schedule.of({"Test": ["CMD", "true"]}) == Schedule(30.0, 0.0, 3, 10.0)
    written = {
        "Test": ["CMD-SHELL", "wget -q -O- http://localhost:8080/ready"],
        "Interval": 5 * S,
        "Timeout": 3 * S,
        "StartPeriod": 30 * S,
        "StartInterval": 1 * S,  # Docker 25+: its pace within the start period
        "Retries": 4,
    }
    assert Schedule.of(written) == Schedule(
        5.0,
        30.0,
        4,
        3.0,
        interval_set=True,
        retries_set=True,
        start_interval=1.0,
        docker_timeout=3.0,
    )
    # `--interval=500ms`; Retries 0 is "the default" to the engine.
    assert Schedule.of({"Interval": S // 2, "Retries": 0}) == Schedule(0.5, interval_set=True)


@pytest.mark.parametrize(
    ("schedule", "first", "decided"),
    [
        # The trial's image: 30 s start period, runs up to 3 s, 5 s apart: the latest Docker
        # decides is 30 + 3 x 3 + 2 x 5, within start_period + retries x (interval + timeout).
        (Schedule(5.0, 30.0, 3, 3.0, docker_timeout=3.0), 30.0, 49.0),
        # No start period: Docker's first run, one --interval after the start, is the first
        # that counts; without --timeout Docker lets each run take 30 s: 30 + 3 x 30 + 2 x 30.
        (Schedule(30.0, 0.0, 3, 10.0), 30.0, 180.0),
        # A start period shorter than --interval: Docker before 25 runs first at 2 s, 25+ at
        # its --start-interval (5 s): the later counts.
        (Schedule(2.0, 1.0, 2, 1.0, docker_timeout=1.0), 5.0, 9.0),
        # The review's case: a 3 s start period, 2.5 s apart: Docker before 25 runs at 2.5 s
        # (in the start period) and first counts at 5 s; 25+ also at 5 s.
        (Schedule(2.5, 3.0, 1, 1.0, docker_timeout=1.0), 5.0, 6.0),
        # With --start-interval 1s, 25+ counts from 3 s, before 25 from 4 s: the later.
        (Schedule(2.0, 3.0, 1, 1.0, start_interval=1.0, docker_timeout=1.0), 4.0, 5.0),
    ],
)
def test_docker_counts_no_failure_early_and_decides_within_its_bound(
    schedule: Schedule, first: float, decided: float
) -> None:
    assert schedule.first_counted == first
    assert schedule.decided_by == decided
    bound = schedule.first_counted + schedule.retries * (
        schedule.interval + schedule.docker_timeout
    )
    assert schedule.decided_by <= bound


def _runs(judge: Judge, starts: list[float], took: float = 0.1) -> list[bool]:
    """Fail a run at each of `starts`: whether Docker would call it unhealthy after each."""
    return [judge.failed(start, start + took) for start in starts]


def test_failures_within_the_start_period_count_for_nothing() -> None:
    judge = Judge(Schedule(interval=1.0, start_period=5.0, retries=2))
    every_half_second = [n / 2 for n in range(10)]  # 0 .. 4.5 s
    assert _runs(judge, every_half_second) == [False] * 10
    assert (judge.runs, judge.counted) == (10, 0)
    assert _runs(judge, [5.0]) == [False]  # the first after it counts
    assert judge.counted == 1


def test_failures_count_once_per_interval_from_the_end_of_the_last_counted_run() -> None:
    """Runs every 0.2 s after the start period: only those --interval after the last counted
    run ended count, so the plugin's many runs make no more failures than Docker's would."""
    judge = Judge(Schedule(interval=1.0, start_period=2.0, retries=3, start_interval=1.0))
    starts = [2.0 + n / 5 for n in range(16)]  # 2.0 .. 5.0 s, each run 0.1 s long
    verdicts = _runs(judge, starts)
    # Counted: 2.0 (ends 2.1), then 3.2 (ends 3.3: 3.1 is too soon), then 4.4: unhealthy.
    assert verdicts.index(True) == starts.index(4.4)
    assert judge.counted == 3


def test_without_a_start_period_the_first_interval_counts_for_nothing() -> None:
    """Docker's first run comes one --interval after the start: a HEALTHCHECK that fails for
    2 s and passes before 3 s is healthy there, however often it failed before."""
    judge = Judge(Schedule(interval=3.0, retries=1))
    assert not any(_runs(judge, [n / 10 for n in range(30)]))
    judge.passed(3.0)
    assert (judge.runs, judge.counted, judge.last_end) == (31, 0, 3.0)
    assert _runs(Judge(Schedule(interval=3.0, retries=1)), [3.0]) == [True]


def test_the_plugin_pauses_briefly_then_at_most_half_a_second() -> None:
    assert list(itertools.islice(pauses(), 7)) == pytest.approx(
        [0.05, 0.075, 0.1125, 0.16875, 0.253125, 0.3796875, 0.5]
    )
    assert set(itertools.islice(pauses(), 7, 20)) == {0.5}


def _judged(schedule: Schedule, failed: list[float], passed: float | None = None) -> Judge:
    judge = Judge(schedule)
    _runs(judge, failed)
    if passed is not None:
        judge.passed(passed + 0.1)
    return judge


def test_a_pass_on_the_first_run_says_nothing_more() -> None:
    assert passed_later(_judged(Schedule(), [], passed=0.2), Schedule()) == ""


@pytest.mark.parametrize(
    ("schedule", "failed", "clause"),
    [
        (
            Schedule(1.0, 5.0, 3, 1.0),
            [0.2, 0.5, 1.0],
            " on run 4, 2.6 s after the service started: Docker too would call it healthy, as "
            "it counts no failure within its --start-period of 5s",
        ),
        (
            Schedule(3.0, interval_set=True),
            [0.2, 1.0],
            " on run 3, 2.6 s after the service started: Docker too would call it healthy, as "
            "it counts no failure within the first 3s, until its first run one --interval after "
            "the start",
        ),
        (
            Schedule(1.0, 0.5, 2, 1.0, True, True, start_interval=0.5, docker_timeout=1.0),
            [0.2, 1.0],
            " on run 3, 2.6 s after the service started: Docker too would call it healthy, as "
            "the 1 failure(s) in a row Docker counts before are fewer than its --retries 2",
        ),
    ],
)
def test_a_later_pass_says_when_and_why_docker_agrees(
    schedule: Schedule, failed: list[float], clause: str
) -> None:
    assert passed_later(_judged(schedule, failed, passed=2.5), schedule) == clause


RULES = (
    "counts no failure within its --start-period of 2s, then one per --interval 1s, and marks "
    "the container unhealthy after 2 in a row, --retries 2"
)
FAST = Schedule(1.0, 2.0, 2, 1.0, True, True, start_interval=1.0, docker_timeout=1.0)


def test_the_failure_says_how_many_runs_failed_over_how_long_and_why_they_stopped() -> None:
    judge = _judged(FAST, [0.2, 1.0, 2.0, 3.2])
    assert failed_runs(judge, FAST, Stop.DOCKER, 10.0) == (
        f" on the last of 4 failed runs over 3.3 s after the service started; Docker would "
        f"call it unhealthy by then: it {RULES}"
    )
    # The engine got there first: the same words (its own verdict follows in the message).
    assert failed_runs(judge, FAST, Stop.ENGINE, 10.0) == failed_runs(
        judge, FAST, Stop.DOCKER, 10.0
    )
    assert failed_runs(judge, FAST, Stop.CANNOT_RUN, 10.0) == (
        " on the last of 4 failed runs over 3.3 s after the service started: it cannot run "
        "at all, so no later run would pass"
    )


def test_one_run_that_cannot_run_keeps_the_one_run_message() -> None:
    judge = _judged(Schedule(), [0.3])
    assert failed_runs(judge, Schedule(), Stop.CANNOT_RUN, 30.0) == ""
    assert failed_runs(judge, Schedule(), Stop.ENGINE, 30.0) == ""


def test_a_failure_cut_short_by_startup_timeout_says_what_docker_would_still_wait() -> None:
    slow = Schedule(5.0, 30.0, 3, 3.0, interval_set=True, docker_timeout=3.0)
    judge = _judged(slow, [0.2, 9.5])
    assert failed_runs(judge, slow, Stop.CAPPED, 10.0) == (
        " on the last of 2 failed runs over 9.6 s after the service started; then "
        "startup_timeout (10s) ran out: a service must become healthy within it. Docker counts "
        "no failure within its --start-period of 30s, then one per --interval 5s, and marks the "
        "container unhealthy after 3 in a row, --retries 3 (the default): it would have counted "
        "0 by then, and would call a container that keeps failing unhealthy 49 s after the "
        "start at the latest (runs of up to 3s). Raise startup_timeout, to 49s to wait as long "
        "as Docker would, if the service needs that long to become healthy"
    )
    # A start period shorter than --interval ends at Docker's first run after it: at 3 s before
    # Docker 25, at its --start-interval (here 2 s) on 25+; the later counts.
    early = Schedule(3.0, 1.0, start_interval=2.0)
    expected = (
        "Docker counts no failure within the first 3s: its first run at or after the end of its "
        "--start-period of 1s (every --interval before Docker 25, every --start-interval of 2s "
        "within it on 25+), then one per --interval 3s (the default), and marks the container "
        "unhealthy after 3 in a row, --retries 3 (the default): it would have counted 1 by then"
    )
    assert expected in failed_runs(_judged(early, [0.2, 3.0]), early, Stop.CAPPED, 10.0)
    only = _judged(slow, [9.9])
    assert failed_runs(only, slow, Stop.CAPPED, 10.0).startswith(
        " on its only run, 10.0 s after the service started; then startup_timeout (10s) ran out"
    )


@pytest.mark.parametrize(
    ("output", "missing"),
    [
        ("/bin/sh: curl: not found\n", "curl"),
        ("sh: 1: wget: not found\n", "wget"),
        ("bash: line 1: curl: command not found\n", "curl"),
        # A health command's own output that ends like a shell's words (the review's case).
        ("unhealthy: warm-up: cache refresh: index: not found\n", None),
        ("GET /ready: 503 mesh: peer: not found\n", None),
    ],
)
def test_only_a_shells_words_say_a_program_is_missing(output: str, missing: str | None) -> None:
    assert missing_program(HealthcheckRun(1, output, 10.0)) == missing
