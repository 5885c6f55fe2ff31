"""The cells both summaries show (build time, size against budget and baseline, Go, static) and
their title line, formatted the same way for the terminal and for Markdown."""

from __future__ import annotations

import re

from ..gofacts.units import format_size
from .records import BAD_OUTCOMES, FAILED, PASSED, SKIPPED, WRONG_GOARCH, ImageRecord

BAR_SLOTS = 10
_WRONG_GOARCH = re.compile(WRONG_GOARCH.format(goarch=r"(\w+)", arch=r"\w+"))


def format_seconds(seconds: float) -> str:
    if seconds >= 100:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes}m{rest:02d}s"
    return f"{seconds:.1f}s"


def build_cell(image: ImageRecord) -> str:
    text = "-" if image.build_seconds is None else format_seconds(image.build_seconds)
    if image.build_cached:
        text = "cached" if image.build_seconds is None else f"{text} cached"
    return text


def over_budget(image: ImageRecord) -> bool:
    return image.size_bytes is not None and image.size_bytes > image.size_budget


def size_cell(image: ImageRecord, sep: str = "/") -> str:
    size = "-" if image.size_bytes is None else format_size(image.size_bytes)
    return f"{size}{sep}{format_size(image.size_budget)}"


def baseline_change(image: ImageRecord) -> str:
    if image.size_bytes is None or not image.baseline_bytes:
        return "-"
    change = (image.size_bytes - image.baseline_bytes) / image.baseline_bytes * 100
    return f"{change:+.1f}%"


def budget_bar(image: ImageRecord) -> str:
    """`[#####-----]` for half the budget; full and flagged with `!` when over it."""
    if image.size_bytes is None:
        return "[" + " " * BAR_SLOTS + "]"
    if over_budget(image):
        return "[" + "#" * BAR_SLOTS + "]!"
    share = image.size_bytes / image.size_budget if image.size_budget > 0 else 0.0
    filled = min(BAR_SLOTS, round(BAR_SLOTS * share))
    return "[" + "#" * filled + "-" * (BAR_SLOTS - filled) + "]"


def go_cell(image: ImageRecord) -> str:
    return image.go_version or ("no Go binary" if image.go_binary is False else "-")


def static_cell(image: ImageRecord) -> str:
    """yes, no (the binary is dynamic: the `static` fact), or the GOARCH of a static binary
    the static check failed because it was built for another CPU than the image's."""
    check = image.checks.get("static")
    if image.static and check is not None and check.outcome in BAD_OUTCOMES:
        wrong = _WRONG_GOARCH.search(check.message)
        if wrong:
            return wrong.group(1)
    return {True: "yes", False: "no", None: "-"}[image.static]


def first_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0].strip() if lines else "(no message)"


def counts_title(images: list[ImageRecord], interrupted: bool = False) -> str:
    outcomes = [image.outcome for image in images]
    noun = "image" if len(images) == 1 else "images"
    title = (
        f"{len(images)} {noun}, {outcomes.count(PASSED)} passed, {outcomes.count(FAILED)} failed"
    )
    if SKIPPED in outcomes:
        title += f", {outcomes.count(SKIPPED)} not checked"
    deselected = sum(image.deselected for image in images)
    if deselected:
        title += f" ({deselected} check{'s' if deselected != 1 else ''} deselected)"
    if interrupted:
        title += "; the run was interrupted (ERR: a check that did not finish)"
    return title
