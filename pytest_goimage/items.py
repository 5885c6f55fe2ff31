"""The built-in checks as pytest items (`Dockerfile.prod::static`): how they are made, ordered,
run, and reported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .checks import CHECKS, SERVICE_CHECKS, Check
from .config import GoImageConfig, ImageConfig
from .engine.outside_errors import (
    describe_outside_error,
    outside_errors,
    outside_errors_suppressed,
)
from .errors import CheckFailed, CheckSkipped, EngineError, GoImageError
from .report.records import (
    PROP_CHECK,
    PROP_DOCKERFILE,
    PROP_IMAGE_OUTCOME,
    PROP_MESSAGE,
    PROP_SCOPE,
    REPOSITORY,
    REPOSITORY_NODE,
)
from .run import goimage_session
from .session import GoImageSession


class GoImageFile(pytest.File):
    """The Dockerfile as a collector: its built-in checks are the items."""

    image: ImageConfig

    def collect(self) -> Iterator[pytest.Item]:
        for check in CHECKS:
            if not check.repository:
                yield GoImageCheckItem.from_parent(
                    self, name=check.name, check=check, image=self.image
                )


class GoImageRepository(pytest.File):
    """The repository as a collector (node id `goimage`): the checks that compare images."""

    images: tuple[ImageConfig, ...]

    def collect(self) -> Iterator[pytest.Item]:
        for check in CHECKS:
            if check.repository:
                yield GoImageCheckItem.from_parent(
                    self, name=check.name, check=check, image=None, images=self.images
                )


class GoImageCheckItem(pytest.Item):
    """One built-in check of one image (`Dockerfile.prod::static`), or of the repository
    (`goimage::parity`: `image` is None, `images` are all of them)."""

    def __init__(
        self,
        *,
        check: Check,
        image: ImageConfig | None,
        images: tuple[ImageConfig, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.check = check
        self._image = image
        self.images = images
        # What the check's messages start with: the Dockerfile, or the configuration file.
        self.where = image.dockerfile if image is not None else self.path.name
        if image is not None:
            self.user_properties.append((PROP_DOCKERFILE, image.dockerfile))
        else:
            self.user_properties.append((PROP_SCOPE, REPOSITORY))
        self.user_properties.append((PROP_CHECK, check.name))

    @property
    def checks_one_image(self) -> bool:
        return self._image is not None

    @property
    def image(self) -> ImageConfig:
        """The image an image check checks (a repository check has none)."""
        assert self._image is not None, f"{self.nodeid} checks no single image"
        return self._image

    def runtest(self) -> None:
        session = goimage_session(self.config)
        try:
            if self._image is None:
                checked = self._run_repository(session)
            else:
                checked = self.check.run(session, self._image)
            self.user_properties.append((PROP_MESSAGE, checked))
        except CheckSkipped as exc:
            pytest.skip(str(exc))
        except EngineError:
            self._engine_failed(session)
            raise
        except outside_errors() as exc:
            # The engine, MinIO or the network failed under us: say so in one paragraph,
            # and when it was the engine, as its failure (the checks after it then skip).
            lost = session.lost_engine(exc, f"the {self.check.name} check")
            if lost is not None:
                self._engine_failed(session)
                raise CheckFailed(f"{self.where}: {lost}") from None
            raise CheckFailed(
                f"{self.where}: the {self.check.name} check could not finish: "
                f"{describe_outside_error(exc)}"
            ) from None
        finally:
            # Not on a check that needs no image (go-version, tracked): it runs before the
            # build, and would carry the facts only where something reordered it after
            # (`--ff`, pytest-randomly).
            if self._image is not None and self.check.needs_docker:
                with outside_errors_suppressed(GoImageError):
                    self.user_properties.extend(session.image_facts(self._image).properties())

    def _run_repository(self, session: GoImageSession) -> str:
        """Run the repository check; with its verdict, each image's own outcome where it
        differs (an image compared with none is skipped there, not failed or passed)."""
        try:
            checked = self.check.run_repository(session, self.images)
        except (CheckFailed, CheckSkipped):
            self._record_image_outcomes(session)
            raise
        self._record_image_outcomes(session)
        return checked

    def _record_image_outcomes(self, session: GoImageSession) -> None:
        with outside_errors_suppressed(GoImageError):
            outcomes = self.check.image_outcomes(session, self.images)
            for dockerfile, (outcome, message) in outcomes.items():
                self.user_properties.append(
                    (PROP_IMAGE_OUTCOME, json.dumps([dockerfile, outcome, message]))
                )

    def _engine_failed(self, session: GoImageSession) -> None:
        """One clear failure per run; the other Docker checks say where to look."""
        if session.engine_error_reported:
            pytest.skip("the Docker engine is unreachable (see the first failed check)")
        session.engine_error_reported = True

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, (GoImageError, CheckFailed)):
            return f"[goimage {self.check.name}] {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        # The domain heads the item's FAILURES section. It must not be the node id's tail:
        # pytest would turn the dots of `Dockerfile.prod` in the -v line into "::".
        return self.path, None, f"{self.check.name} ({self.where})"

    def report_skip_at_dockerfile(self, report: pytest.TestReport) -> None:
        """A skipped check is reported at its Dockerfile (`SKIPPED [1] Dockerfile.prod: ...`),
        not at the line of this plugin that raised the skip."""
        if report.skipped and isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix(f"Skipped: {self.where}: ")
            # No line: pytest prints `path: reason` (its annotation wants an int, its code
            # and its own collection skips use None). An image of one target of the file
            # keeps its name (`Dockerfile[prod]`), or two targets' skips would read alike.
            target = self._image.target if self._image is not None else None
            shown = f"{self.path}[{target}]" if self.where.endswith(f"[{target}]") else self.path
            report.longrepr = (str(shown), None, reason)  # type: ignore[assignment]


def check_items(
    session: pytest.Session, goconfig: GoImageConfig, named: frozenset[str] | None
) -> list[pytest.Item]:
    """Every image's built-in checks, in run order: the Docker-free checks of every image
    first, then each image's Docker checks together, then the repository's (`goimage::parity`).
    With checks `named` on the command line only those, the others reported as deselected."""
    per_image: list[list[GoImageCheckItem]] = []
    for image in goconfig.images:
        # Node ids are `<dockerfile>::<check>` with the Dockerfile as configured (relative to
        # `project`), whatever the rootdir.
        # The name is what `-k` matches: pytest's (the path from the rootdir), with the target
        # for an image of one of several targets of the file (`-k "Dockerfile[prod]"`).
        suffix = image.dockerfile.removeprefix(image.file_name)
        collector = GoImageFile.from_parent(
            session, path=image.dockerfile_path, nodeid=image.dockerfile
        )
        if suffix:
            collector.name += suffix
        collector.image = image
        # Go through the collect-report hooks so "collected N items" and xdist count them.
        report = collector.ihook.pytest_make_collect_report(collector=collector)
        collector.ihook.pytest_collectreport(report=report)
        per_image.append([node for node in report.result if isinstance(node, GoImageCheckItem)])
    # The repository's checks are a group of their own, run after every image's.
    repository = GoImageRepository.from_parent(
        session, path=goconfig.source, nodeid=REPOSITORY_NODE
    )
    repository.images = tuple(goconfig.images)
    report = repository.ihook.pytest_make_collect_report(collector=repository)
    repository.ihook.pytest_collectreport(report=report)
    per_image.append([node for node in report.result if isinstance(node, GoImageCheckItem)])
    if named is not None:
        unnamed = [i for group in per_image for i in group if i.nodeid not in named]
        per_image = [[i for i in group if i.nodeid in named] for group in per_image]
        session.config.hook.pytest_deselected(items=unnamed)  # counted like -k's
    ordered: list[pytest.Item] = []
    for group in per_image:
        ordered += [i for i in group if not i.check.needs_docker]
    for group in per_image:
        ordered += [i for i in group if i.check.needs_docker]
    return ordered


def runtime_of(item: pytest.Item | None) -> str | None:
    """The Dockerfile whose MinIO (and service) `item` uses: a check that runs the image, or a
    test that takes goimage_minio, goimage_service or goimage_dependency for that image; None for any other."""
    if isinstance(item, GoImageCheckItem):
        return item.where if item.check.name in SERVICE_CHECKS else None
    callspec = getattr(item, "callspec", None)
    uses = {"goimage_minio", "goimage_service", "goimage_dependency"} & set(
        getattr(item, "fixturenames", ())
    )
    image = callspec.params.get("goimage") if callspec is not None and uses else None
    return image.dockerfile if isinstance(image, ImageConfig) else None


def plan_of(items: list[pytest.Item]) -> tuple[list[str], list[str]]:
    """The Dockerfiles `items` build, and those they run beside MinIO, each in the order of
    the first item that needs it (what a session can start ahead of need)."""
    builds: list[str] = []
    runtimes: list[str] = []
    for item in items:
        needed: list[str] = []
        if isinstance(item, GoImageCheckItem):
            if item.check.needs_docker:
                # A repository check (parity, alone under -k parity) needs every image built.
                needed = (
                    [image.dockerfile for image in item.images]
                    if not item.checks_one_image
                    else [item.image.dockerfile]
                )
        else:
            callspec = getattr(item, "callspec", None)
            image = callspec.params.get("goimage") if callspec is not None else None
            needed = [image.dockerfile] if isinstance(image, ImageConfig) else []
        builds += [dockerfile for dockerfile in needed if dockerfile not in builds]
        runtime = runtime_of(item)
        if runtime is not None and runtime not in runtimes:
            runtimes.append(runtime)
    return builds, runtimes
