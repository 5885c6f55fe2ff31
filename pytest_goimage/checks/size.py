"""`size`: the image fits its budget and has not grown past the baseline's tolerance."""

from __future__ import annotations

import tarfile

import docker.errors

from ..config import ImageConfig
from ..engine.image import BuiltImage
from ..errors import CheckFailed
from ..gofacts.layers import wasted
from ..gofacts.redaction import secret_redactor
from ..gofacts.units import format_size
from ..report.baseline import baseline_size, read_baseline, update_baseline
from ..session import GoImageSession
from .base import require_image

TOP_LAYERS = 3


def run(session: GoImageSession, image: ImageConfig) -> str:
    built = require_image(session, image)
    if session.update_baseline:
        update_baseline(image.baseline, image.dockerfile, built.size)
    baseline = baseline_size(image)
    problems: list[str] = []
    # Each limit has its own remedy: a baseline moves with --goimage-update-baseline, a
    # budget only by editing it.
    remedies = ["shrink the image"]
    if built.size > image.size_budget:
        bytes_note = (
            f' (a size_budget without a unit counts bytes: write "{image.size_budget}MB" '
            "for megabytes)"
            if image.size_budget < 100_000  # no Go service image is that small
            else ""
        )
        problems.append(
            f"{format_size(built.size)} is over the size_budget of "
            f"{format_size(image.size_budget)}{bytes_note}"
        )
        remedies.append("raise size_budget in [tool.goimage]")
    if baseline is not None and not session.update_baseline:
        limit = baseline * (1 + image.size_tolerance)
        if built.size > limit:
            growth = (built.size - baseline) / baseline * 100 if baseline else float("inf")
            problems.append(
                f"{format_size(built.size)} grew {growth:+.1f}% over the baseline "
                f"{format_size(baseline)} in {image.baseline.name} (tolerance "
                f"{image.size_tolerance * 100:.0f}%)"
            )
            remedies.append("accept the new size with --goimage-update-baseline")
    if problems:
        advice = ", ".join(remedies[:-1]) + f" or {remedies[-1]}"
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} is too big: {'; '.join(problems)}.\n"
            f"{explain_size(session, built)}\n{advice[0].upper()}{advice[1:]}."
        )
    checked = f"{format_size(built.size)} of {format_size(image.size_budget)} budget"
    if session.update_baseline:
        return f"{checked}; baseline updated in {image.baseline.name}"
    if baseline is None:
        return f"{checked}; no baseline in {image.baseline.name}" + _stale_entries(session, image)
    change = (built.size - baseline) / baseline * 100 if baseline else 0.0
    return (
        f"{checked}; {change:+.1f}% against the baseline {format_size(baseline)} "
        f"(tolerance {image.size_tolerance * 100:.0f}%)"
    )


def _stale_entries(session: GoImageSession, image: ImageConfig) -> str:
    """The baseline's entries for Dockerfiles no configured image builds (renamed, removed):
    said where this image has none, so a reader sees why its growth went unchecked."""
    configured = {other.dockerfile for other in session.config.images}
    stale = sorted(set(read_baseline(image.baseline)) - configured)
    if not stale:
        return ""
    return (
        f" (it holds {', '.join(stale)}, which no configured image builds: renamed or removed? "
        "--goimage-update-baseline records this image and keeps the rest)"
    )


def explain_size(session: GoImageSession, built: BuiltImage) -> str:
    """The largest layers with the instruction that made each, and wasted bytes."""
    image = session.config.image(built.dockerfile)
    # An instruction carries the RUN's build arguments (`RUN |1 TOKEN=... /bin/sh -o pipefail
    # -c ...`): masked before it is cut short, or a cut secret would no longer match.
    redact = secret_redactor(image.build_args, image.env)
    lines = ["Largest layers:"]
    for layer in sorted(built.layers, key=lambda layer: -layer.size)[:TOP_LAYERS]:
        lines.append(f"    {format_size(layer.size):>9}  {redact(layer.label)[:110]}")
    try:
        files = built.layer_files()
    except (docker.errors.APIError, tarfile.TarError, OSError, ValueError) as exc:
        # The explanation is a bonus; the verdict stands without it.
        lines.append(f"(wasted space not computed: {exc})")
        return "\n".join(lines)
    waste = wasted(files)
    total = sum(w.size for w in waste)
    if total:
        lines.append(
            f"Wasted: {format_size(total)} in files that later layers delete or overwrite:"
        )
        # Filesystem layers are the history entries that made one (RUN, COPY and ADD always
        # do, if only an empty one), in order; where the counts agree, name the instruction
        # rather than a layer number.
        made = [
            layer.label
            for layer in built.layers
            if layer.size > 0 or layer.instruction.split(" ", 1)[0] in ("RUN", "COPY", "ADD")
        ]
        for item in waste[:TOP_LAYERS]:
            reason = item.reason
            if len(made) == len(files):  # item.later indexes `files`, so `made` too
                reason = f"{item.action} by `{redact(made[item.later])[:80]}`"
            lines.append(f"    {format_size(item.size):>9}  /{item.path} ({reason})")
    else:
        lines.append("Wasted: 0 B (no file is deleted or overwritten by a later layer)")
    return "\n".join(lines)
