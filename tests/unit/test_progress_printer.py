"""Progress from other threads waits for the main thread: only it may suspend pytest's output
capture (a build thread doing it lost a `PASSED` line into a capture buffer)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from pytest_goimage.build import progress
from pytest_goimage.build.progress import NOTICE, ProgressPrinter


class FakeTerminal:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.writers: list[str] = []

    def ensure_newline(self) -> None:
        pass

    def write_line(self, line: str, **markup: Any) -> None:
        self.lines.append(line)
        self.writers.append(threading.current_thread().name)


class FakeConfig:
    """What ProgressPrinter reads of pytest's Config: -v, and the terminal (no capture)."""

    def __init__(self, terminal: FakeTerminal, verbosity: int = 1) -> None:
        self.pluginmanager = self
        self.terminal = terminal
        self.verbosity = verbosity

    def get_verbosity(self) -> int:
        return self.verbosity

    def get_plugin(self, name: str) -> Any:
        return self.terminal if name == "terminalreporter" else None


def from_a_thread(printer: ProgressPrinter, *messages: str) -> None:
    thread = threading.Thread(
        target=lambda: [printer("Dockerfile", m, True) for m in messages], name="build"
    )
    thread.start()
    thread.join()


def test_a_build_threads_progress_is_printed_by_the_main_thread_in_order() -> None:
    terminal = FakeTerminal()
    printer = ProgressPrinter(FakeConfig(terminal))  # type: ignore[arg-type]
    from_a_thread(printer, "[1/2] FROM golang", "[2/2] RUN go build")
    assert terminal.lines == []  # queued, not written from the build's thread
    printer("minio", "started", False)  # the main thread's own message comes after them
    assert terminal.lines == [
        "goimage Dockerfile: [1/2] FROM golang",
        "goimage Dockerfile: [2/2] RUN go build",
        "goimage minio: started",
    ]
    assert set(terminal.writers) == {"MainThread"}


def test_drain_prints_the_queue_on_the_main_thread_only() -> None:
    terminal = FakeTerminal()
    printer = ProgressPrinter(FakeConfig(terminal))  # type: ignore[arg-type]
    from_a_thread(printer, "exporting to image")
    drainer = threading.Thread(target=printer.drain)
    drainer.start()
    drainer.join()
    assert terminal.lines == []
    printer.drain()
    assert terminal.lines == ["goimage Dockerfile: exporting to image"]


def test_the_xdist_controllers_tail_writes_from_its_thread() -> None:
    terminal = FakeTerminal()
    printer = ProgressPrinter(FakeConfig(terminal), threads_write=True)  # type: ignore[arg-type]
    from_a_thread(printer, "[gw0] built in 1.0s")
    assert terminal.lines == ["goimage Dockerfile: [gw0] built in 1.0s"]
    assert terminal.writers == ["build"]


def timed(printer: ProgressPrinter, monkeypatch: pytest.MonkeyPatch, *events: Any) -> None:
    """Each (seconds, label, message, step) given to `printer` at that moment of a clock."""
    for seconds, label, message, step in events:
        monkeypatch.setattr(progress.time, "monotonic", lambda at=seconds: 1000.0 + at)
        printer(label, message, step)


BUILD = [
    (0.0, "Dockerfile", "building goimage/app:1", False),
    (0.4, "Dockerfile", "[1/2] FROM golang", True),
]


@pytest.mark.parametrize(
    ("verbosity", "built_after", "shown"),
    [
        # The default: a build under 2 s (a cached rebuild) is not announced at all ...
        (0, 1.9, []),
        # ... one of 2 s or more is, once it has run that long, and its end too; no step.
        (
            0,
            2.5,
            ["goimage Dockerfile: building goimage/app:1", "goimage Dockerfile: built in 2.5s"],
        ),
        # -v: every line; -q: none.
        (
            1,
            1.0,
            [
                "goimage Dockerfile: building goimage/app:1",
                "goimage Dockerfile: [1/2] FROM golang",
                "goimage Dockerfile: [2/2] RUN go build",
                "goimage Dockerfile: built in 1.0s",
            ],
        ),
        (-1, 2.5, []),
    ],
    ids=["quick", "slow", "verbose", "quiet"],
)
def test_a_build_is_announced_by_verbosity_and_how_long_it_runs(
    monkeypatch: pytest.MonkeyPatch, verbosity: int, built_after: float, shown: list[str]
) -> None:
    terminal = FakeTerminal()
    printer = ProgressPrinter(FakeConfig(terminal, verbosity))  # type: ignore[arg-type]
    timed(
        printer, monkeypatch, *BUILD, (built_after - 0.1, "Dockerfile", "[2/2] RUN go build", True)
    )
    # By default a slow build is announced while it runs, at its first line past 2 s.
    assert terminal.lines == (shown[:1] if verbosity == 0 else shown[:3])
    timed(printer, monkeypatch, (built_after, "Dockerfile", f"built in {built_after:.1f}s", False))
    assert terminal.lines == shown


def test_a_notice_and_a_job_that_is_no_build_are_shown_by_default_and_a_notice_under_q(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for verbosity, shown in [
        (0, ["goimage minio: pulling minio/minio:latest", f"goimage {NOTICE}: left goimage/app"]),
        (-1, [f"goimage {NOTICE}: left goimage/app"]),
    ]:
        terminal = FakeTerminal()
        printer = ProgressPrinter(FakeConfig(terminal, verbosity))  # type: ignore[arg-type]
        timed(
            printer,
            monkeypatch,
            (0.0, "minio", "pulling minio/minio:latest", False),
            (0.1, NOTICE, "left goimage/app", False),
        )
        assert terminal.lines == shown, verbosity
