"""The run's results as data: the JSON report, the terminal summary, Markdown and JUnit properties.

Pure functions over records the plugin fills in; no Docker and no pytest hooks here. The JSON
shape is a public contract (SPEC "JSON report"): change it only by adding fields.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..gofacts.secrets_scan import redact, redact_all
from ..gofacts.units import format_size

SCHEMA_ID = "pytest-goimage/v1"
SCHEMA_RESOURCE = "report.schema.json"

PASSED = "passed"
FAILED = "failed"
SKIPPED = "skipped"
ERROR = "error"
CHECK_OUTCOMES = (PASSED, FAILED, SKIPPED, ERROR)
_BAD = frozenset({FAILED, ERROR})
NOT_RUN_DESELECTED = "not run: deselected (-k/-m)"
NOT_RUN_UNNAMED = "not run: not named on the command line"  # `pytest --goimage X::static`


@dataclass
class CheckRecord:
    """One built-in check's result for one image."""

    outcome: str  # passed | failed | skipped | error
    message: str = ""
    seconds: float = 0.0


@dataclass
class ImageRecord:
    """Everything the report says about one configured Dockerfile."""

    dockerfile: str  # as configured, relative to `project`
    context: str
    tag: str | None = None
    image_id: str | None = None
    size_bytes: int | None = None
    build_seconds: float | None = None
    build_cached: bool | None = None  # every build step came from the cache
    go_version: str | None = None
    static: bool | None = None
    go_binary: bool | None = None  # False: the image runs no Go program (Go checks skipped)
    size_budget: int = 0
    baseline_bytes: int | None = None
    # Keyed by check name in the order the checks ran (go-version, tracked, build, ...).
    checks: dict[str, CheckRecord] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when any check failed or errored; skips alone do not fail an image."""
        return any(check.outcome in _BAD for check in self.checks.values())

    @property
    def outcome(self) -> str:
        """failed, passed when a check passed and none failed, else skipped: an image whose
        checks were all deselected or skipped was not checked and must not read as passed."""
        if self.failed:
            return FAILED
        return PASSED if any(c.outcome == PASSED for c in self.checks.values()) else SKIPPED

    @property
    def deselected(self) -> int:
        left_out = (NOT_RUN_DESELECTED, NOT_RUN_UNNAMED)
        return sum(1 for c in self.checks.values() if c.message in left_out)


# --- JSON report ---------------------------------------------------------------------------


def _seconds(value: float) -> float:
    # NaN/inf would make json.dumps emit invalid JSON; a clock quirk must not break the report.
    if not math.isfinite(value) or value < 0:
        return 0.0
    return round(value, 3)


def _image_dict(image: ImageRecord) -> dict[str, Any]:
    build_seconds = None if image.build_seconds is None else _seconds(image.build_seconds)
    return {
        # The SPEC keys first, in the SPEC's order, so the file reads like the documentation.
        "dockerfile": image.dockerfile,
        "context": image.context,
        "tag": image.tag,
        "image_id": image.image_id,
        "size_bytes": image.size_bytes,
        "build_seconds": build_seconds,
        "go_version": image.go_version,
        "checks": {
            name: {
                "outcome": check.outcome,
                "message": check.message,
                "seconds": _seconds(check.seconds),
            }
            for name, check in image.checks.items()
        },
        # Additive fields beyond the SPEC.
        "outcome": image.outcome,
        "build_cached": image.build_cached,
        "static": image.static,
        "size_budget_bytes": image.size_budget,
        "baseline_bytes": image.baseline_bytes,
    }


def verified(images: Sequence[ImageRecord]) -> bool:
    """Whether any image had a check pass: with none (none ran, or all were skipped) nothing
    was verified, and the report must not say passed."""
    return any(c.outcome == PASSED for image in images for c in image.checks.values())


def build_report(
    images: list[ImageRecord],
    *,
    interrupted: bool = False,
    failed_tests: Sequence[str] = (),
    secrets: Collection[str] = (),
) -> dict[str, Any]:
    """The `--goimage-report` document: `failed` when any check failed or errored, when no
    check passed (none ran, or all were skipped), when the run was interrupted (then also `"interrupted": true`), or
    when other tests of the run failed (listed in `failed_tests`). Every string in it is
    masked (`secrets` and known token formats)."""
    for image in images:
        for name, check in image.checks.items():
            if check.outcome not in CHECK_OUTCOMES:
                raise ValueError(
                    f"{image.dockerfile}::{name}: outcome {check.outcome!r} is not one of "
                    f"{', '.join(CHECK_OUTCOMES)}"
                )
    failed = (
        interrupted or bool(failed_tests) or not verified(images) or any(i.failed for i in images)
    )
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "outcome": FAILED if failed else PASSED,
    }
    if interrupted:
        report["interrupted"] = True
    if failed_tests:
        report["failed_tests"] = list(failed_tests)
    report["images"] = [_image_dict(image) for image in images]
    masked: dict[str, Any] = redact_all(report, secrets)
    return masked


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write `report` as UTF-8 JSON so that readers only ever see a complete file."""
    text = json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same directory, so os.replace is a rename within one filesystem; os.open with 0o666
    # lets the umask give the file the mode a plain open() would have.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; directories cannot be opened this way on Windows.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_schema() -> dict[str, Any]:
    """The report's JSON Schema (draft 2020-12), as shipped inside the package."""
    text = resources.files("pytest_goimage.report").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# --- shared cell formatting ----------------------------------------------------------------

