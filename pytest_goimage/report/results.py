"""Collect the built-in checks' outcomes (also from xdist workers) into report records.

Image facts (`ImageFacts`) travel as the items' `user_properties`, which pytest ships from
workers to the controller and writes into JUnit XML as properties, so one mechanism serves both.
Every report leaves masked (masking.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Sequence

import pytest

from ..config import GoImageConfig
from ..run_secrets import run_secrets
from .masking import config_secrets
from .records import (
    BAD_OUTCOMES,
    CHECK_OUTCOMES,
    ERROR,
    NOT_RUN_DESELECTED,
    PROP_CHECK,
    PROP_DOCKERFILE,
    PROP_IMAGE_OUTCOME,
    PROP_MESSAGE,
    PROP_SCOPE,
    REPOSITORY,
    REPOSITORY_NODE,
    SKIPPED,
    CheckRecord,
    ImageRecord,
    Outcome,
)


def check_node_id(dockerfile: str, check: str, repository_checks: Collection[str]) -> str:
    """`<dockerfile>::<check>`, or `goimage::<check>` for a check of the repository."""
    return f"{REPOSITORY_NODE if check in repository_checks else dockerfile}::{check}"


class RunResults:
    """Per image, the facts and each check's outcome as reported.

    A repository check (`goimage::parity`) has one outcome for the whole run: it is recorded
    under every configured image, so that each image's `checks` (what v1 readers of the JSON
    report look at) and the run's outcome carry it."""

    def __init__(self, config: GoImageConfig, repository_checks: Iterable[str] = ()) -> None:
        self.config = config
        self.repository_checks = frozenset(repository_checks)
        self.images: dict[str, ImageRecord] = {}
        self._config_secrets = config_secrets(config)

    @property
    def secrets(self) -> frozenset[str]:
        """What every rendering of the records masks: the configuration's secret values and
        those the run made since (run_secrets)."""
        return self._config_secrets | run_secrets()

    def record(self, report: pytest.TestReport) -> None:
        props = dict(report.user_properties)
        dockerfile, check = props.get(PROP_DOCKERFILE), props.get(PROP_CHECK)
        if not isinstance(check, str):
            return
        if props.get(PROP_SCOPE) == REPOSITORY:
            targets = [image.dockerfile for image in self.config.images]
        elif isinstance(dockerfile, str):
            targets = [dockerfile]
        else:
            return
        # Setup and teardown reports only matter when they fail (or skip the call).
        if report.when != "call" and report.passed:
            return
        outcome = _outcome(report)
        message = str(props.get(PROP_MESSAGE, "")) if report.passed else _message(report)
        own = _image_outcomes(report) if report.when == "call" else {}
        for target in targets:
            image = self._image(target)
            if target == dockerfile:
                image.update_from(props)
            previous = image.checks.get(check)
            if previous is not None and previous.outcome in BAD_OUTCOMES:
                continue  # a teardown error must not hide the call's failure
            image.checks[check] = CheckRecord(
                *own.get(target, (outcome, message)), seconds=round(report.duration, 3)
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
        self, selected: set[str], check_names: Sequence[str], left_out: str = NOT_RUN_DESELECTED
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
                if check_node_id(dockerfile, check, self.repository_checks) in selected:
                    image.checks[check] = CheckRecord(
                        ERROR,
                        "not run: the run stopped before this check (interrupted, or -x/--maxfail)",
                    )
                else:
                    image.checks[check] = CheckRecord(SKIPPED, left_out)
            # Keep the order in which the checks run.
            image.checks = {c: image.checks[c] for c in check_names if c in image.checks}

    def records(self) -> list[ImageRecord]:
        """In configuration order."""
        order = [image.dockerfile for image in self.config.images]
        return [self.images[d] for d in order if d in self.images]


def _outcome(report: pytest.TestReport) -> Outcome:
    if report.when != "call" and report.failed:
        return ERROR
    return report.outcome  # pytest's own Literal: passed, failed or skipped


def _image_outcomes(report: pytest.TestReport) -> dict[str, tuple[Outcome, str]]:
    """PROP_IMAGE_OUTCOME properties: dockerfile -> (outcome, message)."""
    own: dict[str, tuple[Outcome, str]] = {}
    for name, value in report.user_properties:
        if name != PROP_IMAGE_OUTCOME or not isinstance(value, str):
            continue
        dockerfile, outcome, message = json.loads(value)
        if outcome in CHECK_OUTCOMES:
            own[dockerfile] = (outcome, message)
    return own


# The line pytest-xdist puts first in a worker's failure (`[gw1] linux -- Python 3.11.7 /...`):
# where it ran, not what failed (trial 19: a gate reading `message` got it as its first line).
_XDIST_WORKER_LINE = re.compile(r"\A\[gw\d+\] [^\n]* -- Python [^\n]*\n")


def _message(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return _XDIST_WORKER_LINE.sub("", report.longreprtext.strip()).strip()
