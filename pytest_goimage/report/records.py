"""The run's results as data: one vocabulary of outcomes, an image's facts, each check's record.

The renderers (json_report, terminal, markdown) are pure functions over these records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Final, Literal, get_args

# A built-in check's outcome, as the JSON report's `checkOutcome` lists them.
Outcome = Literal["passed", "failed", "skipped", "error"]
PASSED: Final = "passed"
FAILED: Final = "failed"
SKIPPED: Final = "skipped"
ERROR: Final = "error"
CHECK_OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
BAD_OUTCOMES: frozenset[Outcome] = frozenset({FAILED, ERROR})
NOT_RUN_DESELECTED = "not run: deselected (-k/-m)"
NOT_RUN_UNNAMED = "not run: not named on the command line"  # `pytest --goimage X::static`
NOT_RUN_LAST_FAILED = "not run: deselected (--lf: it did not fail last time)"
NOT_RUN_SELECTION_OR_LAST_FAILED = "not run: deselected (-k/-m, or --lf: it did not fail last time)"
# The static check's words for a Go binary built for another CPU than its image's: the
# summaries' static cell shows that GOARCH instead of "yes" (static, but it cannot run there).
WRONG_GOARCH = "is built for GOARCH={goarch}, but the image is {arch}"
# The node id of the repository's checks' collector: `goimage::parity`.
REPOSITORY_NODE = "goimage"

# What a built-in check's item records about itself, as pytest user_properties (shipped by
# xdist, written by JUnit): names from the configuration, never masked (masking.py), and
# the check's own words, masked.
PROP_DOCKERFILE = "dockerfile"
PROP_CHECK = "check"
PROP_MESSAGE = "message"  # what a passed check checked (`/app: static, CGO_ENABLED=0, ...`)
PROP_SCOPE = (
    "scope"  # REPOSITORY on a repository check (`goimage::parity`), which has no dockerfile
)
REPOSITORY = "repository"
# On a repository check, one per image whose own outcome differs from the check's: a JSON
# list [dockerfile, outcome, message] (user_properties travel through xdist and JUnit).
PROP_IMAGE_OUTCOME = "image_outcome"

# Facts travel as pytest user_properties (shipped by xdist, written by JUnit); `tag` goes
# by the property name "image", which JUnit readers already know.
_PROPERTY_NAMES = {"tag": "image"}
# A built-in check's properties that are names or ids (the configuration's, the engine's, a
# file the run wrote), not values: masking leaves them as they are.
NAME_PROPERTIES = frozenset(
    {PROP_DOCKERFILE, PROP_CHECK, PROP_SCOPE, "image", "image_id", "go_version", "sbom", "layers"}
)


@dataclass(kw_only=True)
class ImageFacts:
    """What is known about one built image; None: not known (not built, or not readable)."""

    tag: str | None = None
    image_id: str | None = None
    size_bytes: int | None = None
    build_seconds: float | None = None
    build_cached: bool | None = None  # every build step came from the cache
    go_version: str | None = None
    static: bool | None = None
    go_binary: bool | None = None  # False: the image runs no Go program (Go checks skipped)
    sbom: str | None = None  # the CycloneDX file --goimage-sbom wrote for it
    # Its layers' digests (RootFS.Layers, lowest first), comma-separated: what an image built
    # elsewhere from the same inputs has too, where the run's own image ID (with the plugin's
    # labels) differs; a gate compares the image it pushes with them.
    layers: str | None = None

    def properties(self) -> list[tuple[str, object]]:
        """The known facts as (name, value) pairs for an item's `user_properties`."""
        return [
            (_PROPERTY_NAMES.get(f.name, f.name), getattr(self, f.name))
            for f in fields(ImageFacts)
            if getattr(self, f.name) is not None
        ]

    def update_from(self, properties: Mapping[str, Any]) -> None:
        """Take the facts that `properties` (an item's user_properties) carry."""
        for f in fields(ImageFacts):
            name = _PROPERTY_NAMES.get(f.name, f.name)
            if name in properties:
                setattr(self, f.name, _FACT_TYPES[f.name](properties[name]))


_FACT_TYPES: dict[str, type[Any]] = {
    "tag": str,
    "image_id": str,
    "size_bytes": int,
    "build_seconds": float,
    "build_cached": bool,
    "go_version": str,
    "static": bool,
    "go_binary": bool,
    "sbom": str,
    "layers": str,
}


@dataclass
class CheckRecord:
    """One built-in check's result for one image."""

    outcome: Outcome
    message: str = ""
    seconds: float = 0.0


@dataclass(kw_only=True)
class ImageRecord(ImageFacts):
    """Everything the report says about one configured Dockerfile: its facts, its budget and
    baseline, and its checks."""

    dockerfile: str  # as configured, relative to `project`
    context: str
    size_budget: int = 0
    baseline_bytes: int | None = None
    # Keyed by check name in the order the checks ran (go-version, tracked, build, ...).
    checks: dict[str, CheckRecord] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """True when any check failed or errored; skips alone do not fail an image."""
        return any(check.outcome in BAD_OUTCOMES for check in self.checks.values())

    @property
    def outcome(self) -> Outcome:
        """failed, passed when a check passed and none failed, else skipped: an image whose
        checks were all deselected or skipped was not checked and must not read as passed."""
        if self.failed:
            return FAILED
        return PASSED if any(c.outcome == PASSED for c in self.checks.values()) else SKIPPED

    @property
    def deselected(self) -> int:
        left_out = (
            NOT_RUN_DESELECTED,
            NOT_RUN_UNNAMED,
            NOT_RUN_LAST_FAILED,
            NOT_RUN_SELECTION_OR_LAST_FAILED,
        )
        return sum(1 for c in self.checks.values() if c.message in left_out)


def any_failed(images: Sequence[ImageRecord]) -> bool:
    """Whether a check of any image failed or erred: the report says failed for that."""
    return any(image.failed for image in images)


def verified(images: Sequence[ImageRecord]) -> bool:
    """Whether any image had a check pass: with none (none ran, or all were skipped) nothing
    was verified, and the report must not say passed."""
    return any(c.outcome == PASSED for image in images for c in image.checks.values())
