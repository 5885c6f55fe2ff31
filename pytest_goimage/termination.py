"""SIGTERM ends a run as Ctrl-C does: CI cancels a job with SIGTERM (`timeout`, `docker stop`,
GitLab runners), and its default action kills the process on the spot, leaving the service,
MinIO, dependencies and networks running and no report written.

In a process that makes engine resources, the first SIGTERM raises KeyboardInterrupt in the
main thread, so pytest ends the run as interrupted and the plugin removes what it made and
writes its reports. Once the run is ending (its session finishing, or a Ctrl-C being handled),
a SIGTERM is only noted: raising then would cut the removals short and lose the report (a
GitHub Actions cancel sends SIGINT, then SIGTERM 7.5 s later, then SIGKILL). Only a SIGTERM
with its default action is changed, and only the run that changed it puts it back: a handler
someone else set (SIG_IGN too) stays, and so does an outer run's in an in-process pytester run.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Generator
from types import FrameType

import pytest

_owner: list[object] = []  # the run (its pytest config) whose handler is in place
_ending: list[bool] = [False]
# A SIGINT this soon after the first is the same interrupt: coreutils' `timeout -s INT` signals
# the command, then its whole process group, so pytest gets two at once.
ECHO_S = 1.0
_first_sigint: list[float] = []


def end_on_sigterm(owner: object) -> None:
    """Make SIGTERM interrupt the run of `owner`, from the main thread (signals are set only
    there), where SIGTERM still has its default action."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
        _owner[:] = [owner]
        _ending[0] = False


def run_ending() -> None:
    """From here on a SIGTERM lets the run finish its removals and reports."""
    _ending[0] = True


class SigtermHooks:
    """Marks the run's end: its session finishing, or a Ctrl-C being handled."""

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_sessionfinish(self) -> Generator[None, None, None]:
        run_ending()
        return (yield)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_keyboard_interrupt(self) -> Generator[None, None, None]:
        run_ending()
        if _first_sigint:  # an echo may come later than the interrupt, but not later than this
            _first_sigint[:] = [time.monotonic()]
        return (yield)


def restore_sigterm(owner: object) -> None:
    """SIGTERM's default action again once `owner`'s run has ended, where it set the handler."""
    if threading.current_thread() is not threading.main_thread():
        return
    if _owner == [owner] and signal.getsignal(signal.SIGTERM) is _interrupt:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _owner.clear()
        _ending[0] = False


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if _ending[0]:
        return  # the run is ending: let its cleanup finish (CI sends SIGKILL if it must)
    _ending[0] = True
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")


def one_sigint_per_interrupt(config: pytest.Config) -> None:
    """In the main thread, where SIGINT has Python's own handler: a SIGINT still raises
    KeyboardInterrupt, but one within ECHO_S of the last that did is ignored. The echo of
    `timeout -s INT` otherwise lands while pytest handles the first (it formats a traceback,
    the plugin removes what it started) and ends the run with exit 130 and an internal
    traceback. Not on an xdist controller: its own guard (run_folder.py) does this and more."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupt_once)
        _first_sigint.clear()
        # After the plugin's own end (pytest_unconfigure), which an echo must not cut short.
        config.add_cleanup(_restore_sigint)


def last_sigint() -> float | None:
    """When the last SIGINT that interrupted this run came (time.monotonic), if one did."""
    return _first_sigint[0] if _first_sigint else None


def interrupt_handlers() -> tuple[object, ...]:
    """The SIGINT handlers that raise KeyboardInterrupt: Python's own, and the run's guard
    against an interrupt's echo. A guard of the run's end replaces only these."""
    return (signal.default_int_handler, _interrupt_once)


def _restore_sigint() -> None:
    """Python's own SIGINT handler again once the run has ended, where ours is in place."""
    if signal.getsignal(signal.SIGINT) is _interrupt_once:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _interrupt_once(signum: int, frame: FrameType | None) -> None:
    now = time.monotonic()
    if _first_sigint and now - _first_sigint[0] <= ECHO_S:
        return
    _first_sigint[:] = [now]
    raise KeyboardInterrupt
