"""Whether the run finished: every selected item reported a result, and no interrupt came.

A release gate must never read "passed" after a run that stopped early. pytest's exit status
alone does not say so: a second SIGINT that lands while pytest handles the first (coreutils'
`timeout -s INT` signals pytest, then its process group) escapes pytest's own
`pytest_keyboard_interrupt`, and the session then ends with the exit status it had, 0. So
the results plugin counts for itself: the items selected to run (after -k/-m, --lf and
named checks: what pytest, or each xdist worker, collected) against those that reported a
result, the built-in checks and the team's own tests alike, and notes any interrupt pytest
announced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

# An item reported a result: its call phase, or a setup that skipped or failed (then it has
# no call), or any failure (xdist's report for an item whose worker crashed, a phase "???").
_CALL = "call"


@dataclass
class RunCompleteness:
    """The controller's count of what was to run and what ran.

    `per_worker`: items are keyed by worker as well as node id (`--dist each` runs every
    item on every worker); otherwise by node id, however many workers collected it."""

    per_worker: bool = False
    interrupted: bool = False  # pytest announced an interrupt (pytest_keyboard_interrupt)
    _selected: set[tuple[str, str]] = field(default_factory=set)
    _finished: set[tuple[str, str]] = field(default_factory=set)
    _order: list[str] = field(default_factory=list)  # node ids in collection order

    def collected(self, node_ids: Iterable[str], worker: str = "") -> None:
        """Items that are to run (in `worker`, under xdist)."""
        for node_id in node_ids:
            key = self._key(node_id, worker)
            if key not in self._selected:
                self._selected.add(key)
                self._order.append(node_id)

    def reported(self, report: pytest.TestReport, worker: str = "") -> None:
        if report.when == _CALL or not report.passed:
            self._finished.add(self._key(report.nodeid, worker))

    def not_run(self) -> list[str]:
        """The selected items that reported no result, in collection order, each once."""
        missing = {node_id for node_id, _ in self._selected - self._finished}
        return [node_id for node_id in dict.fromkeys(self._order) if node_id in missing]

    @property
    def selected_count(self) -> int:
        return len(self._selected)

    @property
    def missing_count(self) -> int:
        return len(self._selected - self._finished)

    def incomplete(self) -> bool:
        return self.missing_count > 0

    def _key(self, node_id: str, worker: str) -> tuple[str, str]:
        return (node_id, worker if self.per_worker else "")


@dataclass(frozen=True)
class Verdict:
    """What the run's end reports: `interrupted` (the JSON's `"interrupted": true`, the
    summaries' note) and, when items never reported, how many of how many and which."""

    interrupted: bool
    missing: int = 0
    selected: int = 0
    not_run: tuple[str, ...] = ()

    def note(self) -> str:
        """One line for the terminal and the step summary; empty when every item ran."""
        if not self.missing:
            return ""
        items = "item" if self.selected == 1 else "items"
        return (
            f"{self.missing} of {self.selected} selected {items} did not run "
            f"(the run {'was interrupted' if self.interrupted else 'stopped early'})"
        )


def verdict(
    completeness: RunCompleteness, exitstatus: int, session: pytest.Session | None
) -> Verdict:
    """The run was interrupted when pytest said so (its exit status, or its
    pytest_keyboard_interrupt), or when items never reported and no failure stopped the run
    on purpose (-x/--maxfail): nothing else ends a run before every item has run."""
    stopped = bool(session is not None and (session.shouldfail or session.shouldstop))
    missing = completeness.missing_count
    interrupted = (
        exitstatus == pytest.ExitCode.INTERRUPTED
        or completeness.interrupted
        or (missing > 0 and not stopped)
    )
    return Verdict(
        interrupted=interrupted,
        missing=missing,
        selected=completeness.selected_count,
        not_run=tuple(completeness.not_run()),
    )