BAR_SLOTS = 10


def _format_seconds(seconds: float) -> str:
    if seconds >= 100:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes}m{rest:02d}s"
    return f"{seconds:.1f}s"


def _build_cell(image: ImageRecord) -> str:
    text = "-" if image.build_seconds is None else _format_seconds(image.build_seconds)
    if image.build_cached:
        text = "cached" if image.build_seconds is None else f"{text} cached"
    return text


def _over_budget(image: ImageRecord) -> bool:
    return image.size_bytes is not None and image.size_bytes > image.size_budget


def _size_cell(image: ImageRecord, sep: str = "/") -> str:
    size = "-" if image.size_bytes is None else format_size(image.size_bytes)
    return f"{size}{sep}{format_size(image.size_budget)}"


def _baseline_change(image: ImageRecord) -> str:
    if image.size_bytes is None or not image.baseline_bytes:
        return "-"
    change = (image.size_bytes - image.baseline_bytes) / image.baseline_bytes * 100
    return f"{change:+.1f}%"


def _budget_bar(image: ImageRecord) -> str:
    """`[#####-----]` for half the budget; full and flagged with `!` when over it."""
    if image.size_bytes is None:
        return "[" + " " * BAR_SLOTS + "]"
    if _over_budget(image):
        return "[" + "#" * BAR_SLOTS + "]!"
    share = image.size_bytes / image.size_budget if image.size_budget > 0 else 0.0
    filled = min(BAR_SLOTS, round(BAR_SLOTS * share))
    return "[" + "#" * filled + "-" * (BAR_SLOTS - filled) + "]"


def _go_cell(image: ImageRecord) -> str:
    return image.go_version or ("no Go binary" if image.go_binary is False else "-")


def _static_cell(image: ImageRecord) -> str:
    return {True: "yes", False: "no", None: "-"}[image.static]


def _first_line(message: str) -> str:
    lines = message.strip().splitlines()
    return lines[0].strip() if lines else "(no message)"


def _counts_title(images: list[ImageRecord], interrupted: bool = False) -> str:
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


# --- terminal summary ----------------------------------------------------------------------

_GREEN, _RED, _YELLOW, _RESET = "\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[0m"
_CHECK_WORD = {PASSED: "ok", FAILED: "FAIL", SKIPPED: "skip", ERROR: "ERR"}
_STATUS = {PASSED: ("PASS", _GREEN), FAILED: ("FAIL", _RED), SKIPPED: ("SKIP", _YELLOW)}
_CHECK_COLOR = {PASSED: _GREEN, FAILED: _RED, SKIPPED: _YELLOW, ERROR: _RED}
_DOCKERFILE_MIN = 12
_GAP = "  "

# A line is a list of segments (text, ANSI code or None); widths are counted on the text
# alone, so escape codes never take part in the layout.
_Segment = tuple[str, str | None]


