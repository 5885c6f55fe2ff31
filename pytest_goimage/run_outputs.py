"""The files a run writes into the checkout itself (its JSON report, JUnit file, SBOM folder and
pytest's log file): the report's `git` field and `provenance` do not count them as the team's
changes, as a CI job's clean checkout would not have them either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def run_outputs(config: pytest.Config, *, sbom: bool = True) -> list[Path]:
    """The paths given for --goimage-report, --goimage-sbom (unless not `sbom`) and
    --junitxml, from the folder pytest started in, and the log file pytest's logging plugin
    writes (`log_file`, `--log-file`), as it opened it."""
    given = [config.getoption("goimage_report", None)]
    given.append(config.getoption("goimage_sbom", None) if sbom else None)
    given.append(getattr(config.option, "xmlpath", None))
    start = config.invocation_params.dir
    return [start / path for path in given if path] + _log_file(config)


def _log_file(config: pytest.Config) -> list[Path]:
    """The logging plugin's file, none where it writes none or is off (`-p no:logging`, where
    the `log_file` setting does not exist at all)."""
    plugin = config.pluginmanager.get_plugin("logging-plugin")
    handler = getattr(plugin, "log_file_handler", None)
    name = getattr(handler, "baseFilename", None)  # absolute: logging.FileHandler made it so
    if not isinstance(name, str) or name == os.path.abspath(os.devnull):
        return []
    return [Path(name)]
