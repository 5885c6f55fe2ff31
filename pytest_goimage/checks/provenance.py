"""`provenance`: the image is the repository's HEAD commit, by the binary's own VCS stamp
(`vcs.revision`, `vcs.modified`) or, when the build had no `.git`, by the image's
`org.opencontainers.image.revision` label; also says whether `-trimpath` kept local paths out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

from ..build.changed_inputs import build_files_not_in_head, changed_inputs, listed
from ..build.context import context_files, excluding_rule
from ..build.ignored_sources import ignored_sources
from ..build.tracking import is_build_input
from ..config import ImageConfig
from ..config_committed import uncommitted_build_settings
from ..engine.image import BuiltImage
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.buildinfo import BuildInfo
from ..gofacts.dockerfile import Dockerfile, read_dockerfile
from ..gofacts.git_head import (
    GitRefused,
    Head,
    NoRepository,
    tracked_under,
    worktree_link,
)
from ..gofacts.linker_commit import linked_commit_value, linker_commit, written_commit_link
from ..gofacts.revision_label import (
    REVISION_LABEL,
    empty_label,
    label_beside_stamp,
    label_line,
    label_problem,
    same_commit,
)
from ..gofacts.source_paths import local_source_paths
from ..session import GoImageSession
from .base import require_image

_SHOWN = 3

# A linked value safe to show: a short word such as `unknown`, `dev`, `v1.2.0-dirty`.
_PLAIN_WORD = re.compile(r"[\w.+-]{1,40}")

HOW_TO_RECORD = (
    "record it: declare `ARG GIT_SHA` and `LABEL org.opencontainers.image.revision=$GIT_SHA` "
    'in the final stage and set build_args = { GIT_SHA = "{git.head}" } in [tool.goimage] '
    "(the commit checked out, in CI too), or send .git in the build context to a builder "
    "that has git, so that Go stamps vcs.revision (-buildvcs)"
)


def run(session: GoImageSession, image: ImageConfig) -> str:
    # Not require_go_binary: an image that runs no Go program (or whose binary cannot be
    # read, which `static` reports) can still prove its commit with the label, and under
    # require_provenance must not pass the gate by being skipped.
    built = require_image(session, image)
    info = _build_info(session, image, built)
    label = built.config.labels.get(REVISION_LABEL, "").strip()
    inherited = bool(label) and not _own_label(image)
    if inherited:
        label = ""  # the base image's commit, not this build's
    stamped = info.setting("vcs.revision") if info is not None else None
    try:
        head = session.config.heads.of(image.context_path)
    except GitRefused as exc:
        # Not "no facts": the checkout is there, one command away from being read.
        raise CheckFailed(f"{image.dockerfile}: provenance cannot be verified: {exc}.") from None
    except NoRepository as exc:
        _no_facts(image, f"{exc}, so there is no HEAD to compare the image with")
    line = label_line(_dockerfile(image), image.target)
    # Without a stamp or a label, a commit the build linked in (`-X main.commit=$GIT_SHA`)
    # is a record as good as a label: both come from what the build was given.
    linked = linker_commit(info) if info is not None and not stamped and not label else None
    commit = linked_commit_value(linked[1]) if linked is not None else None
    if linked is not None and commit is None:
        # A placeholder (`unknown`, `dev`) names no commit: as if none were recorded.
        value = linked[1].strip()
        shown = (
            f"is {value!r}"
            if _PLAIN_WORD.fullmatch(value)
            else "is set, but to no commit"
            if value
            else "is empty"
        )
        _no_facts(
            image,
            f"image {built.tag} records no commit: its Go binary's `-X {linked[0]}` {shown} "
            "(no vcs.revision in its Go build info, no revision label), as when "
            "the build argument that sets it got no value; pass the commit to that argument, "
            'build_args = { NAME = "{git.head}" } in [tool.goimage]',
        )
    recorded, called = (
        (commit or "", f"its Go binary's `-X {linked[0]}`")
        if linked is not None
        else (label, f"its {REVISION_LABEL} label")
    )
    if not stamped and not recorded:
        empty = None if inherited else empty_label(line, image.file_name)
        whose = (
            f"its {REVISION_LABEL} label comes from the base image (no LABEL of the final stage "
            "sets it)"
            if inherited
            else f"no {REVISION_LABEL} label"
        )
        _no_facts(
            image,
            f"image {built.tag} records no commit (no vcs.revision in its Go build info, and "
            f"{empty})"
            if empty
            else f"image {built.tag} records no commit (no vcs.revision in its Go build info, "
            f"{whose}); {HOW_TO_RECORD}{_worktree_note(image)}{_trimmed_link(image, info)}",
        )
    problems: list[str] = []
    if stamped and info is not None:
        problems += _stamp_problems(image, info, stamped, head)
    written = {
        name: (value, _entry(image) if name in image.own_build_args else "[tool.goimage]")
        for name, value in image.build_args.items()
    }
    labelled = label_problem(recorded, head.commit, written, called) if recorded else None
    beside = bool(labelled and stamped and same_commit(stamped, head.commit))
    if labelled:  # beside a binary that is HEAD's, the label is what is wrong, not the build
        problems.append(label_beside_stamp(label, line, image.file_name) if beside else labelled)
    if not stamped:
        # A label names a commit, not the files sent: changes since HEAD are not HEAD.
        problems += changed_inputs(image, _run_outputs(session, image), session.written_files)
    problems += build_files_not_in_head(image, head.root)
    settings = uncommitted_build_settings(session.config, image, head.root)
    problems += [settings] if settings else []
    if beside and len(problems) == 1:
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} is HEAD's commit by its Go binary's "
            f"vcs.revision, but {problems[0]}."
        )
    if problems:
        raise CheckFailed(
            f"{image.dockerfile}: image {built.tag} is not the commit under test: "
            f"{'; '.join(problems)}. Rebuild it from HEAD; a release must ship what was tested."
        )
    ignored = (
        [] if stamped else ignored_sources(image.context_path, _dockerfile(image), image.target)
    )
    if ignored:
        vouching = f"the {REVISION_LABEL} label" if linked is None else f"its `-X {linked[0]}`"
        # A binary built beforehand (`make build`, goreleaser) from who knows which commit.
        _no_facts(
            image,
            f"the image's own stage copies in {listed(ignored)}, which git ignores: made "
            f"outside the image's build, so {vouching}, which names the commit "
            "the image was built at, does not vouch for it. Build it in a stage of the "
            "Dockerfile, or build a Go binary in the checkout without -buildvcs=false, so that "
            "Go stamps its vcs.revision",
        )
    source = (
        "vcs.revision"
        if stamped
        else f"-X {linked[0]} in its -ldflags"
        if linked is not None
        else f"label {REVISION_LABEL}"
    )
    if info is None:
        return f"{built.tag}: commit {head.commit} ({source}; no Go build info to read)"
    return f"{built.tag}: commit {head.commit} ({source}); {_trimpath_note(built, info)}"


def _trimmed_link(image: ImageConfig, info: BuildInfo | None) -> str:
    """Why a commit the Dockerfile links in with -X is not read: a -trimpath build's info
    leaves -ldflags out ("" where the Dockerfile links none, or the build is not trimmed)."""
    written = written_commit_link(_dockerfile(image))
    if info is None or written is None or info.setting("-trimpath") != "true":
        return ""
    line, name = written
    return (
        f". Its `go build` ({image.file_name}:{line}) links the commit in with `-X {name}`, but "
        "it builds with -trimpath, whose build info leaves -ldflags out, so the binary does not "
        "say which commit it holds: record it with the label as well"
    )


def _worktree_note(image: ImageConfig) -> str:
    """Why sending .git did not let Go stamp: the context's `.git` is a worktree's link file."""
    link = worktree_link(image.context_path)
    if link is None or excluding_rule(image.context_path, image.dockerfile_path, ".git"):
        return ""
    return (
        f". The .git this context sends is a link file (`gitdir: {link}`, as `git worktree "
        "add` writes it) to a repository outside the context, so git in the builder finds none "
        "and Go stamps nothing: build from the main checkout, or record the commit with the label"
    )


def _build_info(session: GoImageSession, image: ImageConfig, built: BuiltImage) -> BuildInfo | None:
    """The Go binary's build info; None when the image runs no Go program or its binary
    cannot be read (`static` says why), so that only the label is left to go by."""
    if session.no_go_binary(image):
        return None
    try:
        return built.binary.build_info
    except GoImageError:
        return None


def _run_outputs(session: GoImageSession, image: ImageConfig) -> list[Path]:
    """What pytest-goimage itself writes into a checkout: the size baseline, the SBOM folder."""
    return [image.baseline, *([session.sbom_dir] if session.sbom_dir else [])]


def _dockerfile(image: ImageConfig) -> Dockerfile:
    return read_dockerfile(image.dockerfile_path)[1]


def _own_label(image: ImageConfig) -> bool:
    """Whether the Dockerfile's final stage (or a stage it is built FROM) sets the revision
    label: one it does not set came with the base image and names the base's commit."""
    own = _dockerfile(image).labels_set(image.target)
    # Unknown (an unreadable Dockerfile, a variable only the build expands): take the label
    # at its word.
    return own is None or REVISION_LABEL in own


