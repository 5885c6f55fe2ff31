"""The end-of-run terminal table: a title, a header, then per image a row and its checks."""

from __future__ import annotations

import textwrap

from .cells import (
    baseline_change,
    budget_bar,
    build_cell,
    counts_title,
    go_cell,
    over_budget,
    size_cell,
    static_cell,
)
from .names import distinct_names
from .records import BAD_OUTCOMES, ERROR, FAILED, PASSED, SKIPPED, ImageRecord

_GREEN, _RED, _YELLOW, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"
_CHECK_WORD = {PASSED: "ok", FAILED: "FAIL", SKIPPED: "skip", ERROR: "ERR"}
_STATUS = {PASSED: ("PASS", _GREEN), FAILED: ("FAIL", _RED), SKIPPED: ("SKIP", _YELLOW)}
_CHECK_COLOR = {PASSED: _GREEN, FAILED: _RED, SKIPPED: _YELLOW, ERROR: _RED}
_DOCKERFILE_MIN = 12
_GAP = "  "

# A line is a list of segments (text, ANSI code or None); widths are counted on the text
# alone, so escape codes never take part in the layout.
_Segment = tuple[str, str | None]


def _render(segments: list[_Segment], width: int, color: bool) -> str:
    """Join segments, cutting at `width` visible characters (a last resort for tiny widths)."""
    total = sum(len(text) for text, _ in segments)
    room = width if total <= width else max(width - 1, 0)
    parts: list[str] = []
    for text, code in segments:
        if room <= 0:
            break
        text = text[:room]
        room -= len(text)
        parts.append(f"{code}{text}{_RESET}" if color and code and text else text)
    if total > width and width > 0:
        parts.append("…")
    return "".join(parts).rstrip(" ")


def _cell(text: str, width: int, code: str | None, *, right: bool = False) -> list[_Segment]:
    pad = " " * max(width - len(text), 0)
    return [(pad, None), (text, code)] if right else [(text, code), (pad, None)]


def summary_lines(
    images: list[ImageRecord], *, width: int = 100, color: bool = False, interrupted: bool = False
) -> list[str]:
    """The end-of-run table: a title, a header, then per image a row and its checks.

    Each line fits `width` visible characters. Without `color` the text is plain ASCII apart
    from the `…` that shortens long Dockerfile paths.
    """
    # The title wraps rather than lose its counts at narrow widths.
    title = textwrap.wrap(f"goimage summary: {counts_title(images, interrupted)}", max(width, 20))
    if not images:
        return [_render([(line, None)], width, False) for line in title]

    status = [_STATUS[image.outcome] for image in images]

    def size_code(image: ImageRecord) -> str | None:
        size = image.checks.get("size")
        bad = over_budget(image) or (size is not None and size.outcome in BAD_OUTCOMES)
        return _RED if bad else None

    def check_code(image: ImageRecord, name: str) -> str | None:
        check = image.checks.get(name)
        return _RED if check is not None and check.outcome in BAD_OUTCOMES else None

    def static_code(image: ImageRecord) -> str | None:
        return {"yes": _GREEN, "-": None}.get(static_cell(image), _RED)

    def bar_code(image: ImageRecord) -> str | None:
        return None if image.size_bytes is None else size_code(image) or _GREEN

    def base_code(image: ImageRecord) -> str | None:
        return None if baseline_change(image) == "-" else size_code(image)

    # (header, cells, right-aligned); the Dockerfile column takes whatever width is left.
    columns: list[tuple[str, list[tuple[str, str | None]], bool]] = [
        ("build", [(build_cell(i), None) for i in images], True),
        ("size/budget", [(size_cell(i), size_code(i)) for i in images], True),
        ("used", [(budget_bar(i), bar_code(i)) for i in images], False),
        ("vs base", [(baseline_change(i), base_code(i)) for i in images], True),
        ("go", [(go_cell(i), check_code(i, "go-version")) for i in images], False),
        ("static", [(static_cell(i), static_code(i)) for i in images], False),
    ]
    status_width = 4
    natural = max(len("dockerfile"), *(len(image.dockerfile) for image in images))

    def layout() -> tuple[list[int], int]:
        widths = [max(len(head), *(len(text) for text, _ in cells)) for head, cells, _ in columns]
        fixed = status_width + sum(w + len(_GAP) for w in widths) + len(_GAP)
        return widths, min(natural, max(width - fixed, _DOCKERFILE_MIN))

    widths, df_width = layout()
    if status_width + len(_GAP) + df_width + sum(w + len(_GAP) for w in widths) > width:
        # The bar repeats what size/budget says in digits, so it is the first thing to go.
        columns = [column for column in columns if column[0] != "used"]
        widths, df_width = layout()
    if df_width < natural and all(baseline_change(i) == "-" for i in images):
        # No image has a baseline: a column of dashes gives its room to the names.
        columns = [column for column in columns if column[0] != "vs base"]
        widths, df_width = layout()

    header: list[_Segment] = [(" " * status_width, None), (_GAP, None)]
    header += _cell("dockerfile", df_width, None)
    for (head, _, right), col_width in zip(columns, widths, strict=True):
        header += [(_GAP, None), *_cell(head, col_width, None, right=right)]
    lines = [_render([(line, None)], width, False) for line in title]
    lines.append(_render(header, width, False))

    indent = status_width + len(_GAP)
    names = distinct_names([image.dockerfile for image in images], df_width)
    for row, image in enumerate(images):
        segments: list[_Segment] = [status[row], (_GAP, None)]
        segments += _cell(names[row], df_width, None)
        for (_, cells, right), col_width in zip(columns, widths, strict=True):
            text, code = cells[row]
            segments += [(_GAP, None), *_cell(text, col_width, code, right=right)]
        lines.append(_render(segments, width, color))
        lines += _check_lines(image, indent, width, color)
    return lines


def _check_lines(image: ImageRecord, indent: int, width: int, color: bool) -> list[str]:
    """`name:ok  name:FAIL ...` under the Dockerfile column, wrapped to `width`."""
    lines: list[str] = []
    current: list[_Segment] = []
    used = indent
    for name, check in image.checks.items():
        token = f"{name}:{_CHECK_WORD.get(check.outcome, check.outcome)}"
        need = len(token) + (len(_GAP) if current else 0)
        if current and used + need > width:
            lines.append(_render([(" " * indent, None), *current], width, color))
            current, used = [], indent
            need = len(token)
        if current:
            current.append((_GAP, None))
        current.append((token, _CHECK_COLOR.get(check.outcome)))
        used += need
    if current:
        lines.append(_render([(" " * indent, None), *current], width, color))
    return lines
