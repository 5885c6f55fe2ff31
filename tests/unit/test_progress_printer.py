"""Progress from other threads waits for the main thread: only it may suspend pytest's output
capture (a build thread doing it lost a `PASSED` line into a capture buffer)."""

from __future__ import annotations

import threading
from typing import Any

from pytest_goimage.build.progress import ProgressPrinter


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

    def __init__(self, terminal: FakeTerminal) -> None:
        self.pluginmanager = self
        self.terminal = terminal

    def get_verbosity(self) -> int:
        return 1

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
