"""`{minio.*}`, `{bucket}` and `{NAME.*}` in `[tool.goimage.env]` and in a dependency's env:
the values a container on the image's private network sees."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from ..config_keys import BUCKET_PLACEHOLDER, PLACEHOLDERS
from ..errors import ServiceError


def expand(
    env: Mapping[str, str],
    values: Mapping[str, str],
    table: str,
    names: Collection[str] = PLACEHOLDERS,
) -> dict[str, str]:
    """Fill the placeholders `values` names. One of `names` (every placeholder the
    configuration accepted) without a value is a clear error, never text passed on as is:
    `{bucket}` with no bucket, or `{db.port}` of a dependency whose port is not known."""
    names = sorted({*PLACEHOLDERS, *names, *values}, key=len, reverse=True)
    pattern = re.compile(r"\{(" + "|".join(map(re.escape, names)) + r")\}")
    result: dict[str, str] = {}
    for name, template in env.items():

        def fill(match: re.Match[str], name: str = name) -> str:
            key = match.group(1)
            if key not in values:
                raise ServiceError(f"{table} {name} uses {{{key}}}, {_why_undefined(key)}")
            return values[key]

        result[name] = pattern.sub(fill, template)
    return result


def _why_undefined(key: str) -> str:
    if key == BUCKET_PLACEHOLDER:
        return "but no `bucket` is set; set `bucket` (the bucket the service must create)."
    dependency, _, field = key.partition(".")
    return (
        f"but dependency {dependency!r} has no known port: its image EXPOSEs none or several "
        f"and its table sets no `port`; set `port` in [tool.goimage.dependencies.{dependency}]."
        if field in ("port", "endpoint")
        else "which has no value here."
    )
