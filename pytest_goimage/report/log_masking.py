"""Live logs (`log_cli`) and the log file (`--log-file`) masked like every report.

pytest prints a live log record as it is emitted, before any report holds it, so masking the
reports (masking.py) never sees it. Each of the logging plugin's two writers gets a formatter
that masks what the original formatter wrote; the records themselves stay as they are, so a
test that reads `caplog` sees what it logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection

import pytest


class MaskingFormatter(logging.Formatter):
    """Formats with `inner`, then masks: the secret values are worked out at the first record,
    so a run that logs nothing loads no masking."""

    def __init__(self, inner: logging.Formatter, secrets: Callable[[], Collection[str]]) -> None:
        super().__init__()
        self.inner = inner
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        from ..gofacts.secrets_scan import redact

        return redact(self.inner.format(record), self._secrets())


def mask_logs(config: pytest.Config, secrets: Callable[[], Collection[str]]) -> None:
    """Wrap the formatters of the live log and of the log file, where pytest writes them."""
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    if logging_plugin is None:
        return  # `-p no:logging`: pytest writes no log
    writers = [logging_plugin.log_cli_handler]  # a handler that drops all when log_cli is off
    if getattr(logging_plugin.log_file_handler, "baseFilename", os.devnull) != os.devnull:
        writers.append(logging_plugin.log_file_handler)  # devnull: no --log-file given
    for handler in writers:
        if handler.formatter is not None and not isinstance(handler.formatter, MaskingFormatter):
            handler.setFormatter(MaskingFormatter(handler.formatter, secrets))
