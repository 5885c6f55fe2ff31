"""Build progress on the terminal, also when xdist workers (which have none) do the building."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from pathlib import Path

import pytest

PROGRESS_FILE = "progress.jsonl"


# A label whose lines -q does not hide: something the user must act on, said once.
NOTICE = "notice"


class ProgressPrinter:
    """Build progress through pytest's terminal writer.

    With -v every step is shown. By default a build is announced only once it has run for
    QUIET_AFTER seconds, so cached rebuilds do not break up the progress dots. -q shows only
    NOTICE lines.

    Only the main thread writes: writing means suspending pytest's output capture, which from
    another thread (a build's, a removal's) could resume it while pytest writes a result, and
    `Dockerfile::metadata PASSED` went into a capture buffer instead of the terminal. Other
    threads queue their messages; the main thread prints them at its next message, while it
    waits for a build, and between items (`drain`). `threads_write`: the xdist controller's
    tail thread writes itself (no test runs there, so no capture is resumed under it).
    """

    QUIET_AFTER = 2.0

    def __init__(self, config: pytest.Config, *, threads_write: bool = False) -> None:
        self.config = config
        self.threads_write = threads_write
        self.pending: dict[str, tuple[float, str]] = {}  # label -> (start, held message)
        self.queued: list[tuple[str, str, bool, float]] = []  # from other threads, with when
        self.lock = threading.RLock()

    def __call__(self, label: str, message: str, step: bool) -> None:
        if self.config.get_verbosity() < 0 and not label.startswith(NOTICE):
            return
        if not self._writes_here():
            with self.lock:
                self.queued.append((label, message, step, time.monotonic()))
            return
        with self.lock:
            self.drain()
            self._show(label, message, step, time.monotonic())

    def drain(self) -> None:
        """Print what other threads queued, in order (on the main thread; elsewhere nothing)."""
        if not self._writes_here():
            return
        with self.lock:
            queued, self.queued = self.queued, []
            for label, message, step, when in queued:
                self._show(label, message, step, when)

    def discard(self) -> None:
        """Drop what is queued and held, unprinted: the run ended without waiting for it."""
        with self.lock:
            self.queued.clear()
            self.pending.clear()

    def _writes_here(self) -> bool:
        """Whether this thread may write: the main thread, or any with `threads_write`."""
        return self.threads_write or threading.current_thread() is threading.main_thread()

    def _show(self, label: str, message: str, step: bool, when: float) -> None:
        if self.config.get_verbosity() >= 1:
            if step or label not in self.pending:
                self._write(label, message, step)
            return
        self._quiet(label, message, step, when)

    def _quiet(self, label: str, message: str, step: bool, now: float) -> None:
        if message.startswith("building "):
            self.pending[label] = (now, message)
            return
        held = self.pending.get(label)
        if held is None:
            if not step:
                self._write(label, message, step)  # MinIO builds and other long jobs
        elif held[1] and now - held[0] >= self.QUIET_AFTER:
            self._write(label, held[1], False)
            self.pending[label] = (held[0], "")
        if not step and held is not None:
            if not held[1] or now - held[0] >= self.QUIET_AFTER:
                self._write(label, message, False)
            del self.pending[label]

    def _write(self, label: str, message: str, step: bool) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        capture = self.config.pluginmanager.get_plugin("capturemanager")
        # Checks run with output captured; progress must reach the terminal while they run.
        with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
            reporter.ensure_newline()
            # xdist's controller prints progress dots without the reporter's own bookkeeping,
            # so ensure_newline cannot see them; the writer knows its line is not empty.
            writer = getattr(reporter, "_tw", None)
            if writer is not None and writer.width_of_current_line:
                writer.line()
            reporter.write_line(f"goimage {label}: {message}", cyan=not step)


class WorkerProgress:
    """On an xdist worker: append each event to a file in the run's shared directory.

    Workers have no terminal (xdist captures their output); the controller tails the file.
    Each event is one short line written with O_APPEND, so lines from two workers never mix.
    """

    def __init__(self, shared_dir: Path, worker: str) -> None:
        self.path = shared_dir / PROGRESS_FILE
        self.worker = worker

    def __call__(self, label: str, message: str, step: bool) -> None:
        event = {"label": label, "message": message, "step": step, "worker": self.worker}
        # Progress is a courtesy: never fail a check because it could not be written.
        with contextlib.suppress(OSError), open(self.path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")


class ProgressTail:
    """On the xdist controller: print what workers append, while the tests run.

    xdist's controller loop offers no periodic hook, so a daemon thread polls the file.
    """

    INTERVAL = 0.2

    def __init__(self, shared_dir: Path, printer: ProgressPrinter) -> None:
        self.path = shared_dir / PROGRESS_FILE
        self.printer = printer
        self.offset = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="goimage-progress", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        """Stop polling and print what is still unread."""
        if self.thread.is_alive():
            self.stopping.set()
            self.thread.join(timeout=5)
        self.drain()

    def _run(self) -> None:
        while not self.stopping.wait(self.INTERVAL):
            self.drain()

    def drain(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except OSError:
            return  # nothing written yet
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits
        self.offset += len(complete)
        for line in complete.decode("utf-8", "replace").splitlines():
            try:
                event = json.loads(line)
                label, message = str(event["label"]), str(event["message"])
                step, worker = bool(event["step"]), str(event["worker"])
            except (ValueError, KeyError, TypeError):
                continue
            self.printer(f"{label} [{worker}]", message, step)
