"""Sizes, durations and tolerances as users write them in `[tool.goimage]` (gofacts/units.py):
the value each reads as, or the exact sentence that says why it cannot be read."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.units import (
    format_size,
    parse_duration,
    parse_ratio,
    parse_size,
    port_number,
)

SIZE_FORMS = 'write e.g. "40MB", "512KiB", "1.5GiB" or bytes'
DURATION_FORMS = 'write e.g. "30s", "500ms", "2m" or "1m30s"'
HUGE = "9" * 400


def read(parse: object, value: object) -> object:
    try:
        return parse(value)  # type: ignore[operator]
    except ValueError as refused:
        return f"ValueError: {refused}"


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        (True, 'ValueError: expected a size such as "40MB" or an integer of bytes, got a boolean'),
        (-1, "ValueError: a size cannot be negative (-1)"),
        (0, 0),
        (5, 5),
        (1.5, 'ValueError: expected a size such as "40MB", got float'),
        (None, 'ValueError: expected a size such as "40MB", got NoneType'),
        ("40MB", 40_000_000),
        ("1.5GiB", 1_610_612_736),
        ("512KiB", 524_288),
        (" 7 kb ", 7000),
        ("3", 3),
        ("1k", 1024),
        ("2m", 2_097_152),
        ("1g", 1_073_741_824),
        ("10 b", 10),
        ("0.5B", 0),
        ("40XB", f"ValueError: cannot read '40XB' as a size; {SIZE_FORMS}"),
        ("", f"ValueError: cannot read '' as a size; {SIZE_FORMS}"),
        ("MB", f"ValueError: cannot read 'MB' as a size; {SIZE_FORMS}"),
        ("1.5.5MB", f"ValueError: cannot read '1.5.5MB' as a size; {SIZE_FORMS}"),
        (HUGE + "GB", f"ValueError: {HUGE[:40]!r}... is too large to be a size"),
    ],
)
def test_a_size_reads_as_bytes_or_says_why_not(value: object, read_as: object) -> None:
    assert read(parse_size, value) == read_as


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        (True, 'ValueError: expected a duration such as "30s", got a boolean'),
        (0, "ValueError: a duration must be a positive number of seconds, got 0"),
        (-1, "ValueError: a duration must be a positive number of seconds, got -1"),
        (float("inf"), "ValueError: a duration must be a positive number of seconds, got inf"),
        (1, 1.0),
        (2.5, 2.5),
        ("30s", 30.0),
        ("500ms", 0.5),
        ("1m30s", 90.0),
        ("2h", 7200.0),
        (" 1M ", 60.0),
        ("1.5m", 90.0),
        ("0s", f"ValueError: cannot read '0s' as a duration; {DURATION_FORMS}"),
        ("s", f"ValueError: cannot read 's' as a duration; {DURATION_FORMS}"),
        ("", f"ValueError: cannot read '' as a duration; {DURATION_FORMS}"),
        ("30", f"ValueError: cannot read '30' as a duration; {DURATION_FORMS}"),
        ("30s garbage", f"ValueError: cannot read '30s garbage' as a duration; {DURATION_FORMS}"),
        ("1m 30s", f"ValueError: cannot read '1m 30s' as a duration; {DURATION_FORMS}"),
        ("x1s", f"ValueError: cannot read 'x1s' as a duration; {DURATION_FORMS}"),
        (HUGE + "h", f"ValueError: cannot read {HUGE + 'h'!r} as a duration; {DURATION_FORMS}"),
        (None, 'ValueError: expected a duration such as "30s", got NoneType'),
    ],
)
def test_a_duration_reads_as_seconds_or_says_why_not(value: object, read_as: object) -> None:
    assert read(parse_duration, value) == read_as


@pytest.mark.parametrize(
    ("value", "read_as"),
    [
        (True, 'ValueError: expected a percentage such as "10%", got a boolean'),
        (0, 0.0),
        (0.1, 0.1),
        (1, 1.0),
        (
            2,
            'ValueError: 2 as a number is a fraction (200%); write "2%" or 0.02 '
            '(or "200%" if you mean it)',
        ),
        (
            10.0,
            'ValueError: 10.0 as a number is a fraction (1000%); write "10%" or 0.1 '
            '(or "1000%" if you mean it)',
        ),
        (10**400, "ValueError: 10000000000000000000... is too large to be a percentage"),
        (1e308, 'ValueError: 1e+308 as a number is a fraction (inf%); write "1e+308%" or 1e+306'),
        ("10%", 0.1),
        (" 5.5% ", 0.055),
        ("0%", 0.0),
        ("-1%", "ValueError: a tolerance must be a finite, non-negative number ('-1%')"),
        ("inf%", "ValueError: a tolerance must be a finite, non-negative number ('inf%')"),
        ("abc%", "ValueError: cannot read 'abc%' as a percentage; write e.g. \"10%\""),
        ("10", "ValueError: cannot read '10' as a percentage; write e.g. \"10%\""),
        (None, 'ValueError: cannot read None as a percentage; write e.g. "10%"'),
    ],
)
def test_a_tolerance_reads_as_a_fraction_or_says_why_not(value: object, read_as: object) -> None:
    assert read(parse_ratio, value) == read_as


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (0, "0 B"),
        (999, "999 B"),
        (1000, "1.0 kB"),
        (999_949, "999.9 kB"),
        (1_000_000, "1.0 MB"),
        (12_345_678, "12.3 MB"),
        (5 * 10**12, "5000.0 GB"),
    ],
)
def test_a_size_is_shown_in_decimal_units_up_to_gigabytes(size: int, shown: str) -> None:
    assert format_size(size) == shown


def test_a_port_key_is_read_with_or_without_its_protocol() -> None:
    assert [port_number(key) for key in ("8080/tcp", "9090/udp", "8080")] == [8080, 9090, 8080]
