"""What checks share: the built image every image check starts with, the project's Go
version pins, and the go.work an image builds in (go-version and static both compare them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..build.bake_print import print_bake
from ..build.context import excluding_rule
from ..config import GoImageConfig, ImageConfig
from ..engine.image import BuiltImage
from ..errors import BuildFailed, CheckSkipped
from ..gofacts.dockerfile import parse_dockerfile_leniently
from ..gofacts.git_head import NoRepository, tracked_under
from ..gofacts.project_pins import project_pins, relative_name
from ..gofacts.versions import Pin
from ..gofacts.workspace import Workspace, builds_in_workspace, workspace_of
from ..session import GoImageSession


def require_image(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip that names the failed build (never a silent pass)."""
    try:
        return session.built(image)
    except BuildFailed as exc:
        first = str(exc).splitlines()[0]
        raise CheckSkipped(
            f"{image.dockerfile} did not build, so this check cannot run (see "
            f"{image.dockerfile}::build): {first}"
        ) from None


def config_pins(
    config: GoImageConfig,
    images: Iterable[ImageConfig],
    memo: dict[object, object] | None = None,
) -> list[Pin]:
    """project_pins of `images`, which share a Go module (go_module), and their Dockerfiles;
    `memo` is the run's (GoImageSession.memo), so the workflows are read once per run."""
    images = list(images)
    modules = {image.go_module for image in images}
    assert len(modules) <= 1, modules  # one go.mod to compare with: see module_groups
    module = modules.pop() if modules else config.project
    ignores = {image.go_version_ignore for image in images} - {None}
    assert len(ignores) <= 1, ignores  # one list per group: see module_groups
    ignore = ignores.pop() if ignores else config.go_version_ignore
    dockerfiles = [(image.dockerfile_path, image.build_args, image.target) for image in images]
    others = sorted({other.go_module for other in config.images} - {module})
    return project_pins(config.rootdir, module, dockerfiles, ignore or (), others, print_bake, memo)


def module_groups(config: GoImageConfig) -> list[list[ImageConfig]]:
    """The configured images grouped by their Go module (and go_version_ignore), in
    configuration order."""
    groups: dict[tuple[Path, tuple[str, ...] | None], list[ImageConfig]] = {}
    for image in config.images:
        groups.setdefault((image.go_module, image.go_version_ignore), []).append(image)
    return list(groups.values())


def require_go_binary(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip when it runs no Go program (a docs or proxy image)."""
    built = require_image(session, image)
    reason = session.no_go_binary(image)
    if reason:
        raise CheckSkipped(reason)
    return built


def image_workspace(session: GoImageSession, image: ImageConfig) -> Workspace | None:
    """The go.work the project builds in (looked for up to the repository's top folder)."""
    config = session.config
    module = image.go_module
    try:
        top = config.heads.of(module).root  # read once per run
    except NoRepository:
        top, tracked = config.rootdir, (lambda path: True)  # no checkout: its files are all
    else:
        tracked = lambda path: bool(tracked_under(top, path.relative_to(top).as_posix()))  # noqa: E731
    return workspace_of(module, top, lambda path: relative_name(path, config.rootdir), tracked)


def docker_sees_workspace(image: ImageConfig, workspace: Workspace) -> Callable[[Pin], bool]:
    """Whether the image's build sees go.work, for each pin of it (mark_workspace's form)."""
    sees = _build_sees(image, workspace)
    return lambda pin: sees


def _build_sees(image: ImageConfig, workspace: Workspace) -> bool:
    """Whether the image's build sees go.work (in its context, sent, copied, GOWORK on)."""
    try:
        text = image.dockerfile_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False

    def excluded(relative: str) -> bool:
        return excluding_rule(image.context_path, image.dockerfile_path, relative) is not None

    parsed = parse_dockerfile_leniently(text)
    return builds_in_workspace(parsed, image.context_path, workspace, excluded)


def image_build_workspace(session: GoImageSession, image: ImageConfig) -> Workspace | None:
    """The go.work the image's Docker build runs in; None where it builds in module mode."""
    workspace = image_workspace(session, image)
    if workspace is None or not _build_sees(image, workspace):
        return None
    return workspace
