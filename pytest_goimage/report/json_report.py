"""The `--goimage-report` JSON document: built from the records, written atomically.

The JSON shape is a public contract (SPEC "JSON report"): change it only by adding fields.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import secrets
from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..gofacts.redaction import redact_all
from .records import CHECK_OUTCOMES, FAILED, PASSED, ImageRecord, verified

if TYPE_CHECKING:
    from ..gofacts.git_head import Heads

SCHEMA_ID = "pytest-goimage/v1"
SCHEMA_RESOURCE = "report.schema.json"


def seconds_value(value: float) -> float:
    # NaN/inf would make json.dumps emit invalid JSON; a clock quirk must not break the report.
    if not math.isfinite(value) or value < 0:
        return 0.0
    return round(value, 3)


def _image_dict(image: ImageRecord) -> dict[str, Any]:
    build_seconds = None if image.build_seconds is None else seconds_value(image.build_seconds)
    return {
        # The SPEC keys first, in the SPEC's order, so the file reads like the documentation.
        "dockerfile": image.dockerfile,
        "context": image.context,
        "tag": image.tag,
        "image_id": image.image_id,
        "size_bytes": image.size_bytes,
        "build_seconds": build_seconds,
        "go_version": image.go_version,
        "checks": {
            name: {
                "outcome": check.outcome,
                "message": check.message,
                "seconds": seconds_value(check.seconds),
            }
            for name, check in image.checks.items()
        },
        # Additive fields beyond the SPEC.
        "outcome": image.outcome,
        "build_cached": image.build_cached,
        "static": image.static,
        "size_budget_bytes": image.size_budget,
        "baseline_bytes": image.baseline_bytes,
        "sbom": image.sbom,
        "layers": image.layers.split(",") if image.layers else None,
    }


def build_report(
    images: list[ImageRecord],
    *,
    interrupted: bool = False,
    failed_tests: Sequence[str] = (),
    secrets: Collection[str] = (),
    not_run: int = 0,
    git: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The `--goimage-report` document: `failed` when any check failed or errored, when no
    check passed (none ran, or all were skipped), when the run was interrupted (then also
    `"interrupted": true`), when `not_run` selected items (checks or other tests) never
    reported a result, or when other tests of the run failed (listed in `failed_tests`).
    `git` is the checkout's state (report.git_state), where there is one. Every string in it
    is masked (`secrets` and known token formats) but names and ids (_NAMES, `git`)."""
    for image in images:
        for name, check in image.checks.items():
            if check.outcome not in CHECK_OUTCOMES:
                raise ValueError(
                    f"{image.dockerfile}::{name}: outcome {check.outcome!r} is not one of "
                    f"{', '.join(CHECK_OUTCOMES)}"
                )
    failed = (
        interrupted
        or not_run > 0
        or bool(failed_tests)
        or not verified(images)
        or any(i.failed for i in images)
    )
    report: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "outcome": FAILED if failed else PASSED,
    }
    if interrupted:
        report["interrupted"] = True
    if failed_tests:
        report["failed_tests"] = list(failed_tests)
    if git is not None:
        report["git"] = dict(git)
    report["images"] = [_image_dict(image) for image in images]
    masked: dict[str, Any] = redact_all(report, secrets)
    # The configuration's names, the engine's ids and the checkout's paths are no values: a
    # test password `prod` must not rename `Dockerfile.prod` in the report a gate reads.
    for shown, image in zip(masked["images"], report["images"], strict=True):
        shown.update({key: image[key] for key in _NAMES})
    if git is not None:
        masked["git"] = report["git"]
    return masked


_NAMES = ("dockerfile", "context", "tag", "image_id", "go_version", "sbom", "layers")


def git_state(
    heads: Heads, contexts: Collection[Path], outputs: Collection[Path] = ()
) -> dict[str, Any] | None:
    """The commit checked out in the work tree that holds the images' build `contexts` (as the
    run's `{git.head}` read it: `heads` keeps the first answer), and what `git status` lists
    there when the report is written: tracked files that differ, untracked ones, less the run's
    own `outputs` (the report, a JUnit file, the SBOM folder) and Python's `__pycache__`. What a
    release gate compares with the commit it releases. None outside a git checkout, where the
    contexts are in several repositories, or where git cannot list the changes."""
    from ..gofacts.git_head import NoRepository, work_tree_changes

    try:
        found = {heads.of(context) for context in contexts}
    except NoRepository:
        return None
    if len(found) != 1:
        return None
    head = found.pop()
    changes = work_tree_changes(head.root, head.commit)
    if changes is None:
        return None
    own = [output.resolve() for output in outputs]

    def written_by_the_run(name: str) -> bool:
        path = (head.root / name).resolve()
        return "__pycache__" in path.parts or any(p == path or p in path.parents for p in own)

    modified, untracked = changes
    untracked = [name for name in untracked if not written_by_the_run(name)]
    return {"commit": head.commit, "modified": modified, "untracked": untracked}


def write_report(path: Path, report: dict[str, Any]) -> None:
    """Write `report` as UTF-8 JSON so that readers only ever see a complete file."""
    text = json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Same directory, so os.replace is a rename within one filesystem; os.open with 0o666
    # lets the umask give the file the mode a plain open() would have.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # Makes the rename itself durable; directories cannot be opened this way on Windows.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load_schema() -> dict[str, Any]:
    """The report's JSON Schema (draft 2020-12), as shipped inside the package."""
    text = resources.files("pytest_goimage.report").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