def _middle_ellipsis(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    # The file name says most about which image this is, so the tail keeps it when it can.
    room = width - 1
    base = text.rsplit("/", 1)[-1]
    tail = max(room - room // 2, min(len(base), room - min(8, room // 3)))
    head = room - tail
    return text[:head] + "…" + text[len(text) - tail :]


def _distinct_names(names: list[str], width: int) -> list[str]:
    """Each name within `width` characters, shortened with `…` so that names stay apart.

    A long name that shares its first folder or its file name with another (`scripts/…`,
    `…/Dockerfile`) shows the path part that tells it from the most alike one
    (`…/payments-api/…/Dockerfile`) whenever the usual middle cut would hide that part;
    names cut alike always do. Such names share one form where one form fits them all."""
    short = [_middle_ellipsis(name, width) for name in names]
    helped: dict[int, list[str | None]] = {}
    for index, name in enumerate(names):
        if len(name) <= width:
            continue
        others = [other for other in names if other != name]
        alike = [o for o in others if _first(o) == _first(name) or _base(o) == _base(name)]
        collides = any(short[names.index(o)] == short[index] for o in others)
        # A cut that shows where the differing part starts tells the names apart well enough.
        shown = _differing_part(name, alike)[:4] in short[index] if alike else True
        if collides or not shown:
            helped[index] = _around_difference(name, alike or others, width)
    # The most telling form that fits every helped name (the last one always fits).
    form = next(f for f in range(len(_FORMS)) if all(forms[f] for forms in helped.values()))
    for index, forms in helped.items():
        short[index] = forms[form] or short[index]
    return short


def _first(name: str) -> str:
    return name.split("/", 1)[0]


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _common_prefix(a: str, b: str) -> int:
    pairs = zip(a, b, strict=False)
    return next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(a), len(b)))


def _difference(name: str, others: list[str]) -> tuple[int, int, int]:
    """Where `name` differs from the most alike of `others`: the first differing character,
    and the start and end of the path components the difference spans."""
    first = min(max(_common_prefix(name, o) for o in others), len(name) - 1)
    tail = max(_common_prefix(name[::-1], o[::-1]) for o in others)
    last = max(len(name) - tail, first + 1)
    start = name.rfind("/", 0, first) + 1
    # `last` is just past the last differing character, which may be the `/` ending a folder.
    end = name.find("/", last - 1)
    return first, start, len(name) if end < 0 else end


def _differing_part(name: str, others: list[str]) -> str:
    _, start, end = _difference(name, others)
    return name[start:end]


# The shortened forms, most telling first: the path from the differing part on (with as much
# of the head as fits), that part and the file name, then the characters from the first
# difference on.
_FORMS = ("from-part", "part-and-base", "part…base", "difference…base", "difference")


