"""What a GOTOOLCHAIN value runs in a golang image, whose own setting is `local`: one reading
for the Dockerfile's settings and a CI job's (a workflow container's env)."""

from __future__ import annotations

import re

from .versions import GoVersion, parse_go_version

OWN = "local"  # the image's own Go
AUTO = "auto"  # what go.mod's go and toolchain lines choose
# A toolchain name as GOTOOLCHAIN takes it: go1.27.3, with a custom suffix (go1.27.3-corp).
_TOOLCHAIN_NAME = re.compile(r"go(\d+(?:\.\d+){1,2}(?:(?:rc|beta)\d+)?)(?:-[\w.]+)?", re.ASCII)
_OWN = (OWN, "path", "local+path")  # the image's own Go (path: no download)
# From Go 1.21 on a toolchain is named with its patch (go1.21.0): `go1.27` names none.
_NAMED_BY_PATCH = GoVersion.parse("1.21")


def toolchain_runs(value: str) -> GoVersion | str | None:
    """OWN for the image's own Go (`local`, `path`, `local+path`); AUTO where go.mod's lines
    choose (`auto`, `local+auto`, `go1.25.0+auto`, or an empty value, which leaves
    $GOROOT/go.env's `auto`); the GoVersion a toolchain name runs (`go1.26.8`,
    `go1.26.8+path`); None for a value Go refuses (`go1.27` names no toolchain from Go 1.21
    on, nor does `1.27.3`)."""
    name, _, mode = value.partition("+")
    if not value or name == AUTO or mode == AUTO:
        return AUTO
    if value in _OWN:
        return OWN
    match = _TOOLCHAIN_NAME.fullmatch(name)
    version = parse_go_version(match.group(1)) if match else None
    if version is None or (version.precision < 3 and version.satisfies(_NAMED_BY_PATCH)):
        return None
    return version
