"""Parse and format the sizes, durations and ratios users write in `[tool.goimage]`."""

from __future__ import annotations

import math
import re

_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "k": 1024,
    "kib": 1024,
    "m": 1024**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gib": 1024**3,
}
_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_DURATION_PART_RE = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def _finite(value: float) -> float | None:
    """`value` as a finite float, or None (TOML integers can exceed what a float holds)."""
    try:
        converted = float(value)
    except OverflowError:
        return None
    return converted if math.isfinite(converted) else None


def parse_size(value: object) -> int:
    """`"40MB"`, `"1.5GiB"` or an integer of bytes -> bytes. Raises ValueError with the reason."""
    if isinstance(value, bool):
        raise ValueError('expected a size such as "40MB" or an integer of bytes, got a boolean')
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"a size cannot be negative ({value})")
        return value
    if not isinstance(value, str):
        raise ValueError(f'expected a size such as "40MB", got {type(value).__name__}')
    match = _SIZE_RE.match(value)
    unit = match.group(2).lower() if match else None
    if not match or unit not in _SIZE_UNITS:
        raise ValueError(
            f'cannot read {value!r} as a size; write e.g. "40MB", "512KiB", "1.5GiB" or bytes'
        )
    size = float(match.group(1)) * _SIZE_UNITS[unit]
    if not math.isfinite(size):
        raise ValueError(f"{value[:40]!r}... is too large to be a size")
    return int(size)


def parse_duration(value: object) -> float:
    """`"30s"`, `"500ms"`, `"1m30s"` or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError('expected a duration such as "30s", got a boolean')
    if isinstance(value, (int, float)):
        seconds = _finite(value)
        if seconds is None or seconds <= 0:
            raise ValueError(f"a duration must be a positive number of seconds, got {value}")
        return seconds
    if not isinstance(value, str):
        raise ValueError(f'expected a duration such as "30s", got {type(value).__name__}')
    text = value.strip().lower()
    total, pos = 0.0, 0
    for part in _DURATION_PART_RE.finditer(text):
        if part.start() != pos:
            break
        total += float(part.group(1)) * _DURATION_UNITS[part.group(2)]
        pos = part.end()
    if not text or pos != len(text) or not 0 < total < math.inf:
        raise ValueError(
            f'cannot read {value!r} as a duration; write e.g. "30s", "500ms", "2m" or "1m30s"'
        )
    return total


def parse_ratio(value: object) -> float:
    """`"10%"` or a fraction such as `0.1` -> 0.1."""
    if isinstance(value, bool):
        raise ValueError('expected a percentage such as "10%", got a boolean')
    if isinstance(value, (int, float)):
        converted = _finite(value)
        if converted is None:
            raise ValueError(f"{str(value)[:20]}... is too large to be a percentage")
        if converted > 1:
            # 10 or 10.0 almost always means 10%, which as a number is 0.1: say so, never
            # accept a 1000% tolerance silently.
            literal = f' (or "{converted * 100:g}%" if you mean it)'
            raise ValueError(
                f'{value} as a number is a fraction ({converted * 100:g}%); write "{value:g}%" '
                f"or {converted / 100:g}{literal if math.isfinite(converted * 100) else ''}"
            )
        ratio = converted
    elif isinstance(value, str) and value.strip().endswith("%"):
        try:
            ratio = float(value.strip()[:-1]) / 100
        except ValueError:
            raise ValueError(f'cannot read {value!r} as a percentage; write e.g. "10%"') from None
    else:
        raise ValueError(f'cannot read {value!r} as a percentage; write e.g. "10%"')
    if not math.isfinite(ratio) or ratio < 0:
        raise ValueError(f"a tolerance must be a finite, non-negative number ({value!r})")
    return ratio


def format_size(size: int) -> str:
    """Bytes -> the decimal unit people read on registries ("12.3 MB")."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def port_number(key: str) -> int:
    """`"8080/tcp"` (a port as the engine keys it) or `"8080"` -> 8080."""
    return int(key.split("/", 1)[0])
