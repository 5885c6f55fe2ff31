"""The engine times and states the OOM event lookup reads (oom_events)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.oom_events import engine_timestamp, may_hide_oom


@pytest.mark.parametrize(
    ("rfc3339", "plus", "expected"),
    [
        ("2026-11-30T22:30:01.123456789Z", 0, "1796077801.123456789"),
        ("2026-11-30T22:30:01.5Z", 0, "1796077801.500000000"),  # not 5 ns
        ("2026-11-30T22:30:01Z", 2, "1796077803.000000000"),
        ("2026-11-30T23:30:01.25+01:00", 0, "1796077801.250000000"),
        ("2026-11-30T20:30:01.25-02:00", 0, "1796077801.250000000"),
    ],
)
def test_engine_times_become_seconds_and_nanoseconds(
    rfc3339: str, plus: int, expected: str
) -> None:
    assert engine_timestamp(rfc3339, plus) == expected


def test_a_time_that_is_not_rfc3339_is_refused() -> None:
    with pytest.raises(ValueError, match="not an RFC 3339 time"):
        engine_timestamp("yesterday")


SIGKILLED = {
    "Status": "exited",
    "ExitCode": 137,
    "OOMKilled": False,
    "StartedAt": "2026-11-30T22:30:01.1Z",
    "FinishedAt": "2026-11-30T22:30:02.2Z",
}


@pytest.mark.parametrize(
    ("change", "hides"),
    [
        ({}, True),
        ({"Status": "dead"}, True),
        ({"Status": "running"}, False),
        ({"ExitCode": 1}, False),
        ({"ExitCode": 0}, False),
        ({"OOMKilled": True}, False),  # already said
        ({"FinishedAt": ""}, False),
        ({"StartedAt": ""}, False),
    ],
)
def test_only_a_sigkill_exit_without_the_flag_is_looked_up(
    change: dict[str, object], hides: bool
) -> None:
    assert may_hide_oom({**SIGKILLED, **change}) is hides
