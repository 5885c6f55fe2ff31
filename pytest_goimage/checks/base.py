"""What checks share: the built image every image check starts with, and the project's Go
version pins (go-version and static both compare them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import GoImageConfig, ImageConfig
from ..engine.image import BuiltImage
from ..errors import BuildFailed, CheckSkipped
from ..gofacts.buildinfo import BuildInfo
from ..gofacts.git_head import NoRepository
from ..gofacts.go_module import go_mods_below, module_path
from ..gofacts.project_pins import project_pins, relative_name
from ..gofacts.versions import Pin
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


def config_pins(config: GoImageConfig, images: Iterable[ImageConfig]) -> list[Pin]:
    """project_pins of `images`, which share a Go module (go_module), and their Dockerfiles."""
    images = list(images)
    modules = {go_module(config, image) for image in images}
    assert len(modules) <= 1, modules  # one go.mod to compare with: see module_groups
    module = modules.pop() if modules else config.project
    ignores = {image.go_version_ignore for image in images} - {None}
    assert len(ignores) <= 1, ignores  # one list per group: see module_groups
    ignore = ignores.pop() if ignores else config.go_version_ignore
    dockerfiles = [(image.dockerfile_path, image.build_args) for image in images]
    return project_pins(config.rootdir, module, dockerfiles, ignore or ())


def go_module(config: GoImageConfig, image: ImageConfig) -> Path:
    """The Go module root whose go.mod `image` is checked against."""
    return image.go_module or config.project


def module_groups(config: GoImageConfig) -> list[list[ImageConfig]]:
    """The configured images grouped by their Go module (and go_version_ignore), in
    configuration order."""
    groups: dict[tuple[Path, tuple[str, ...] | None], list[ImageConfig]] = {}
    for image in config.images:
        groups.setdefault((go_module(config, image), image.go_version_ignore), []).append(image)
    return list(groups.values())


def require_go_binary(session: GoImageSession, image: ImageConfig) -> BuiltImage:
    """The built image, or a skip when it runs no Go program (a docs or proxy image)."""
    built = require_image(session, image)
    reason = session.no_go_binary(image)
    if reason:
        raise CheckSkipped(reason)
    return built


@dataclass(frozen=True)
class OtherModule:
    """A binary that is another module of the repository than the go.mod it is checked
    against: a monorepo's second service configured under the first one's `project`."""

    binary_module: str  # the binary's main module (its Go build info)
    own: str  # that module's folder, relative to rootdir
    checked: str  # the go.mod it was checked against, relative to rootdir
    declared: str  # that go.mod's module

    @property
    def binary_side(self) -> str:
        return f"module {self.binary_module} (its Go build info; {self.own}/go.mod)"

    @property
    def checked_side(self) -> str:
        return f"{self.checked}, module {self.declared}"

    @property
    def advice(self) -> str:
        return (
            f"set project = {self.own!r} in this image's [[tool.goimage.image]] entry, so that "
            "it is checked against its own go.mod"
        )


def other_module(
    session: GoImageSession, image: ImageConfig, info: BuildInfo | None
) -> OtherModule | None:
    """The binary's own module where it is not the go.mod `image` is checked against and the
    repository holds it; None otherwise (no build info, the same module, one from elsewhere)."""
    config = session.config
    module = go_module(config, image)
    declared = module_path(module / "go.mod")
    if info is None or info.main is None or declared is None or declared == info.main.path:
        return None
    try:
        top = config.heads.of(module).root
    except NoRepository:
        top = config.rootdir
    own = [path for path in go_mods_below(top) if module_path(path) == info.main.path]
    if not own:
        return None
    return OtherModule(
        info.main.path,
        relative_name(own[0].parent, config.rootdir),
        relative_name(module / "go.mod", config.rootdir),
        declared,
    )
