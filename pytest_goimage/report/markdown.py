"""The summary as GitHub-flavoured Markdown, for the GitHub Actions step summary."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..gofacts.redaction import redact
from .cells import (
    baseline_change,
    build_cell,
    counts_title,
    first_line,
    go_cell,
    over_budget,
    size_cell,
    static_cell,
)
from .records import BAD_OUTCOMES, ERROR, FAILED, PASSED, SKIPPED, ImageRecord

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
    out = ["### pytest-goimage", "", f"**{counts_title(images, interrupted)}**", ""]
    if images:
        out += [
            "| | Dockerfile | Build | Size / budget | vs baseline | Go | Static | Checks |",
            "| --- | --- | ---: | ---: | ---: | --- | --- | --- |",
        ]
    failures: list[str] = []
    for image in images:
        mark = _EMOJI[image.outcome]
        size = size_cell(image, " / ")
        if image.size_bytes is not None and image.size_budget > 0:
            share = round(image.size_bytes / image.size_budget * 100)
            size += f" ({share}%{', over budget' if over_budget(image) else ''})"
        checks = " ".join(
            f"{_EMOJI.get(check.outcome, '❔')} {name}" for name, check in image.checks.items()
        )
        cells = [
            mark,
            _md_code(image.dockerfile),
            build_cell(image),
            size,
            baseline_change(image),
            go_cell(image),
            static_cell(image),
            checks or "-",
        ]
        out.append("| " + " | ".join(cells) + " |")
        for name, check in image.checks.items():
            if check.outcome in BAD_OUTCOMES:
                failures.append(
                    f"- {_EMOJI[check.outcome]} {_md_code(image.dockerfile)} **{name}** "
                    f"({check.outcome}): {_md_code(first_line(redact(check.message, secrets)))}"
                )
    failures += [
        f"- {_EMOJI[FAILED]} test {_md_code(redact(test, secrets))} failed" for test in failed_tests
    ]
    if failures:
        out += ["", "**Failures**", "", *failures]
    return "\n".join(out) + "\n"
