"""SIGTERM ends a run as Ctrl-C does (termination.py): the handler goes in only where SIGTERM
has its default action, turns the first signal into KeyboardInterrupt, lets a run that is
ending finish, and only the run that set it takes it out again."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from pytest_goimage.termination import end_on_sigterm, restore_sigterm, run_ending


@pytest.fixture
def default_sigterm() -> Iterator[None]:
    before = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, before)


def test_the_first_sigterm_interrupts_and_one_while_the_run_ends_is_noted(
    default_sigterm: None,
) -> None:
    run = object()
    end_on_sigterm(run)
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        os.kill(os.getpid(), signal.SIGTERM)
    os.kill(os.getpid(), signal.SIGTERM)  # the run is ending now: the process lives on
    restore_sigterm(run)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_sigterm_once_the_session_finishes_lets_the_run_end(default_sigterm: None) -> None:
    """The review: a SIGTERM in pytest_sessionfinish raised there, and pytest exited 130 with a
    traceback and no report."""
    run = object()
    end_on_sigterm(run)
    run_ending()
    os.kill(os.getpid(), signal.SIGTERM)  # noted, not raised
    restore_sigterm(run)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.parametrize("theirs", [signal.SIG_IGN, lambda signum, frame: None])
def test_a_handler_someone_else_set_is_left_alone(default_sigterm: None, theirs: object) -> None:
    signal.signal(signal.SIGTERM, theirs)  # type: ignore[arg-type]
    run = object()
    end_on_sigterm(run)
    assert signal.getsignal(signal.SIGTERM) is theirs
    restore_sigterm(run)
    assert signal.getsignal(signal.SIGTERM) is theirs


def test_an_inner_in_process_run_leaves_the_outer_runs_handler(default_sigterm: None) -> None:
    outer, inner = object(), object()
    end_on_sigterm(outer)
    installed = signal.getsignal(signal.SIGTERM)
    assert installed is not signal.SIG_DFL
    end_on_sigterm(inner)
    restore_sigterm(inner)
    assert signal.getsignal(signal.SIGTERM) is installed
    restore_sigterm(outer)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
