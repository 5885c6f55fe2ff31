"""When Docker calls a HEALTHCHECK healthy or unhealthy, for `health`, which runs the command
itself, sooner and more often than the engine does, and must reach the engine's verdict.

moby's daemon/health.go: the first run that exits 0 makes the container healthy; a failed run
that starts within --start-period (while it was never healthy) counts for nothing; after it,
--retries failed runs in a row (default 3) make it unhealthy. The engine runs the command
--interval (default 30s) after the previous run ended; its first run comes one --interval after
the start (before Docker 25); on 25+ it runs every --start-interval (default 5s) within the
start period, so the first run that counts is the first of that cadence at or after its end.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

# How long the command may run where the HEALTHCHECK sets no --timeout (Docker's own is 30 s,
# far longer than any health command that works needs).
DEFAULT_TIMEOUT = 10.0
DOCKER_INTERVAL = 30.0
DOCKER_TIMEOUT = 30.0  # what Docker allows a run without --timeout, for its latest verdict
DOCKER_START_INTERVAL = 5.0  # Docker 25+'s pace within --start-period
DOCKER_RETRIES = 3
# The plugin's own pace between runs: far below a usual --interval, so a HEALTHCHECK that starts
# passing is seen within half a second; growing, so one that fails at once costs few runs.
FIRST_PAUSE = 0.05
PAUSE_FACTOR = 1.5
LONGEST_PAUSE = 0.5


@dataclass(frozen=True)
class Schedule:
    """A HEALTHCHECK's timing, in seconds, with Docker's defaults where it sets none. `timeout`
    is the plugin's limit for one run: its --timeout, else DEFAULT_TIMEOUT."""

    interval: float = DOCKER_INTERVAL
    start_period: float = 0.0
    retries: int = DOCKER_RETRIES
    timeout: float = DEFAULT_TIMEOUT
    interval_set: bool = False
    retries_set: bool = False
    start_interval: float = DOCKER_START_INTERVAL
    docker_timeout: float = DOCKER_TIMEOUT  # its --timeout, else Docker's 30 s

    @classmethod
    def of(cls, healthcheck: Mapping[str, Any]) -> Schedule:
        """From an image's or container's Config.Healthcheck (durations in nanoseconds, 0 or
        absent: the default)."""

        def seconds(key: str) -> float:
            return float(healthcheck.get(key) or 0) / 1e9

        retries = int(healthcheck.get("Retries") or 0)
        return cls(
            interval=seconds("Interval") or DOCKER_INTERVAL,
            start_period=seconds("StartPeriod"),
            retries=retries if retries > 0 else DOCKER_RETRIES,
            timeout=seconds("Timeout") or DEFAULT_TIMEOUT,
            interval_set=bool(seconds("Interval")),
            retries_set=retries > 0,
            start_interval=seconds("StartInterval") or DOCKER_START_INTERVAL,
            docker_timeout=seconds("Timeout") or DOCKER_TIMEOUT,
        )

    @property
    def first_counted(self) -> float:
        """Seconds after the start before which Docker counts no failure: its first run at or
        after the start period's end, on its own cadence: every --interval before Docker 25,
        every --start-interval within the start period on 25+. The later of the two, so that
        the plugin never counts a failure that some Docker would not."""
        before_25 = math.ceil(self.start_period / self.interval) * self.interval
        since_25 = math.ceil(self.start_period / self.start_interval) * self.start_interval
        return max(before_25, since_25, self.interval)

    @property
    def decided_by(self) -> float:
        """The latest a Docker that finds every run failing marks it unhealthy: --retries runs
        of up to `timeout`, --interval apart, from `first_counted` on (at most start_period +
        retries x (interval + timeout))."""
        runs = self.retries * self.docker_timeout
        return self.first_counted + runs + (self.retries - 1) * self.interval

    def retries_text(self) -> str:
        return f"--retries {self.retries}" + ("" if self.retries_set else " (the default)")

    def interval_text(self) -> str:
        return f"--interval {self.interval:g}s" + ("" if self.interval_set else " (the default)")


class Stop(enum.Enum):
    """Why the plugin ran the command no more."""

    PASSED = "passed"
    DOCKER = "docker"  # as many failures in a row as Docker counts to call it unhealthy
    ENGINE = "engine"  # the engine itself marks the container unhealthy
    CANNOT_RUN = "cannot run"  # a program it lacks: no later run can find it
    # It starts the service's server again, which cannot bind the port the running one holds.
    SECOND_SERVER = "second server"
    CAPPED = "capped"  # startup_timeout ran out first
    EXITED = "exited"  # the service container exited


