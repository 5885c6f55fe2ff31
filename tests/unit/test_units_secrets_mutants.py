"""Messages of the `[tool.goimage]` value readers (gofacts/units.py) at their edges, and
masking a secret that contains another (gofacts/secrets_scan.py)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.redaction import redact, secret_values
from pytest_goimage.gofacts.units import parse_duration, parse_ratio


def test_a_duration_of_the_wrong_type_names_the_type_given() -> None:
    with pytest.raises(ValueError) as raised:
        parse_duration([30])
    assert str(raised.value) == 'expected a duration such as "30s", got list'


def test_a_huge_ratio_offers_no_percentage_that_would_not_be_finite() -> None:
    # 1.79e306 x 100 still fits a float; x 101 would not.
    with pytest.raises(ValueError) as raised:
        parse_ratio(1.79e306)
    assert str(raised.value) == (
        '1.79e+306 as a number is a fraction (1.79e+308%); write "1.79e+306%" or 1.79e+304 '
        '(or "1.79e+308%" if you mean it)'
    )


def test_a_secret_that_contains_another_is_masked_whole() -> None:
    # The longer value sorts before the shorter one by text ('B' < 'p'): length decides.
    secrets = secret_values({"ADMIN_PASSWORD": "pa55word", "BACKUP_TOKEN": "Backup-pa55word"})
    assert redact("login Backup-pa55word", secrets) == "login ***"