def _around_difference(name: str, others: list[str], width: int) -> list[str | None]:
    """`name` in each of `_FORMS` (None where a form does not fit `width` or does not apply)."""
    first, start, end = _difference(name, others)
    base = _base(name)
    part = name[start:end]
    head = width - 1 - (len(name) - start)
    inner = end < len(name) - len(base)  # the difference is in a folder, not the file name
    window = name[first:end][: max(width - 2 - len(base), 3)]
    forms: list[str | None] = [
        name[:head] + "…" + name[start:] if head >= 0 else None,
        f"…/{part}/…/{base}" if inner else None,
        f"…{part}…{base}" if inner else None,
        f"…{window}…{base}" if inner else None,
        "…" + name[first:][: width - 1],
    ]
    return [form if form is not None and len(form) <= width else None for form in forms]


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
    title = textwrap.wrap(f"goimage summary: {_counts_title(images, interrupted)}", max(width, 20))
    if not images:
        return [_render([(line, None)], width, False) for line in title]

    status = [_STATUS[image.outcome] for image in images]

    def size_code(image: ImageRecord) -> str | None:
        size = image.checks.get("size")
        bad = _over_budget(image) or (size is not None and size.outcome in _BAD)
        return _RED if bad else None

    def check_code(image: ImageRecord, name: str) -> str | None:
        check = image.checks.get(name)
        return _RED if check is not None and check.outcome in _BAD else None

    def static_code(image: ImageRecord) -> str | None:
        return {True: _GREEN, False: _RED, None: None}[image.static]

    def bar_code(image: ImageRecord) -> str | None:
        return None if image.size_bytes is None else size_code(image) or _GREEN

    def base_code(image: ImageRecord) -> str | None:
        return None if _baseline_change(image) == "-" else size_code(image)

    # (header, cells, right-aligned); the Dockerfile column takes whatever width is left.
    columns: list[tuple[str, list[tuple[str, str | None]], bool]] = [
        ("build", [(_build_cell(i), None) for i in images], True),
        ("size/budget", [(_size_cell(i), size_code(i)) for i in images], True),
        ("used", [(_budget_bar(i), bar_code(i)) for i in images], False),
        ("vs base", [(_baseline_change(i), base_code(i)) for i in images], True),
        ("go", [(_go_cell(i), check_code(i, "go-version")) for i in images], False),
        ("static", [(_static_cell(i), static_code(i)) for i in images], False),
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

    header: list[_Segment] = [(" " * status_width, None), (_GAP, None)]
    header += _cell("dockerfile", df_width, None)
    for (head, _, right), col_width in zip(columns, widths, strict=True):
        header += [(_GAP, None), *_cell(head, col_width, None, right=right)]
    lines = [_render([(line, None)], width, False) for line in title]
    lines.append(_render(header, width, False))

    indent = status_width + len(_GAP)
    names = _distinct_names([image.dockerfile for image in images], df_width)
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


# --- Markdown (GitHub step summary) --------------------------------------------------------

_EMOJI = {PASSED: "✅", FAILED: "❌", SKIPPED: "⏭️", ERROR: "⚠️"}


def _md_code(text: str) -> str:
    """An inline code span that survives backticks and table pipes inside `text`."""
    text = text.replace("|", "\\|")
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_summary(
    images: list[ImageRecord],
    failed_tests: Sequence[str] = (),
    interrupted: bool = False,
    secrets: Collection[str] = (),
) -> str:
    """The summary table as GitHub-flavoured Markdown, failures listed below it, with
    `secrets` and known token formats masked."""
    out = ["### pytest-goimage", "", f"**{_counts_title(images, interrupted)}**", ""]
    if images:
        out += [
            "| | Dockerfile | Build | Size / budget | vs baseline | Go | Static | Checks |",
            "| --- | --- | ---: | ---: | ---: | --- | --- | --- |",
        ]
    failures: list[str] = []
    for image in images:
        mark = _EMOJI[image.outcome]
        size = _size_cell(image, " / ")
        if image.size_bytes is not None and image.size_budget > 0:
            share = round(image.size_bytes / image.size_budget * 100)
            size += f" ({share}%{', over budget' if _over_budget(image) else ''})"
        checks = " ".join(
            f"{_EMOJI.get(check.outcome, '❔')} {name}" for name, check in image.checks.items()
        )
        cells = [
            mark,
            _md_code(image.dockerfile),
            _build_cell(image),
            size,
            _baseline_change(image),
            _go_cell(image),
            _static_cell(image),
            checks or "-",
        ]
        out.append("| " + " | ".join(cells) + " |")
        for name, check in image.checks.items():
            if check.outcome in _BAD:
                failures.append(
                    f"- {_EMOJI[check.outcome]} {_md_code(image.dockerfile)} **{name}** "
                    f"({check.outcome}): {_md_code(_first_line(redact(check.message, secrets)))}"
                )
    failures += [
        f"- {_EMOJI[FAILED]} test {_md_code(redact(test, secrets))} failed" for test in failed_tests
    ]
    if failures:
        out += ["", "**Failures**", "", *failures]
    return "\n".join(out) + "\n"


# --- JUnit ---------------------------------------------------------------------------------


def junit_properties(image: ImageRecord) -> list[tuple[str, str]]:
    """`record_property`-style pairs for the image's test cases; unknown values are left out."""
    props = [("image", image.tag or image.dockerfile)]
    if image.size_bytes is not None:
        props.append(("size_bytes", str(image.size_bytes)))
    if image.go_version:
        props.append(("go_version", image.go_version))
    if image.build_seconds is not None:
        props.append(("build_seconds", str(_seconds(image.build_seconds))))
    return props
