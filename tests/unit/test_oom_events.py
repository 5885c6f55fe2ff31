"""The engine times and states the OOM event lookup reads (oom_events)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import docker.errors
import pytest

from pytest_goimage.engine import oom_events
from pytest_goimage.engine.oom_events import (
    GRACE_SECONDS,
    engine_timestamp,
    logged_oom_kill,
    may_hide_oom,
)


@pytest.mark.parametrize(
    ("rfc3339", "plus", "expected"),
    [
        ("2026-11-30T22:30:01.123456789Z", 0, "1796077801.123456789"),
        ("2026-11-30T22:30:01.5Z", 0, "1796077801.500000000"),
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


class FakeEvents:
    """The part of docker-py's APIClient the lookup uses, answering as told."""

    def __init__(
        self, events: list[dict[str, str]], close_error: bool = False, stall: bool = False
    ):
        self.events, self.close_error, self.stall = events, close_error, stall
        self.asked: dict[str, object] = {}
        self.closed = threading.Event()

    def __call__(self, **kwargs: object) -> FakeEvents:
        self.asked = kwargs
        return self

    def __iter__(self) -> Iterator[dict[str, str]]:
        if self.stall:  # an engine or SSH link that stopped answering, until closed
            self.closed.wait(60)
        yield from self.events

    def close(self) -> None:
        self.closed.set()
        if self.close_error:  # docker-py over SSH: the stream has no socket to shut
            raise UnboundLocalError("cannot access local variable 'sock'")


class FakeApi:
    def __init__(self, events: FakeEvents) -> None:
        self.events = events


def test_the_lookup_asks_for_the_containers_oom_events_in_its_lifetime_plus_the_grace() -> None:
    stream = FakeEvents([{"Action": "oom"}])
    assert logged_oom_kill(FakeApi(stream), "c0ffee", SIGKILLED) is True
    assert stream.asked == {
        "since": "1796077801.100000000",
        "until": f"{1796077802 + GRACE_SECONDS}.200000000",
        "filters": {"container": "c0ffee", "event": "oom"},
        "decode": True,
    }


def test_a_stream_that_cannot_be_closed_still_gives_its_answer() -> None:
    assert logged_oom_kill(FakeApi(FakeEvents([{}], close_error=True)), "c", SIGKILLED) is True
    assert logged_oom_kill(FakeApi(FakeEvents([], close_error=True)), "c", SIGKILLED) is False


def test_a_stalled_engine_does_not_hold_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oom_events, "GRACE_SECONDS", 0)
    monkeypatch.setattr(oom_events, "LOOKUP_SECONDS", 0.3)
    stalled = FakeEvents([{}], stall=True)
    started = time.monotonic()
    assert logged_oom_kill(FakeApi(stalled), "c", SIGKILLED) is False
    assert time.monotonic() - started < 2
    assert stalled.closed.is_set()  # its connection is not left open for the rest of the run


def test_an_engine_that_refuses_the_lookup_means_no_answer() -> None:
    class Refusing:
        def events(self, **kwargs: object) -> None:
            raise docker.errors.APIError("500 Server Error: events unavailable")

    assert logged_oom_kill(Refusing(), "c", SIGKILLED) is False
