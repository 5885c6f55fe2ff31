"""What pytest writes outside the test reports, masked like them: live logs (`log_cli`), the
log file (`--log-file`) and the warnings summary; and a report's captured log as it is
formatted.

pytest prints a live log record as it is emitted and keeps a warning apart from the report of
the test that raised it, so masking the reports (masking.py) never sees either. The records,
`caplog` and the warnings a test catches itself stay as they are: they are the test's own data.
"""

from __future__ import annotations

import copy
import linecache
import logging
import warnings
from collections.abc import Callable, Collection
from typing import Any

import pytest


class OutputMasking:
    """Registered in a run that may be in a Go project; masks once the configuration says it
    is one. The secret values are worked out at the first record or warning, so a run that
    logs and warns nothing loads no masking."""

    def __init__(
        self, in_go_project: Callable[[], bool], secrets: Callable[[], Collection[str]]
    ) -> None:
        self._in_go_project = in_go_project
        self._secrets = secrets

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # First of the session-start hooks, inside the logging plugin's wrapper that attaches
        # the handlers: another plugin's or a conftest's session start is already masked.
        if self._in_go_project():
            mask_logs(session.config, self._secrets)

    @pytest.hookimpl(tryfirst=True)  # a historic hook: no wrapper, so the first impl
    def pytest_warning_recorded(self, warning_message: warnings.WarningMessage) -> None:
        # Before the terminal reporter keeps it and before xdist ships it to the controller.
        if self._in_go_project():
            mask_warning(warning_message, self._secrets())


class MaskingFormatter(logging.Formatter):
    """Formats with `inner` a copy of the record whose message is masked, then masks what it
    wrote (the traceback, the other fields). The message goes first because pytest's
    `--log-auto-indent` indents each of its lines, and an indented multi-line secret (a PEM
    key) would no longer match."""

    def __init__(self, inner: logging.Formatter, secrets: Callable[[], Collection[str]]) -> None:
        # No Formatter.__init__: its own style and formats would hide those of `inner`.
        self.inner = inner
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        from ..gofacts.redaction import redact

        secrets = self._secrets()
        message = record.getMessage()
        masked = redact(message, secrets)
        if masked != message:  # a copy: caplog and other handlers keep the record as logged
            # copy.copy, not makeLogRecord: that calls a conftest's record factory with no
            # name, and a factory that reads it would fail the test that logged.
            record = copy.copy(record)
            record.msg, record.args = masked, None
            record.__dict__.pop("message", None)  # a formatter before this one cached it
        return redact(self.inner.format(record), secrets)

    def __getattr__(self, name: str) -> Any:
        # What else code may ask of pytest's formatter (its level colours, its style); only
        # once `inner` is set (a copy looks attributes up before its __dict__ is filled).
        inner = self.__dict__.get("inner")
        if inner is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(inner, name)


def mask_logs(config: pytest.Config, secrets: Callable[[], Collection[str]]) -> None:
    """Wrap the formatters of the live log and of the log file. The file's is wrapped even
    without --log-file: a conftest may open one later (set_log_path keeps the formatter)."""
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    if logging_plugin is None:
        return  # `-p no:logging`: pytest writes no log
    handlers = (
        logging_plugin.log_cli_handler,
        logging_plugin.log_file_handler,
        # A failed test's "Captured log" section: the report's masking comes after the
        # formatter has indented a multi-line value (--log-auto-indent).
        logging_plugin.report_handler,
    )
    for handler in handlers:
        if handler.formatter is not None and not isinstance(handler.formatter, MaskingFormatter):
            handler.setFormatter(MaskingFormatter(handler.formatter, secrets))


def mask_warning(warning_message: warnings.WarningMessage, secrets: Collection[str]) -> None:
    """Mask the warning's text and the source line the summary prints under it."""
    from ..gofacts.redaction import redact

    text = str(warning_message.message)
    masked = redact(text, secrets)
    if masked != text:
        warning_message.message = _reworded(warning_message.message, masked)
    line = warning_message.line
    if line is None:  # what warnings.formatwarning would read
        line = linecache.getline(warning_message.filename, warning_message.lineno)
    masked_line = redact(line, secrets)
    if masked_line != line:
        warning_message.line = masked_line


def _reworded(message: Warning | str, text: str) -> Warning:
    """The same warning with `text` as its message; a UserWarning where its class makes its
    text some other way (the summary names the category from the record, not from this)."""
    if isinstance(message, Warning):
        try:
            # Without calling its __init__, whose arguments may be anything.
            reworded = BaseException.__new__(type(message))
            reworded.__dict__.update(vars(message))
            reworded.args = (text,)
            if str(reworded) == text:
                return reworded
        except Exception:  # a warning class of any make: the fallback below is safe
            pass
    return UserWarning(text)
