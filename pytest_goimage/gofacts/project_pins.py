"""Every Go version pin of a project: go.mod, its Dockerfiles, its GitHub Actions workflows and
its GitLab CI pipeline."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import GoImageError
from .bake_builds import bake_image_builds
from .bake_request import BakeCall, BakeRequest, BakeUnreadable, bake_request
from .ci_build_pins import ci_build_pins
from .ci_ignore import apply_ignore
from .dockerfile_stages import target_pins
from .gitlab_ci import read_gitlab_ci, read_gitlab_image_builds
from .gomod_pins import read_gomod
from .image_build_values import ImageBuild
from .module_folders import other_modules_left_out
from .versions import SOURCE_CI_BUILD, SOURCE_SETUP_GO_FILE, Pin, read_text
from .workflows import follow_go_version_files, read_image_builds, read_workflows


def project_pins(
    rootdir: Path,
    project: Path,
    dockerfiles: Iterable[
        tuple[Path, Mapping[str, str]] | tuple[Path, Mapping[str, str], str | None]
    ],
    go_version_ignore: Iterable[str] = (),
    other_modules: Sequence[Path] = (),
    bake: BakePrinter | None = None,
    memo: dict[object, object] | None = None,
) -> list[Pin]:
    """go.mod in `project`, each (Dockerfile, build_args[, target])'s pins and those of the CI builds of
    it that ship another Go (ci_build_pins), every workflow's pins and the GitLab CI
    pipeline's, named relative to `rootdir`; the CI pins `go_version_ignore` names are marked
    ignored, and so are the setup-go steps whose `go-version-file` is the go.mod of one of
    `other_modules` (a monorepo's other images' modules, each checked with its own). CI's
    `docker buildx bake` calls are read through `bake` (buildx's own --print; without it, they
    are not read). Raises GoImageError subclasses naming a file that cannot be read.

    `memo` (a run's dict) keeps what does not depend on the Dockerfiles: go.mod, the
    workflows and pipelines, read once per run rather than once per image and check."""
    key = ("project_pins", rootdir, project, tuple(other_modules), bake)
    wide = memo.get(key) if memo is not None else None
    if not isinstance(wide, _ProjectWide):
        wide = _project_wide(rootdir, project, other_modules, bake)
        if memo is not None:
            memo[key] = wide
    pins, shipping = list(wide.go_mod), list(wide.shipping)
    for path, build_args, *target in dockerfiles:
        name = relative_name(path, rootdir)
        text = read_text(path, name, GoImageError)
        pins += target_pins(text, name, build_args, target[0] if target else None)
        if any(build.dockerfile == name for build in wide.builds):
            shipping += ci_build_pins(text, name, build_args, wide.builds, *target)
    return pins + apply_ignore([*wide.workflows, *shipping], list(go_version_ignore))


@dataclass(frozen=True)
class _ProjectWide:
    """What project_pins reads whatever the Dockerfiles: go.mod's pins, CI's image builds (and
    the notes of those not read), and the workflows' and pipelines' pins."""

    go_mod: tuple[Pin, ...]
    builds: tuple[ImageBuild, ...]
    shipping: tuple[Pin, ...]
    workflows: tuple[Pin, ...]


def _project_wide(
    rootdir: Path, project: Path, other_modules: Sequence[Path], bake: BakePrinter | None
) -> _ProjectWide:
    go_mod = project / "go.mod"
    pins = read_gomod(go_mod, relative_name(go_mod, rootdir))
    roots = [rootdir] if project == rootdir else [rootdir, project]
    found = [b for root in roots for b in read_image_builds(root, rootdir)]
    found += read_gitlab_image_builds(roots, rootdir)
    builds, shipping = _baked(found, rootdir, bake)
    workflows = follow_go_version_files(
        read_workflows(rootdir, relative_to=rootdir), rootdir, go_mod
    )
    workflows = _others_left_out(workflows, rootdir, project, other_modules)
    named = partial(relative_name, root=rootdir)  # as the pins' files are named
    workflows = other_modules_left_out(workflows, rootdir, project, named)
    if project != rootdir:
        nested = read_workflows(project, relative_to=rootdir)
        nested = follow_go_version_files(nested, project, go_mod)
        nested = _others_left_out(nested, project, project, other_modules)
        workflows += other_modules_left_out(nested, project, project, named)
    # Their job's folders are named from the rootdir, whichever checkout's pipeline it is.
    workflows += other_modules_left_out(
        read_gitlab_ci(roots, relative_to=rootdir), rootdir, project, named
    )
    return _ProjectWide(tuple(pins), tuple(builds), tuple(shipping), tuple(workflows))


BakePrinter = Callable[[Path, BakeRequest], Mapping[str, Any]]


def _baked(
    found: Sequence[ImageBuild | BakeCall], rootdir: Path, bake: BakePrinter | None
) -> tuple[list[ImageBuild], list[Pin]]:
    """The CI builds, each bake call's targets among them as buildx prints them; a bake whose
    definition cannot be read is a note (its Go is not known), never a silent pass."""
    builds: list[ImageBuild] = []
    notes: list[Pin] = []
    for item in found:
        if isinstance(item, ImageBuild):
            builds.append(item)
            continue
        if bake is None:
            continue
        request = bake_request(item, rootdir)
        try:
            if isinstance(request, str):
                raise BakeUnreadable(request)
            printed = bake(rootdir, request)
        except BakeUnreadable as exc:
            who = f"GitLab CI job {item.job}" if item.pipeline else f"job {item.job}"
            what = "services" if item.compose else "bake targets"
            notes.append(
                Pin(
                    item.file,
                    item.line,
                    SOURCE_CI_BUILD,
                    f"{who}'s `{item.tool()}`",
                    None,
                    f"which Go its {what} build with is not known: {exc}",
                    True,
                    job=item.job,
                    pipeline=item.pipeline,
                )
            )
            continue
        builds += bake_image_builds(item, request, printed, rootdir)
    return builds, notes


def _others_left_out(
    pins: list[Pin], workspace: Path, project: Path, other_modules: Sequence[Path]
) -> list[Pin]:
    """`pins` with each go-version-file pin that follows a file of another configured module
    marked ignored (its go.mod, or a version file in its folder where this module is not):
    that job sets up that module's Go. A file in a folder that holds this module too (the
    repository root's `.tool-versions`, `.go-version` or go.work) stays this module's pin."""
    own = project.resolve()
    others = {module.resolve() for module in other_modules} - {own}
    result = []
    for pin in pins:
        if pin.source == SOURCE_SETUP_GO_FILE and pin.resolved and not pin.ignored:
            followed = (workspace / pin.resolved).resolve()
            holder = _other_module_of(followed, own, others)
            if holder is not None:
                pin = replace(
                    pin,
                    ignored=(
                        f"follows {pin.resolved}, the Go of module folder "
                        f"{relative_name(holder, workspace)}, another image's "
                        "`project`: compared with that module"
                    ),
                )
        result.append(pin)
    return result


def _other_module_of(followed: Path, own: Path, others: set[Path]) -> Path | None:
    """The other module whose Go `followed` sets up: its go.mod, or a version file in its
    folder (services/api/.go-version) where that folder does not hold this module too."""
    if followed.name == "go.mod":
        return followed.parent if followed.parent in others else None
    holders = [m for m in others if m in followed.parents and m not in own.parents]
    return max(holders, key=lambda m: len(m.parts), default=None)


def relative_name(path: Path, root: Path) -> str:
    """`path` relative to `root` for messages, else as it is."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
