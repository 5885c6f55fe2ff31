"""Collect the built-in checks' outcomes (also from xdist workers) into report records.

Image facts travel as the items' `user_properties`, which pytest ships from workers to the
controller and writes into JUnit XML as properties, so one mechanism serves both.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import pytest

from ..config import GoImageConfig
from ..gofacts.secrets_scan import redact, redact_all, secret_values
from .records import NOT_RUN_DESELECTED, CheckRecord, ImageRecord

PROP_DOCKERFILE = "dockerfile"
PROP_CHECK = "check"
PROP_MESSAGE = "message"  # what a passed check checked (`/app: static, CGO_ENABLED=0, ...`)
# Report property -> (ImageRecord field, conversion); the properties also become JUnit's.
FACTS: dict[str, tuple[str, Callable[[Any], object]]] = {
    "image": ("tag", str),
    "image_id": ("image_id", str),
    "size_bytes": ("size_bytes", int),
    "go_version": ("go_version", str),
    "build_seconds": ("build_seconds", float),
    "build_cached": ("build_cached", bool),
    "static": ("static", bool),
    "go_binary": ("go_binary", bool),
    "baseline_bytes": ("baseline_bytes", int),
}


def config_secrets(config: GoImageConfig) -> frozenset[str]:
    """The secret-looking values of every image's build_args and env: masked in every output,
    whichever image's output shows them."""
    return secret_values(*(t for image in config.images for t in (image.build_args, image.env)))


def masked_report(
    config: pytest.Config, report: pytest.TestReport, secrets: Collection[str]
) -> pytest.TestReport:
    """`report` with its failure text, skip reason, captured sections and string properties
    passed through `redact`: what pytest prints, JUnit writes and xdist ships is masked.

    A traceback is masked through pytest's own (de)serialisation hooks, the ones xdist ships
    reports with, so it keeps its structure and colours; only one that holds a secret pays."""
    report.sections = [(title, redact(text, secrets)) for title, text in report.sections]
    report.user_properties = [
        (name, redact(value, secrets) if isinstance(value, str) else value)
        for name, value in report.user_properties
    ]
    longrepr = report.longrepr
    if longrepr is None:
        return report
    if isinstance(longrepr, str):
        report.longrepr = redact(longrepr, secrets)
        return report
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        path, line, reason = longrepr
        report.longrepr = (path, line, redact(reason, secrets))
        return report
    if redact(str(longrepr), secrets) == str(longrepr):
        return report
    data = config.hook.pytest_report_to_serializable(config=config, report=report)
    data["longrepr"] = redact_all(data["longrepr"], secrets)
    masked: pytest.TestReport = config.hook.pytest_report_from_serializable(
        config=config, data=data
    )
    return masked


def collect_only_note(selected: Collection[str], report_path: str | None) -> str:
    """What a `--collect-only` run says instead of a summary: how many checks it found, and
    that it wrote no report (a gate reading one fails, as it should: nothing was checked)."""
    images = {node_id.rsplit("::", 1)[0] for node_id in selected}
    counted = (
        f"{len(selected)} check{'s' if len(selected) != 1 else ''} of {len(images)} "
        f"image{'s' if len(images) != 1 else ''} collected"
    )
    written = f", so no JSON report was written to {report_path}" if report_path else ""
    return f"goimage: --collect-only ran no check ({counted}){written}"


class RunResults:
    """Per image, the facts and each check's outcome as reported."""

    def __init__(self, config: GoImageConfig) -> None:
        self.config = config
        self.images: dict[str, ImageRecord] = {}
        self.secrets = config_secrets(config)  # what every rendering of the records masks

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
        message = str(props.get(PROP_MESSAGE, "")) if report.passed else _message(report)
        image.checks[check] = CheckRecord(
            outcome=outcome, message=message, seconds=round(report.duration, 3)
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

    def account_for_unrun(
        self, selected: set[str], check_names: list[str], left_out: str = NOT_RUN_DESELECTED
    ) -> None:
        """Give every check of a reported image an outcome, so a report never looks complete
        when it is not: selected checks that never reported (the run was interrupted or
        stopped by -x) are errors; checks -k/-m deselected are skipped, saying so.

        `selected` holds the node ids (`<dockerfile>::<check>`) that were to run. Once any
        check was to run, every configured image is listed, also one -k left unchecked, and
        also when an interrupt came before the first check reported."""
        if not self.images and not selected:
            return  # no check was to run: the report says so by listing no image
        for configured in self.config.images:
            self._image(configured.dockerfile)
        for dockerfile, image in self.images.items():
            for check in check_names:
                if check in image.checks:
                    continue
                if f"{dockerfile}::{check}" in selected:
                    image.checks[check] = CheckRecord(
                        "error",
                        "not run: the run stopped before this check (interrupted, or -x/--maxfail)",
                    )
                else:
                    image.checks[check] = CheckRecord("skipped", left_out)
            # Keep the order in which the checks run.
            image.checks = {c: image.checks[c] for c in check_names if c in image.checks}

    def records(self) -> list[ImageRecord]:
        """In configuration order."""
        order = [image.dockerfile for image in self.config.images]
        return [self.images[d] for d in order if d in self.images]


def _apply_facts(image: ImageRecord, props: dict[str, Any]) -> None:
    for name, (attribute, convert) in FACTS.items():
        if name in props:
            setattr(image, attribute, convert(props[name]))


def _outcome(report: pytest.TestReport) -> str:
    if report.when != "call" and report.failed:
        return "error"
    return str(report.outcome)


def _message(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return report.longreprtext.strip()
