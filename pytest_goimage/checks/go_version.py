"""`go-version`: go.mod, the Dockerfile's golang builder, CI workflows and the binary agree."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

from ..config import GoImageConfig, ImageConfig
from ..dockerfile_pins import read_dockerfile
from ..errors import GoImageError
from ..gomod_pins import read_gomod
from ..session import GoImageSession
from ..versions import (
    SOURCE_BINARY,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    Pin,
    format_ignored,
    format_misalignment,
    format_unpinned,
    misaligned,
    parse_go_version,
    required_version,
    unpinned,
)
from ..workflow_pins import apply_ignore, follow_go_version_files, read_workflows
from .base import CheckFailed


class UnpinnedGoVersionWarning(UserWarning):
    """A Go version pin that floats (`latest`, a digest, an unresolvable ARG)."""


def config_pins(config: GoImageConfig, images: Iterable[ImageConfig]) -> list[Pin]:
    """go.mod, the images' Dockerfiles and every workflow's pins, named relative to the rootdir;
    the setup-go pins `go_version_ignore` names are marked ignored."""
    root = config.rootdir
    pins = read_gomod(config.project / "go.mod", _relative(config.project / "go.mod", root))
    for image in images:
        pins += read_dockerfile(
            image.dockerfile_path, image.build_args, _relative(image.dockerfile_path, root)
        )
    go_mod = config.project / "go.mod"
    workflows = follow_go_version_files(read_workflows(root, relative_to=root), root, go_mod)
    if config.project != root:
        nested = read_workflows(config.project, relative_to=root)
        workflows += follow_go_version_files(nested, config.project, go_mod)
    return pins + apply_ignore(workflows, config.go_version_ignore)


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
    return f"{len(counted)} Go version pin(s) agree with go.mod, which requires Go {required}"


def _ignore_hint(bad: list[Pin], pins: list[Pin]) -> str:
    """How to leave out a workflow job that does not build the module, and what was left out."""
    workflow_pins = [p for p in bad if p.source in (SOURCE_SETUP_GO, SOURCE_SETUP_GO_FILE)]
    text = ""
    if workflow_pins:
        first = workflow_pins[0]
        entry = first.file.rsplit("/", 1)[-1] + (f":{first.job}" if first.job else "")
        text += (
            "\nA workflow job that does not build this module can be left out: add "
            f'"{entry}" to go_version_ignore in [tool.goimage].'
        )
    ignored = format_ignored(pins)
    if ignored:
        text += f"\nNot counted:\n{ignored}"
    return text


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
