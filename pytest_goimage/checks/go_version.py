"""`go-version`: go.mod, the Dockerfile's golang builder, CI workflows and the binary agree."""

from __future__ import annotations

import warnings

from ..config import ImageConfig
from ..errors import CheckFailed
from ..gofacts.ci_build_pins import (
    cannot_build,
    format_cannot_build,
    format_not_tested,
    not_tested,
)
from ..gofacts.ci_ignore import CI_SOURCES, gitlab_entry
from ..gofacts.unpinned_warnings import format_unpinned_group, unpinned_groups
from ..gofacts.versions import (
    POLICY_GO,
    SOURCE_CI_BUILD,
    SOURCE_SETUP_GO_FILE,
    GoVersion,
    Pin,
    format_ignored,
    format_misalignment,
    misaligned,
    required_pin,
    required_version,
    shown_pin,
    unpinned,
)
from ..gofacts.workspace import Workspace, mark_workspace
from ..session import GoImageSession
from .base import config_pins, docker_sees_workspace, image_workspace


class UnpinnedGoVersionWarning(UserWarning):
    """A Go version pin that floats (`latest`, a digest, an unresolvable ARG)."""


def run(session: GoImageSession, image: ImageConfig) -> str:
    policy = session.config.go_version_policy
    # Pins in the sources only: `static` compares the built binary's Go, after the build, so
    # this verdict never depends on whether the build happened to run first (--ff, randomly).
    pins = config_pins(session.config, [image], session.memo)
    workspace = image_workspace(session, image)
    if workspace is not None:
        pins = mark_workspace(pins, workspace, docker_sees_workspace(image, workspace))
    required = required_version(pins, policy)
    for group in unpinned_groups(unpinned(pins)):
        # At the (first) pin's own file and line, which pytest's warnings summary shows, not
        # this one.
        warnings.warn_explicit(
            UnpinnedGoVersionWarning(format_unpinned_group(group)),
            UnpinnedGoVersionWarning,
            str(session.config.rootdir / group[0].file),
            max(group[0].line, 1),
        )
    bad = misaligned([p for p in pins if not p.workspace], required)
    failures = []
    if bad:
        failures.append(
            f"{len(bad)} Go version pin(s) are older than go.mod requires (Go {required}):\n"
            + format_misalignment(bad, pins, policy, _build_args_tables(session, image))
        )
    inside = [p for p in pins if p.workspace and not p.ignored]
    in_workspace = None
    if workspace is not None and inside:
        in_workspace, problem, late = _in_workspace(workspace, pins, inside, policy)
        failures += [problem] if problem else []
        bad += late
    config = session.config
    # Several modules: a top-level entry would leave the workflow out for all of them.
    where = (
        f"the [[tool.goimage.image]] entry of {image.dockerfile} (a list there replaces "
        "the top-level one for that image only)"
        if len({other.go_module for other in config.images}) > 1
        else "[tool.goimage]"
    )
    # New enough is not enough: CI ships what its own build arguments make, not what was tested.
    untested = not_tested([p for p in pins if p not in bad])
    if untested:
        failures.append(
            f"{len(untested)} CI image build(s) ship a Go this run did not test:\n"
            + format_not_tested(untested, where)
        )
    broken = cannot_build(pins)
    builds = [p for p in broken if p.source != SOURCE_SETUP_GO_FILE]
    if builds:
        failures.append(
            f"{len(builds)} CI image build(s) cannot start:\n" + format_cannot_build(builds, where)
        )
    setups = [p for p in broken if p.source == SOURCE_SETUP_GO_FILE]
    if setups:
        failures.append(
            f"{len(setups)} CI job(s) cannot set up Go:\n"
            + "\n".join(
                f"{p.file}:{p.line}: {p.cannot_build}; if that job's build is not this module, "
                f'add "{p.file.rsplit("/", 1)[-1]}:{p.job}" to go_version_ignore in {where}.'
                for p in setups
            )
        )
    if failures:
        hint = _ignore_hint(bad, pins, where)
        raise CheckFailed(f"{image.dockerfile}: " + "\n".join(failures) + hint)
    counted = [p for p in pins if not p.ignored and not p.workspace]
    # A pin that names no Go (a floating tag, a value only CI knows) agrees with nothing: a
    # gate that reads only the report must not count it as agreeing (trial 10).
    # A go-version-file that follows this go.mod agrees by construction, not "not pinned"
    # (trial 13: `go-version-file: go.mod` was listed among the pins that name no Go).
    following = [
        p
        for p in counted
        if p.source == SOURCE_SETUP_GO_FILE and p.version is None and not p.unpinned
    ]
    unknown = [p for p in counted if (p.unpinned or p.version is None) and p not in following]
    agree = len(counted) - len(unknown)
    message = f"{agree} Go version pin(s) agree with go.mod, which requires Go {required}"
    if following:
        message += (
            f" ({len(following)} by following it: "
            + ", ".join(f"{p.file}:{p.line} go-version-file {p.raw}" for p in following)
            + ")"
        )
    switching = [
        p
        for p in counted
        if p.switches and p.version is not None and not p.version.satisfies(required)
    ]
    if switching:
        message += (
            f" ({len(switching)} by switching to it by themselves: "
            + ", ".join(f"{p.file}:{p.line} {shown_pin(p)}" for p in switching)
            + "; setup-go up to v5 leaves GOTOOLCHAIN unset, and a Go from 1.21 on runs the Go "
            "go.mod asks for)"
        )
    if unknown:
        message += (
            f"; {len(unknown)} name no Go to compare (not pinned: "
            + ", ".join(f"{p.file}:{p.line}" for p in unknown)
            + ")"
        )
    source = required_pin(pins, policy)
    if source.note:  # go.mod has no `go` line: say which Go that implies, and why
        message += f" ({source.file}: {source.note})"
    if workspace is not None and in_workspace is not None:
        message += (
            f"; {len(inside)} that build in the workspace {workspace.file} agree with it, which "
            f"requires Go {in_workspace}"
        )
    ignored = format_ignored(pins)
    # What was left out is said on a pass too: a gate reader sees which pins did not count.
    return f"{message}; not counted:\n{ignored}" if ignored else message


