"""`go: inconsistent vendoring`: vendor/modules.txt does not list what go.mod requires (a
`go get` without `go mod vendor` after it). Go names each module that differs and its own
advice on the tab-indented lines after the header; those lines are the message's evidence."""

from __future__ import annotations

import re

from .failed_build import MAX_LINES, step_output

_INDENTED = re.compile(r"^(\t+)(.*\S)\s*$")


def inconsistent_vendoring(output: str) -> list[str] | None:
    """Go's header line and the lines under it (a tab shown as four spaces), or None."""
    lines = step_output(output)
    for index, line in enumerate(lines):
        if not line.startswith("go: inconsistent vendoring in "):
            continue
        said = [line.strip()]
        for following in lines[index + 1 :]:
            indented = _INDENTED.match(following)
            if indented:
                said.append("    " * len(indented.group(1)) + indented.group(2))
            elif following.strip():
                break
        return said[:MAX_LINES]
    return None


VENDOR_HINT = (
    "vendor/ does not match go.mod (go: inconsistent vendoring): the build reads vendor/ "
    "(-mod=vendor, Go's default where vendor/modules.txt exists), and vendor/modules.txt "
    "lists other modules or versions than go.mod requires. Run `go mod vendor` and commit "
    "vendor/ with go.mod (`go build -mod=vendor ./...` shows the same locally)."
)
