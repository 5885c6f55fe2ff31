"""Collect the built-in checks' outcomes (also from xdist workers) into report records.

Image facts travel as the items' `user_properties`, which pytest ships from workers to the
controller and writes into JUnit XML as properties, so one mechanism serves both.
"""

from __future__ import annotations

from typing import Any

import pytest

from .config import GoImageConfig
from .report import CheckRecord, ImageRecord

PROP_DOCKERFILE = "dockerfile"
PROP_CHECK = "check"
FACT_KEYS = (
    "image",
    "image_id",
    "size_bytes",
    "go_version",
    "build_seconds",
    "build_cached",
    "static",
    "baseline_bytes",
)


class RunResults:
    """Per image, the facts and each check's outcome as reported."""

    def __init__(self, config: GoImageConfig) -> None:
        self.config = config
        self.images: dict[str, ImageRecord] = {}

    def record(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        dockerfile, check = props.get(PROP_DOCKERFILE), props.get(PROP_CHECK)
        if not isinstance(dockerfile, str) or not isinstance(check, str):
            return
        # Setup and teardown reports only matter when they fail (or skip the call).
        if report.when != "call" and report.passed:
            return
        image = self._image(dockerfile)
        _apply_facts(image, props)
        outcome = _outcome(report)
        previous = image.checks.get(check)
        if previous is not None and previous.outcome in ("failed", "error"):
            return  # a teardown error must not hide the call's failure
        image.checks[check] = CheckRecord(
            outcome=outcome, message=_message(report), seconds=round(report.duration, 3)
        )

    def _image(self, dockerfile: str) -> ImageRecord:
        if dockerfile not in self.images:
            configured = self.config.image(dockerfile)
            self.images[dockerfile] = ImageRecord(
                dockerfile=dockerfile,
                context=configured.context,
                size_budget=configured.size_budget,
            )
        return self.images[dockerfile]

    def records(self) -> list[ImageRecord]:
        """In configuration order."""
        order = [image.dockerfile for image in self.config.images]
        return [self.images[d] for d in order if d in self.images]


def _apply_facts(image: ImageRecord, props: dict[str, Any]) -> None:
    if "image" in props:
        image.tag = str(props["image"])
    if "image_id" in props:
        image.image_id = str(props["image_id"])
    if "size_bytes" in props:
        image.size_bytes = int(props["size_bytes"])
    if "go_version" in props:
        image.go_version = str(props["go_version"])
    if "build_seconds" in props:
        image.build_seconds = float(props["build_seconds"])
    if "build_cached" in props:
        image.build_cached = bool(props["build_cached"])
    if "static" in props:
        image.static = bool(props["static"])
    if "baseline_bytes" in props:
        image.baseline_bytes = int(props["baseline_bytes"])


def _outcome(report: pytest.TestReport) -> str:
    if report.when != "call" and report.failed:
        return "error"
    return str(report.outcome)


def _message(report: pytest.TestReport) -> str:
    if report.passed:
        return ""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext.strip()
