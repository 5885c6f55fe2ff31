"""`{minio.*}`, `{bucket}` and `{NAME.*}` in `[tool.goimage.env]` and in a dependency's env:
the values a container on the image's private network sees."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ..config_keys import PLACEHOLDERS
from ..errors import ServiceError


def expand(env: Mapping[str, str], values: Mapping[str, str], table: str) -> dict[str, str]:
    """Fill the placeholders `values` names; one of the built-in names without a value (the
    config check lets none through but `{bucket}` with no bucket) is a clear error."""
    names = sorted({*PLACEHOLDERS, *values}, key=len, reverse=True)
    pattern = re.compile(r"\{(" + "|".join(map(re.escape, names)) + r")\}")
    result: dict[str, str] = {}
    for name, template in env.items():

        def fill(match: re.Match[str], name: str = name) -> str:
            key = match.group(1)
            if key not in values:
                known = ", ".join("{" + k + "}" for k in sorted(values))
                raise ServiceError(
                    f"{table} {name} uses {{{key}}}, which is not defined (known: {known}); "
                    "`{bucket}` needs `bucket` to be set."
                )
            return values[key]

        result[name] = pattern.sub(fill, template)
    return result
