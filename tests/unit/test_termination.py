"""SIGTERM ends a run as Ctrl-C does (termination.py): the handler goes in only where SIGTERM
has its default action, turns the first signal into KeyboardInterrupt, ignores the next, and
is taken out again."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest

from pytest_goimage.termination import end_on_sigterm, restore_sigterm


@pytest.fixture
def default_sigterm() -> Iterator[None]:
    before = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    signal.signal(signal.SIGTERM, before)


def test_the_first_sigterm_interrupts_and_the_next_is_ignored(default_sigterm: None) -> None:
    end_on_sigterm()
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        os.kill(os.getpid(), signal.SIGTERM)
    os.kill(os.getpid(), signal.SIGTERM)  # ignored during the cleanup: the process lives on
    restore_sigterm()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_handler_someone_else_set_is_left_alone(default_sigterm: None) -> None:
    def theirs(signum: int, frame: object) -> None:
        pass

    signal.signal(signal.SIGTERM, theirs)
    end_on_sigterm()
    restore_sigterm()
    assert signal.getsignal(signal.SIGTERM) is theirs
