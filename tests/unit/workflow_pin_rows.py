"""Every field of a setup-go pin a user sees, as one row, so the workflow tests compare all of it.

A row's defaults are those of a counted `go-version` pin; a test writes only what differs, and
the comparison still covers every field.
"""

from __future__ import annotations

from typing import NamedTuple

from pytest_goimage.gofacts.versions import SOURCE_SETUP_GO, Pin
from pytest_goimage.gofacts.workflows import workflow_pins

WORKFLOW = ".github/workflows/ci.yml"


class Row(NamedTuple):
    line: int
    job: str
    raw: str
    resolved: str
    version: str | None  # the GoVersion as text; None when none can be read
    note: str = ""
    unpinned: bool = False
    ignored: str = ""
    source: str = SOURCE_SETUP_GO
    file: str = WORKFLOW


def row(pin: Pin) -> Row:
    version = None if pin.version is None else str(pin.version)
    return Row(
        pin.line,
        pin.job,
        pin.raw,
        pin.resolved,
        version,
        pin.note,
        pin.unpinned,
        pin.ignored,
        pin.source,
        pin.file,
    )


def rows(text: str) -> list[Row]:
    """The rows of `text` read as `.github/workflows/ci.yml`."""
    return [row(pin) for pin in workflow_pins(text, WORKFLOW)]
