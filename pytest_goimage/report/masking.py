"""What every test report of a run in a Go project leaves masked: the secret-looking values of
the configuration and every value in a known secret format.

Apart from the results (results.py) because every xdist worker masks its own reports, and a
worker that the controller handed the secret values (config_loading.py) must not import the
configuration to do it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import TYPE_CHECKING

import pytest

from ..gofacts.redaction import redact, redact_all, secret_values
from .records import (
    NAME_PROPERTIES,
    PROP_CHECK,
    PROP_DOCKERFILE,
    PROP_IMAGE_OUTCOME,
    PROP_SCOPE,
)

if TYPE_CHECKING:
    from ..config import GoImageConfig


def config_secrets(config: GoImageConfig) -> frozenset[str]:
    """The secret-looking values of every image's build_args and env, and of its dependencies'
    env (a database password): masked in every output, whichever image's output shows them."""
    return secret_values(*config.value_tables())


def masked_report(
    config: pytest.Config, report: pytest.TestReport, secrets: Collection[str]
) -> pytest.TestReport:
    """`report` with its failure text, skip or xfail reason, captured sections and properties
    passed through `redact`: what pytest prints, JUnit writes and xdist ships is masked.

    A traceback is masked through pytest's own (de)serialisation hooks, the ones xdist ships
    reports with, so it keeps its structure and colours; only one that holds a secret pays."""
    report.sections = [(title, redact(text, secrets)) for title, text in report.sections]
    names = {name for name, _ in report.user_properties}
    # A built-in check's item (its check and its image or scope): its names stay.
    ours = PROP_CHECK in names and bool(names & {PROP_DOCKERFILE, PROP_SCOPE})
    report.user_properties = [
        (name, _masked_property(name, value, secrets, ours=ours))
        for name, value in report.user_properties
    ]
    if isinstance(getattr(report, "wasxfail", None), str):  # `-rx` prints it
        report.wasxfail = redact(report.wasxfail, secrets)
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


def _masked_property(
    name: str, value: object, secrets: Collection[str], *, ours: bool = True
) -> object:
    """A user property, masked as it is written: JUnit writes any value with str(), so a
    dict or an object whose text holds a secret becomes that text, masked. The strings in a
    dict, list or tuple are masked before str() escapes them (a secret with a newline).

    A built-in check's own names (its Dockerfile, check and scope) are the configuration's,
    not values, and stay as they are: a test password `local` must not turn
    `Dockerfile.localhost` into an image no configuration has (the results are keyed by
    them), nor its image's tag or SBOM file. Of an image outcome only its message is masked.
    A team's own test (not `ours`) has every property masked."""
    if ours and name in NAME_PROPERTIES and isinstance(value, str):
        return value
    if ours and name == PROP_IMAGE_OUTCOME and isinstance(value, str):
        try:
            dockerfile, outcome, message = json.loads(value)
        except (ValueError, TypeError):
            return redact(value, secrets)
        return json.dumps([dockerfile, outcome, redact(str(message), secrets)])
    if isinstance(value, str):
        return redact(value, secrets)
    text = str(value)
    try:
        structured = str(redact_all(value, secrets))
    except TypeError:  # a named tuple, which redact_all cannot rebuild
        structured = text
    masked = redact(structured, secrets)
    return value if masked == text else masked
