"""Polling with a short, growing backoff: the first retry comes within tens of milliseconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator


def backoff(
    timeout: float, first: float = 0.01, factor: float = 1.5, cap: float = 0.25
) -> Iterator[float]:
    """Yield elapsed seconds before each attempt, sleeping a growing delay in between."""
    start = time.monotonic()
    delay = first
    while True:
        elapsed = time.monotonic() - start
        yield elapsed
        if elapsed >= timeout:
            return
        time.sleep(min(delay, max(0.0, timeout - elapsed)))
        delay = min(delay * factor, cap)


def wait_until(
    probe: Callable[[], bool],
    timeout: float,
    *,
    give_up: Callable[[], bool] = lambda: False,
) -> bool:
    """True as soon as `probe()` holds; False on timeout or when `give_up()` says stop."""
    for _ in backoff(timeout):
        if probe():
            return True
        if give_up():
            return False
    return False