def _entry(image: ImageConfig) -> str:
    return f"the [[tool.goimage.image]] entry of {image.dockerfile}"


def _no_facts(image: ImageConfig, why: str) -> NoReturn:
    """Skip, or fail under require_provenance: without recorded facts nothing is proven."""
    if image.require_provenance:
        raise CheckFailed(
            f"{image.dockerfile}: provenance cannot be verified: {why}. require_provenance = "
            "true in [tool.goimage] makes that a failure."
        )
    raise CheckSkipped(f"{image.dockerfile}: provenance not verified: {why}.")


def _stamp_problems(image: ImageConfig, info: BuildInfo, stamped: str, head: Head) -> list[str]:
    problems: list[str] = []
    if not same_commit(stamped, head.commit):
        when = info.setting("vcs.time")
        problems.append(
            f"its Go binary was built from commit {stamped}"
            f"{f' ({when})' if when else ''}, but HEAD is {head.commit}"
        )
    if info.setting("vcs.modified") == "true":
        problems.append(f"its Go binary says vcs.modified=true: {_dirty_cause(image, head)}")
    return problems


def _dirty_cause(image: ImageConfig, head: Head) -> str:
    """Why the builder's `git status` saw changes: tracked files the ignore file kept out
    (git sees them as deleted), else local changes sent with the context."""
    context = image.context_path
    try:
        prefix = context.resolve().relative_to(head.root).as_posix()
    except ValueError:
        return "the build's copy of the repository differs from its commit"
    prefix = "" if prefix == "." else prefix + "/"
    sent = set(context_files(context, image.dockerfile_path))
    dropped = [
        path[len(prefix) :]
        for path in tracked_under(head.root, prefix)
        if path[len(prefix) :] not in sent
    ]
    if dropped:
        # Go sources first: they are what a reader of the message must look at.
        dropped.sort(key=lambda path: (not is_build_input(path), path))
        rule = excluding_rule(context, image.dockerfile_path, dropped[0])
        shown = ", ".join(dropped[:_SHOWN]) + (
            f" and {len(dropped) - _SHOWN} more" if len(dropped) > _SHOWN else ""
        )
        return (
            f"the build context sends .git but not {len(dropped)} tracked file(s) ({shown}"
            f"{f'; {rule}' if rule else ''}), so git in the builder sees them deleted. Keep "
            ".git out of the context (add it to the ignore file) and record the commit with a "
            "label, or stop ignoring tracked files"
        )
    return (
        "the context sends files that differ from the commit (uncommitted changes, or files "
        "the build wrote before `go build`); commit them, or keep .git out of the context"
    )


def _trimpath_note(built: BuiltImage, info: BuildInfo) -> str:
    if info.setting("-trimpath") == "true":
        return "built with -trimpath"
    try:
        data = built.read_file(built.binary.path)
    except (OSError, ValueError):
        return "not built with -trimpath"
    paths = sorted(local_source_paths(data))
    if not paths:
        return "not built with -trimpath (no local paths found in it)"
    # One example per top folder: /src/..., /usr/local/go/..., /go/pkg/mod/...
    examples: dict[str, str] = {}
    for path in paths:
        examples.setdefault(Path(path).parts[1], path)
    shown = ", ".join(list(examples.values())[:_SHOWN])
    return (
        f"not built with -trimpath: {len(paths)} local paths leak into the binary, such as "
        f"{shown} (add -trimpath to go build)"
    )
