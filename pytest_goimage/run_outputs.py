"""The files a run writes into the checkout itself (its JSON report, JUnit file, SBOM folder and
pytest's log file): the report's `git` field and `provenance` do not count them as the team's
changes, as a CI job's clean checkout would not have them either."""

from __future__ import annotations

from pathlib import Path

import pytest


def run_outputs(config: pytest.Config, *, sbom: bool = True) -> list[Path]:
    """The paths given for --goimage-report, --goimage-sbom (unless not `sbom`), --junitxml and
    pytest's `log_file` (option or ini), from the folder pytest started in, as pytest opens
    them."""
    given = [config.getoption("goimage_report", None)]
    given.append(config.getoption("goimage_sbom", None) if sbom else None)
    given.append(getattr(config.option, "xmlpath", None))
    given.append(config.getoption("log_file", None) or config.getini("log_file"))
    start = config.invocation_params.dir
    return [start / path for path in given if path]
