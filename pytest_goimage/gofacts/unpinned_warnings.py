"""Unpinned Go version pins as warnings: CI build calls that share one reason (every compose or
bake call where buildx is missing) are one warning that gives the reason once."""

from __future__ import annotations

from collections.abc import Sequence

from .versions import SOURCE_CI_BUILD, Pin, format_unpinned, shown_pin


def unpinned_groups(pins: Sequence[Pin]) -> list[list[Pin]]:
    """The unpinned pins in warnings: CI build calls that share one reason (every compose or
    bake call where buildx is missing) together, in order of their first; each other pin
    alone."""
    groups: list[list[Pin]] = []
    shared: dict[str, list[Pin]] = {}
    for pin in pins:
        if pin.source != SOURCE_CI_BUILD:
            groups.append([pin])
        elif pin.note in shared:
            shared[pin.note].append(pin)
        else:
            shared[pin.note] = [pin]
            groups.append(shared[pin.note])
    return groups


def format_unpinned_group(pins: Sequence[Pin]) -> str:
    """format_unpinned's line for one pin; for several that share a reason, the reason once and
    one line per call."""
    if len(pins) == 1:
        return format_unpinned(pins)
    calls = "\n".join(f"    {p.file}:{p.line}: {shown_pin(p)}" for p in pins)
    return f"{len(pins)} CI builds are not pinned, all for one reason: {pins[0].note}:\n{calls}"