@dataclass
class Judge:
    """Failed runs as Docker counts them: none before `first_counted`, then only one per
    --interval (measured, as the engine does, from the end of the run it counted before), so
    runs every half second make no more failures than the engine's runs would."""

    schedule: Schedule
    runs: int = 0
    counted: int = 0
    last_end: float = 0.0
    _next_counted: float | None = None

    def passed(self, end: float) -> None:
        """Record the run that passed, ending `end` seconds after the service started."""
        self._record(end)

    def failed(self, start: float, end: float) -> bool:
        """Record a failed run (`start` and `end`: seconds after the service started); True once
        Docker would mark the container unhealthy."""
        self._record(end)
        due = self.schedule.first_counted if self._next_counted is None else self._next_counted
        if start >= due:
            self.counted += 1
            self._next_counted = end + self.schedule.interval
        return self.counted >= self.schedule.retries

    def _record(self, end: float) -> None:
        self.runs += 1
        self.last_end = end


def pauses() -> Iterator[float]:
    """The plugin's pauses between runs: FIRST_PAUSE, growing by PAUSE_FACTOR to LONGEST_PAUSE."""
    pause = FIRST_PAUSE
    while True:
        yield pause
        pause = min(pause * PAUSE_FACTOR, LONGEST_PAUSE)


def passed_later(judge: Judge, schedule: Schedule) -> str:
    """What the pass message adds where the command passed on a later run ("" on the first)."""
    if judge.runs <= 1:
        return ""
    if judge.counted:
        why = (
            f"the {judge.counted} failure(s) in a row Docker counts before are fewer than its "
            f"{schedule.retries_text()}"
        )
    else:
        why = f"it counts no failure within {_grace(schedule)}"
    return (
        f" on run {judge.runs}, {judge.last_end:.1f} s after the service started: Docker too "
        f"would call it healthy, as {why}"
    )


def failed_runs(judge: Judge, schedule: Schedule, stop: Stop, startup_timeout: float) -> str:
    """What the failure adds to how the last run failed: how many runs failed over how long, and
    why the plugin stopped there. "" for one run that cannot run at all (no more runs were due)."""
    if judge.runs <= 1 and stop in (Stop.CANNOT_RUN, Stop.ENGINE, Stop.SECOND_SERVER):
        return ""
    if judge.runs == 1:
        text = f" on its only run, {judge.last_end:.1f} s after the service started"
    else:
        text = (
            f" on the last of {judge.runs} failed runs over {judge.last_end:.1f} s after the "
            "service started"
        )
    rules = (
        f"counts no failure within {_grace(schedule)}, then one per "
        f"{schedule.interval_text()}, and marks the container unhealthy after "
        f"{schedule.retries} in a row, {schedule.retries_text()}"
    )
    if stop is Stop.CANNOT_RUN:
        return f"{text}: it cannot run at all, so no later run would pass"
    if stop is Stop.SECOND_SERVER:
        return f"{text}: it starts a second server, so no later run would pass"
    if stop in (Stop.DOCKER, Stop.ENGINE):
        return f"{text}; Docker would call it unhealthy by then: it {rules}"
    if stop is Stop.CAPPED:
        return (
            f"{text}; then startup_timeout ({startup_timeout:g}s) ran out: a service must "
            f"become healthy within it. Docker {rules}: it would have counted {judge.counted} by "
            "then, and would call a container that keeps failing unhealthy "
            f"{schedule.decided_by:.0f} s after the start at the latest (runs of up to "
            f"{schedule.docker_timeout:g}s{_own(schedule)}). Raise startup_timeout, to {math.ceil(schedule.decided_by)}s "
            "to wait as long as Docker would, if the service needs that long to become healthy"
        )
    return text


def _grace(schedule: Schedule) -> str:
    """The time in which Docker counts no failure, in the HEALTHCHECK's own terms."""
    if schedule.start_period and schedule.first_counted == schedule.start_period:
        return f"its --start-period of {schedule.start_period:g}s"
    if not schedule.start_period:
        return (
            f"the first {schedule.first_counted:g}s, until its first run one --interval after "
            "the start"
        )
    return (
        f"the first {schedule.first_counted:g}s: its first run at or after the end of its "
        f"--start-period of {schedule.start_period:g}s (every --interval before Docker 25, "
        f"every --start-interval of {schedule.start_interval:g}s within it on 25+)"
    )


def _own(schedule: Schedule) -> str:
    """Whether the run limit is the HEALTHCHECK's --timeout or Docker's default."""
    return ", Docker's own without --timeout" if schedule.docker_timeout != schedule.timeout else ""
