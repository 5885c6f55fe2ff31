"""When a later run may sweep what a killed run left: its creating process is gone, and it is
older than 60 s (GOIMAGE_STALE_AFTER). A creator on another host or in another PID namespace
is never judged from here: its pid means nothing here."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from pytest_goimage.engine.labels import (
    LABEL_CREATED,
    LABEL_HOST,
    LABEL_KEEP,
    LABEL_PID,
    LABEL_PIDNS,
    creator_gone,
    creator_labels,
)


@pytest.fixture(scope="module")
def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout)


def labels_of(pid: int, age: float) -> dict[str, str]:
    return {**creator_labels(), LABEL_PID: str(pid), LABEL_CREATED: str(int(time.time() - age))}


@pytest.mark.parametrize(
    ("stale_after", "age", "gone"),
    [
        (None, 30, False),  # the default: a minute
        (None, 61, True),
        ("10", 30, True),
        ("0", 0, True),
        ("120", 61, False),
        ("soon", 61, True),  # not a number: the default
        ("soon", 30, False),
    ],
)
def test_a_dead_creator_s_resources_are_stale_once_old_enough(
    monkeypatch: pytest.MonkeyPatch, dead_pid: int, stale_after: str | None, age: float, gone: bool
) -> None:
    if stale_after is None:
        monkeypatch.delenv("GOIMAGE_STALE_AFTER", raising=False)
    else:
        monkeypatch.setenv("GOIMAGE_STALE_AFTER", stale_after)
    assert creator_gone(labels_of(dead_pid, age)) is gone


def test_a_live_creator_a_kept_resource_and_another_host_are_never_stale(
    monkeypatch: pytest.MonkeyPatch, dead_pid: int
) -> None:
    monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")
    assert creator_gone(labels_of(os.getpid(), 600)) is False
    assert creator_gone({**labels_of(dead_pid, 600), LABEL_KEEP: "1"}) is False
    assert creator_gone({**labels_of(dead_pid, 600), LABEL_HOST: "ci-7"}) is False
    other_namespace = {**labels_of(dead_pid, 600), LABEL_PIDNS: "pid:[1]"}
    assert creator_gone(other_namespace) is False
