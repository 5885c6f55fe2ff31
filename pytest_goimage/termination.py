"""SIGTERM ends a run as Ctrl-C does: CI cancels a job with SIGTERM (GitLab, `timeout`, Docker's
stop; GitHub Actions after its SIGINT), and its default action kills the process on the spot,
leaving the service, MinIO, dependencies and networks running and no report written.

The first SIGTERM raises KeyboardInterrupt in the main thread, so pytest ends the run as
interrupted and the plugin removes what it made and writes its reports; a second one during
that cleanup is ignored (CI sends SIGKILL after its grace period). Only a process whose
SIGTERM still has its default action is changed: a handler someone else set stays.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


def end_on_sigterm() -> None:
    """Make SIGTERM interrupt the run, from the main thread (signals are set only there)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)


def restore_sigterm() -> None:
    """SIGTERM's default action again, once the run has ended (an in-process pytester run
    must not leave its handler in the process that started it)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) in (_interrupt, signal.SIG_IGN):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # let the cleanup that follows finish
    raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