def _build_args_tables(session: GoImageSession, image: ImageConfig) -> dict[str, str]:
    """Where each of the image's build_args is set, for the advice to change it there: its
    own entry, else the top-level table (which its entry extends key by key)."""
    # The entry as its keys name it: `Dockerfile[prod]` is dockerfile = "Dockerfile" there.
    keys = f'dockerfile = "{image.file_name}"' + (
        f', target = "{image.target}"' if image.target else ""
    )
    entry = f"the [[tool.goimage.image]] entry with {keys}"
    return {
        name: entry if name in image.own_build_args else "[tool.goimage]"
        for name in image.build_args
        if name in image.own_build_args or name in session.config.shared_build_args
    }


def _in_workspace(
    workspace: Workspace, pins: list[Pin], inside: list[Pin], policy: str
) -> tuple[GoVersion, str, list[Pin]]:
    """go.work's requirement (its go and toolchain lines choose the Go in workspace mode), the
    failure of the pins that build there and miss it ("" when none), and those pins. A go.work
    whose go line is older than the module's is refused by the go command itself."""
    required = required_version(workspace.pins, policy)
    module_go = required_pin(pins, POLICY_GO)
    work_go = required_pin(workspace.pins, POLICY_GO)
    if module_go.version is not None and not _version(work_go).satisfies(module_go.version):
        return (
            required,
            (
                f"{work_go.file}:{work_go.line} `go {work_go.raw}` is older than "
                f"{module_go.file}:{module_go.line} `go {module_go.raw}`, a module the workspace "
                f'uses, and the go command refuses to build in it ("module listed in go.work file '
                f"requires go >= {module_go.raw}\"): run `go work use` to raise go.work's go line."
            ),
            [],
        )
    late = misaligned(inside, required)
    if not late:
        return required, "", []
    return (
        required,
        (
            f"{len(late)} Go version pin(s) build in the workspace {workspace.file} and are older "
            f"than it requires (Go {required}):\n"
            + format_misalignment(late, [*workspace.pins, *late], policy)
        ),
        late,
    )


def _version(pin: Pin) -> GoVersion:
    assert pin.version is not None  # a go line always has one (required_pin picks those)
    return pin.version


def _ignore_hint(bad: list[Pin], pins: list[Pin], where: str) -> str:
    """How to leave out a workflow job that does not build the module, and what was left out."""
    ci_pins = [p for p in bad if p.source in CI_SOURCES]
    text = ""
    if ci_pins:
        first = ci_pins[0]
        workflow = first.workflow or first.file
        entry = gitlab_entry(first) if first.pipeline else workflow.rsplit("/", 1)[-1]
        entry += f":{first.job}" if first.job else ""
        what = "GitLab CI job" if first.pipeline else "workflow job"
        does = (
            "whose image does not ship"
            if first.source == SOURCE_CI_BUILD
            else "that does not build this module"
        )
        text += f'\nA {what} {does} can be left out: add "{entry}" to go_version_ignore in {where}.'
    ignored = format_ignored(pins)
    if ignored:
        text += f"\nNot counted:\n{ignored}"
    return text
