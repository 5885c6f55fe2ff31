"""`tracked`: every Go build input in the context is tracked by git, so CI builds what you test."""

from __future__ import annotations

import posixpath

from ..build.tracking import UntrackedInput, untracked_inputs
from ..config import ImageConfig
from ..errors import CheckFailed, CheckSkipped
from ..gofacts.git_head import GitRefused, NoRepository
from ..session import GoImageSession

MAX_LISTED = 15
GROUPED_FROM = 3  # more files than this behind one rule are one line


def run(session: GoImageSession, image: ImageConfig) -> str:
    try:
        missing = untracked_inputs(image.context_path, image.dockerfile_path)
    except GitRefused as exc:
        # A checkout the check could read after one command: skipping it would pass the gate.
        raise CheckFailed(
            f"{image.dockerfile}: cannot tell whether build context {image.context!r} is "
            f"tracked: {exc}."
        ) from None
    except NoRepository as exc:
        raise CheckSkipped(
            f"{image.dockerfile}: {exc}, so there is no clean checkout to compare with."
        ) from None
    if not missing:
        return f"every Go build input in build context {image.context!r} is tracked by git"
    ignored = [m for m in missing if m.rule]
    lines = _listing(missing)
    advice = "`git add` them"
    if ignored and all(m.path.startswith("vendor/") for m in ignored):
        advice = (
            "vendor/ is ignored, but Go builds from it (a vendor/modules.txt makes -mod=vendor "
            "the default): commit vendor/ (drop the rule), or delete vendor/ and let the build "
            "download the modules"
        )
    elif ignored and all(m.path.rsplit("/", 1)[-1] in ("go.work", "go.work.sum") for m in ignored):
        # trial 13: the generic "anchor the rule" advice was no fix for an ignored go.work.
        advice = (
            "go.work or go.work.sum is ignored, but the build reads them (workspace mode, its "
            "`use`d modules): "
            "commit go.work and go.work.sum (drop the rule), or build without it (`ENV "
            "GOWORK=off` in the Dockerfile, or a .dockerignore line for go.work)"
        )
    elif ignored:
        advice = (
            "Narrow the ignore rule (anchor it, e.g. `/storage/` for runtime data) and `git add` "
            "the files"
        )
    inside = sorted({m.submodule for m in missing if m.submodule})
    if inside:
        advice += (
            f"; a file inside the submodule {inside[0]} is tracked by that repository: add and "
            f"commit it there (`git -C {inside[0]} add ...`, then commit), then commit the "
            f"submodule's new commit here (`git add {inside[0]}`)"
        )
    if any(m.embedded_by for m in missing):
        advice += (
            "; a file that `//go:embed` takes is built into the binary: where the build makes "
            "it itself (a RUN before `go build`), list it in the .dockerignore instead, so that "
            "no build takes this machine's copy"
        )
    raise CheckFailed(
        f"{image.dockerfile}: {len(missing)} Go build input(s) in build context "
        f"{image.context!r} are not tracked by git, so a clean checkout (CI) builds something "
        f"else than this machine does. {advice}:\n" + "\n".join(lines)
    )


def _listing(missing: list[UntrackedInput]) -> list[str]:
    """One line per input, except that the many files one rule hides in one folder (a whole
    vendor/) are one line; at most MAX_LISTED lines."""
    by_rule: dict[str, list[UntrackedInput]] = {}
    for item in missing:
        if item.rule:
            by_rule.setdefault(item.rule, []).append(item)
    lines: list[str] = []
    summarised: set[str] = set()
    for item in missing:
        group = by_rule.get(item.rule or "", [])
        if len(group) > GROUPED_FROM and item.rule not in summarised:
            summarised.add(item.rule or "")
            folder = posixpath.commonpath([m.path for m in group])
            where = f"under {folder}/" if folder else "in the context"
            embeds = {m.embedded_by for m in group}
            by = item.embedding() if len(embeds) == 1 else ""
            lines.append(f"    {len(group)} files {where} are ignored by git ({item.rule}){by}")
        elif len(group) <= GROUPED_FROM:
            lines.append(f"    {item.describe()}")
    if len(lines) > MAX_LISTED:
        lines[MAX_LISTED:] = [f"    ... and {len(lines) - MAX_LISTED} more"]
    return lines
