"""`go-version`: go.mod, the Dockerfile's golang builder, CI workflows and the binary agree."""

from __future__ import annotations

import warnings

from ..config import ImageConfig
from ..errors import CheckFailed, GoImageError
from ..gofacts.ci_ignore import CI_SOURCES, gitlab_entry
from ..gofacts.versions import (
    SOURCE_BINARY,
    SOURCE_GITLAB_IMAGE,
    Pin,
    format_ignored,
    format_misalignment,
    format_unpinned,
    misaligned,
    parse_go_version,
    required_pin,
    required_version,
    unpinned,
)
from ..session import GoImageSession
from .base import config_pins


class UnpinnedGoVersionWarning(UserWarning):
    """A Go version pin that floats (`latest`, a digest, an unresolvable ARG)."""


def collect_pins(session: GoImageSession, image: ImageConfig) -> list[Pin]:
    """Every Go version pin that bears on `image`, the built binary's included once known."""
    pins = config_pins(session.config, [image])
    built = session.peek_built(image)
    if built is not None:
        # The binary's own version is only known after a build; never build just for this.
        try:
            go_version = built.binary.go_version
        except GoImageError:  # the static check reports an unreadable binary
            go_version = None
        version = parse_go_version(go_version) if go_version else None
        if version is not None:
            pins.append(
                Pin(built.binary_path, 0, SOURCE_BINARY, str(go_version), version, resolved="")
            )
    return pins


def run(session: GoImageSession, image: ImageConfig) -> str:
    policy = session.config.go_version_policy
    pins = collect_pins(session, image)
    required = required_version(pins, policy)
    floating = unpinned(pins)
    if floating:
        warnings.warn(UnpinnedGoVersionWarning(format_unpinned(floating)), stacklevel=1)
    bad = misaligned(pins, required)
    if bad:
        raise CheckFailed(
            f"{image.dockerfile}: {len(bad)} Go version pin(s) are older than go.mod requires "
            f"(Go {required}):\n{format_misalignment(bad, pins, policy)}" + _ignore_hint(bad, pins)
        )
    counted = [p for p in pins if not p.ignored]
    message = f"{len(counted)} Go version pin(s) agree with go.mod, which requires Go {required}"
    source = required_pin(pins, policy)
    if source.note:  # go.mod has no `go` line: say which Go that implies, and why
        message += f" ({source.file}: {source.note})"
    ignored = format_ignored(pins)
    # What was left out is said on a pass too: a gate reader sees which pins did not count.
    return f"{message}; not counted:\n{ignored}" if ignored else message


def _ignore_hint(bad: list[Pin], pins: list[Pin]) -> str:
    """How to leave out a workflow job that does not build the module, and what was left out."""
    ci_pins = [p for p in bad if p.source in CI_SOURCES]
    text = ""
    if ci_pins:
        first = ci_pins[0]
        if first.source == SOURCE_GITLAB_IMAGE:
            entry = gitlab_entry(first)
        else:
            entry = first.file.rsplit("/", 1)[-1]
        entry += f":{first.job}" if first.job else ""
        what = "GitLab CI job" if first.source == SOURCE_GITLAB_IMAGE else "workflow job"
        text += (
            f"\nA {what} that does not build this module can be left out: add "
            f'"{entry}" to go_version_ignore in [tool.goimage].'
        )
    ignored = format_ignored(pins)
    if ignored:
        text += f"\nNot counted:\n{ignored}"
    return text
