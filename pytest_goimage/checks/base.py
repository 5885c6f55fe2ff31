"""What a check raises: failed (with the user's message) or skipped (with the reason)."""

from __future__ import annotations

from ..errors import GoImageError


class CheckFailed(GoImageError):
    """The check ran and found a problem; the message says what and what to do."""


class CheckSkipped(Exception):
    """The check does not apply here; the message says why."""
