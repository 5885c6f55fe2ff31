"""The end of an xdist run on the controller: a Ctrl-C waits for it, a later one stops it; a run
folder's engine mark (no engine)."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_goimage.engine.run_dirs import (
    OWNER_FILE,
    close_run_dir,
    engine_used,
    mark_engine_used,
    remove_if_unused,
)
from pytest_goimage.run_folder import _FirstInterruptWaits


class _Config:
    """What the guard asks of pytest's config: the terminal reporter, which records lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pluginmanager = self

    def get_plugin(self, name: str) -> Any:
        return self if name == "terminalreporter" else None

    def write(self, text: str) -> None:
        pass

    def write_line(self, line: str) -> None:
        self.lines.append(line)


def _guard(active: bool = True) -> tuple[_FirstInterruptWaits, _Config]:
    config = _Config()
    return _FirstInterruptWaits(config, active), config  # type: ignore[arg-type]


def test_a_first_ctrl_c_is_noted_and_said_not_raised() -> None:
    guard, config = _guard()
    with guard:
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)  # timeout -s INT: the command, then its group
    assert guard.received is not None
    assert len(config.lines) == 1
    assert config.lines[0].startswith("goimage: interrupted; ending the workers")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_later_ctrl_c_stops_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_FirstInterruptWaits, "SAME_INTERRUPT", -1.0)
    guard, _ = _guard()
    with pytest.raises(KeyboardInterrupt), guard:
        signal.raise_signal(signal.SIGINT)
        signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_an_inactive_guard_leaves_ctrl_c_alone() -> None:
    guard, config = _guard(active=False)
    with pytest.raises(KeyboardInterrupt), guard:
        signal.raise_signal(signal.SIGINT)
    assert guard.received is None and config.lines == []


def test_a_handler_set_by_someone_else_is_left_in_place() -> None:
    seen: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        guard, _ = _guard()
        with guard:
            signal.raise_signal(signal.SIGINT)
        assert seen == [signal.SIGINT] and guard.received is None
    finally:
        signal.signal(signal.SIGINT, previous)


def test_the_engine_mark_is_no_reason_to_keep_an_unused_run_folder(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / OWNER_FILE).write_text("{}")
    assert not engine_used(folder)
    mark_engine_used(folder)
    assert engine_used(folder)
    close_run_dir(folder)
    remove_if_unused(folder)
    assert not folder.exists()


def test_the_echo_of_an_interrupt_being_handled_is_ignored() -> None:
    config = _Config()
    guard = _FirstInterruptWaits(config, True, echo_of=time.monotonic())  # type: ignore[arg-type]
    with guard:
        signal.raise_signal(signal.SIGINT)  # timeout's second signal: the same interrupt
        assert guard.received is None and config.lines == []
        guard.echo_of = time.monotonic() - 2 * guard.SAME_INTERRUPT  # much later:
        signal.raise_signal(signal.SIGINT)  # a Ctrl-C of its own waits for the run's end
        assert guard.received is not None and len(config.lines) == 1
        guard.received -= 2 * guard.SAME_INTERRUPT
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # and another one stops it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_guard_ended_twice_leaves_a_later_handler_alone() -> None:
    guard = _FirstInterruptWaits(_Config(), True)  # type: ignore[arg-type]
    with guard:
        pass
    seen: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
    try:
        guard.__exit__(None, None, None)  # the config's cleanup, after the session's end
        signal.raise_signal(signal.SIGINT)
        assert seen == [signal.SIGINT]
    finally:
        signal.signal(signal.SIGINT, previous)
