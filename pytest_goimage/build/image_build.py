"""One image's build as a run does it: the build-arg check, BuildKit (engine or buildx), the
redacted build log, and the outcome recorded for the run's other workers."""

from __future__ import annotations

import difflib
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.image import steps_text
from ..engine.labels import image_labels
from ..errors import EngineError
from ..gofacts.redaction import secret_redactor
from .build_args import declared_args, undeclared_build_args
from .buildx import build_with_buildx, chosen_builder
from .diagnose import explain
from .engine_build import BuildRequest, BuildResult, BuildTrace, build_image
from .failed_build import read_failed_build

if TYPE_CHECKING:
    from ..config import ImageConfig

Progress = Callable[[str, str, bool], None]  # (image label, message, is a build step)
_ONE_RETRY_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class BuildOutcome:
    """What one build left: the image (`image_id`, `tag` ...) or, when it failed, `error` (the
    user-facing diagnosis) and its `cause`. Recorded as JSON in the run's folder, where the
    next run's cleanup reads `tag`, `project` and `engine` (the address it was built at)."""

    image_id: str = ""
    tag: str = ""
    seconds: float = 0.0
    steps: int = 0
    cached_steps: int = 0
    shared_steps: int = 0
    log_path: str = ""
    project: str = ""
    engine: str = ""
    error: str = ""
    cause: str = ""

    def to_json(self) -> str:
        # Empty fields are left out: a failed build's record names no tag to remove.
        return json.dumps({k: v for k, v in asdict(self).items() if v != ""})

    @classmethod
    def from_json(cls, text: str) -> BuildOutcome:
        return cls(**json.loads(text))


def unknown_build_args(
    image: ImageConfig, shared_build_args: Iterable[str], images: Iterable[ImageConfig]
) -> BuildOutcome | None:
    """A failed outcome when `build_args` names an ARG the Dockerfile does not declare (a name
    set for every image passes when some image declares it), else None. BuildKit silently
    ignores such arguments: a typo would build something else than meant."""
    shared = set(shared_build_args)
    unused = [
        name
        for name in undeclared_build_args(image.dockerfile_path, image.build_args)
        if name not in shared
        or all(undeclared_build_args(i.dockerfile_path, {name: ""}) for i in images)
    ]
    if not unused:
        return None
    declared = sorted(declared_args(image.dockerfile_path) or ())
    guesses = [
        f"{name} -> {close[0]}"
        for name in unused
        for close in [difflib.get_close_matches(name, declared, n=1)]
        if close
    ]
    hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
    one = len(unused) == 1
    return BuildOutcome(
        error=f"{image.dockerfile}: build_args {', '.join(unused)} "
        f"{'is' if one else 'are'} not declared by any ARG in the "
        f"Dockerfile, so BuildKit would ignore {'it' if one else 'them'}."
        f"{hint} Fix the name in [tool.goimage] build_args, add the ARG, or set it only "
        "in the [[tool.goimage.image]] entries of the Dockerfiles that use it.",
        cause="unknown-build-arg",
    )


def _build(
    client: Any, builder: str | None, request: BuildRequest, progress: Callable[[str], None]
) -> tuple[BuildResult | None, BuildTrace]:
    if builder:
        return build_with_buildx(builder, request, progress)
    return build_image(client, request, progress=progress)


def build_one(
    client: Any,
    image: ImageConfig,
    *,
    tag: str,
    project: str,
    engine: str,
    log_path: Path,
    ledger: Path,
    owner: str,
    progress: Progress,
) -> BuildOutcome:
    """Build `image` as `tag` (buildx when a builder is chosen, else the engine's BuildKit),
    write its redacted log to `log_path` and a line to the run's `ledger`; a failed build is
    a BuildOutcome with the diagnosis. Raises EngineError when the engine stops answering."""
    # BuildKit shows ARG values inside step names; secret-looking ones never reach a log.
    redact = secret_redactor(image.build_args)
    builder = chosen_builder() or image.builder
    on = f", buildx builder {builder}" if builder else ""
    progress(image.dockerfile, f"building {tag} (context {image.context}{on})", False)
    request = BuildRequest(
        dockerfile=image.dockerfile_path,
        context=image.context_path,
        tag=tag,
        build_args=image.build_args,
        target=image.target,
        # The run-end cleanup removes only images that carry the project its record names.
        labels=image_labels(image.file_name, image.target, project),
    )
    step_progress = lambda step: progress(image.dockerfile, redact(step), True)  # noqa: E731
    try:
        result, trace = _build(client, builder, request, step_progress)
        if result is None and trace.failed_elsewhere():
            # BuildKit ran the failing step once for another image building the same step at
            # the same moment; only that build got its output. It caches no failure, so this
            # image, built again with no other retry beside it, runs the step itself.
            progress(
                image.dockerfile, "building again: the failing step ran for another image", False
            )
            with _ONE_RETRY_AT_A_TIME:
                result, trace = _build(client, builder, request, step_progress)
    except EngineError as exc:
        if not builder:
            raise
        return BuildOutcome(error=f"{image.dockerfile}: {exc}", cause="no-buildx")
    log_path.write_text(redact(trace.plain_log()), encoding="utf-8")
    with open(ledger, "a", encoding="utf-8") as lines:
        lines.write(f"{image.dockerfile}\t{owner}\t{result.image_id if result else '-'}\n")
    if result is None and trace.cancelled:
        # Not a failed step: the run's end stopped it. The run says it was interrupted and
        # which items did not run; a diagnosis of "context canceled" would mislead.
        return BuildOutcome(
            error=f"{image.dockerfile}: the build was stopped because the run was interrupted; "
            "run again to build the image.",
            cause="cancelled",
        )
    if result is None:
        diagnosis = explain(
            read_failed_build(
                trace,
                dockerfile=image.dockerfile_path,
                dockerfile_label=image.dockerfile,
                context=image.context_path,
                context_label=image.context,
                log_path=log_path,
                build_args=image.build_args,
            )
        )
        progress(image.dockerfile, f"build FAILED ({diagnosis.cause})", False)
        return BuildOutcome(error=redact(diagnosis.message), cause=diagnosis.cause)
    progress(
        image.dockerfile,
        f"built in {result.seconds:.1f}s "
        f"({steps_text(result.steps, result.cached_steps, result.shared_steps)})",
        False,
    )
    return BuildOutcome(
        image_id=result.image_id,
        tag=tag,
        seconds=round(result.seconds, 3),
        steps=result.steps,
        cached_steps=result.cached_steps,
        shared_steps=result.shared_steps,
        log_path=str(log_path),
        project=project,
        engine=engine,
    )
