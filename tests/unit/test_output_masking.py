"""What pytest writes outside the reports (report/output_masking.py): the pieces a run in a Go
project masks, on warning classes and formatters of any make."""

from __future__ import annotations

import copy
import logging
import warnings

import pytest
from _pytest import logging as _pytest_logging

from pytest_goimage.report.output_masking import MaskingFormatter, _reworded, mask_warning

SECRET = "postgres://app:s3cret-pw@db:5432/app"  # a password in a URL: masked by its format


class TwoArgumentWarning(UserWarning):
    """A warning whose __init__ takes other arguments than its text."""

    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"{what} at {where}")
        self.where = where


class FixedTextWarning(UserWarning):
    def __str__(self) -> str:
        return "always this text"


def recorded(message: Warning) -> warnings.WarningMessage:
    return warnings.WarningMessage(message, type(message), __file__, 1, line="")


def test_a_warning_whose_init_takes_other_arguments_keeps_its_class_and_attributes() -> None:
    record = recorded(TwoArgumentWarning("cannot reach", SECRET))
    mask_warning(record, ())
    assert type(record.message) is TwoArgumentWarning
    assert str(record.message) == "cannot reach at postgres://app:***@db:5432/app"
    assert record.message.where == SECRET  # type: ignore[union-attr]  # its own data, unprinted


def test_a_warning_that_makes_its_own_text_becomes_a_user_warning_of_the_masked_text() -> None:
    assert str(_reworded(FixedTextWarning("x"), "masked ***")) == "masked ***"
    assert type(_reworded(FixedTextWarning("x"), "masked ***")) is UserWarning


def test_the_source_line_is_masked_and_a_clean_warning_is_left_alone() -> None:
    record = warnings.WarningMessage(
        UserWarning("plain"), UserWarning, __file__, 1, line=f"warn({SECRET!r})"
    )
    original = record.message
    mask_warning(record, ())
    assert record.message is original
    assert record.line == "warn('postgres://app:***@db:5432/app')"


def test_the_formatter_masks_and_passes_the_rest_to_pytests_formatter() -> None:
    inner = logging.Formatter("%(levelname)s %(message)s")
    formatter = MaskingFormatter(inner, lambda: {"value-of-a-token"})
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "got value-of-a-token", None, None)
    assert formatter.format(record) == "INFO got ***"
    assert formatter._style is inner._style  # what code may ask of pytest's formatter
    assert formatter.usesTime() is False
    assert copy.copy(formatter).format(record) == "INFO got ***"
    with pytest.raises(AttributeError):
        MaskingFormatter.__new__(MaskingFormatter).anything  # noqa: B018 - no inner yet


def test_a_multi_line_secret_is_masked_before_pytests_auto_indent_splits_it() -> None:
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"
    inner = _pytest_logging.PercentStyleMultiline("%(levelname)-8s %(message)s", auto_indent=True)
    formatter = logging.Formatter()
    formatter._style = inner
    formatter._fmt = inner._fmt
    masking = MaskingFormatter(formatter, lambda: {key})
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "loaded %s", (key,), None)
    assert "\n         MIIEvQ" in formatter.format(record)  # what auto-indent does to it
    assert masking.format(record) == "INFO     loaded ***"
    assert record.args == (key,)  # the record itself is left as logged
