"""`provenance`: the image is the repository's HEAD commit, by the binary's own VCS stamp
(`vcs.revision`, `vcs.modified`) or, when the build had no `.git`, by the image's
`org.opencontainers.image.revision` label; also says whether `-trimpath` kept local paths out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ..build.context import context_files, excluding_rule, ignore_file
from ..build.ignored_sources import ignored_sources
from ..build.tracking import is_build_input
from ..config import ImageConfig
from ..config_committed import uncommitted_build_settings
from ..engine.image import BuiltImage
from ..errors import CheckFailed, CheckSkipped, GoImageError
from ..gofacts.buildinfo import BuildInfo
from ..gofacts.context_sources import (
    context_sources,
    image_sources,
    takes,
    target_sources,
)
from ..gofacts.dockerfile import Dockerfile, read_dockerfile
from ..gofacts.git_head import (
    GitRefused,
    Head,
    NoRepository,
    modified_under,
    tracked_under,
    untracked_under,
    worktree_link,
)
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
# What a pytest run leaves in the checkout by itself (besides the plugin's own outputs,
# _run_outputs): never part of a commit's content.
_RUN_BYPRODUCT = re.compile(r"(?:^|/)(?:__pycache__|\.pytest_cache)/")

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
    if not stamped and not label:
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
            f"{whose}); {HOW_TO_RECORD}{_worktree_note(image)}",
        )
    problems: list[str] = []
    if stamped and info is not None:
        problems += _stamp_problems(image, info, stamped, head)
    written = {
        name: (value, _entry(image) if name in image.own_build_args else "[tool.goimage]")
        for name, value in image.build_args.items()
    }
    labelled = label_problem(label, head.commit, written) if label else None
    beside = bool(labelled and stamped and same_commit(stamped, head.commit))
    if labelled:  # beside a binary that is HEAD's, the label is what is wrong, not the build
        problems.append(label_beside_stamp(label, line, image.file_name) if beside else labelled)
    if not stamped:
        # A label names a commit, not the files sent: changes since HEAD are not HEAD.
        problems += _changed_inputs(image, _run_outputs(session, image), session.written_files)
    problems += _build_files_not_in_head(image, head.root)
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
        # A binary built beforehand (`make build`, goreleaser) from who knows which commit.
        _no_facts(
            image,
            f"the image's own stage copies in {_listed(ignored)}, which git ignores: made "
            f"outside the image's build, so the {REVISION_LABEL} label, which names the commit "
            "the image was built at, does not vouch for it. Build it in a stage of the "
            "Dockerfile, or build a Go binary in the checkout without -buildvcs=false, so that "
            "Go stamps its vcs.revision",
        )
    source = "vcs.revision" if stamped else f"label {REVISION_LABEL}"
    if info is None:
        return f"{built.tag}: commit {head.commit} ({source}; no Go build info to read)"
    return f"{built.tag}: commit {head.commit} ({source}); {_trimpath_note(built, info)}"


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


def _changed_inputs(
    image: ImageConfig, outputs: Sequence[Path] = (), reports_written: Sequence[Path] = ()
) -> list[str]:
    """Files in the build context that are not HEAD's and reach the build (sent, not ignored,
    and taken in by a COPY, ADD or RUN bind mount): tracked files that differ from HEAD, and
    files git does not track (a clean checkout of HEAD has none of them)."""
    parsed = _dockerfile(image)
    sources, shipped = context_sources(parsed), image_sources(parsed, image.target)

    def reaches(name: str, taken: list[str]) -> bool:
        sent = excluding_rule(image.context_path, image.dockerfile_path, name) is None
        return sent and takes(taken, name)

    changed = [name for name in modified_under(image.context_path) if reaches(name, sources)]
    # A tracked report of an earlier run that this run removed or rewrites: every run changes
    # it, so committing cannot help; say what does.
    reports = [path.resolve() for path in reports_written]
    rewritten = [n for n in changed if (image.context_path / n).resolve() in reports]
    changed = [n for n in changed if n not in rewritten]
    # The Dockerfile and its ignore file decide the build whatever the build copies, and may
    # sit outside the context.
    for file in _build_files(image):
        if file.name in modified_under(file.parent):
            shown = _relative(file, image.context_path)
            if shown not in changed:
                changed.append(shown)
    # Untracked files count where a stage the build runs takes them in, a builder's too (its
    # `cat VERSION` or `cp -r static/` reaches the image; Go's vcs.modified counts them
    # alike), leaving out what the test run writes itself (pytest's caches).
    written = [path.resolve() for path in [*outputs, *reports_written]]
    built_from = target_sources(parsed, image.target, image.build_args)
    untracked = [
        name
        for name in untracked_under(image.context_path)
        if not _RUN_BYPRODUCT.search(name)
        and not _written_by_run(image.context_path / name, written)
        and reaches(name, built_from)
    ]
    by_builder = [name for name in untracked if not takes(shipped, name)]
    problems = []
    if rewritten:
        problems.append(
            f"git tracks {_listed(rewritten)}, which this run writes (--goimage-report, "
            "--junitxml, pytest's log_file) inside the build context, so every run changes the context the image "
            "is built from; stop tracking it (`git rm --cached`, and ignore it) or write it "
            "outside the build context"
        )
    if changed:
        # A deleted file is a change too, but "changed" alone sent a user looking for an edit
        # of a file that is not there (trial 35B).
        context = image.context_path
        named = [
            name
            if (context / name).exists() or (context / name).is_symlink()
            else f"{name}: deleted"
            for name in changed
        ]
        problems.append(
            f"its build context holds {len(changed)} tracked file(s) changed since HEAD "
            f"({_listed(named)}), so the image is not HEAD's content whatever its label says; "
            "commit or stash them"
        )
    if untracked:
        how = (
            "that the image's own stage copies in"
            if not by_builder
            else f"that the build copies in ({_listed(by_builder)} only in a builder stage, "
            "whose output the image takes)"
        )
        problems.append(
            f"its build context holds {len(untracked)} file(s) git does not track "
            f"({_listed(untracked)}) {how}, which a clean checkout of HEAD does not have; "
            "commit them, or keep them out of the build context (.dockerignore)"
        )
    return problems


def _build_files_not_in_head(image: ImageConfig, root: Path) -> list[str]:
    """The Dockerfile and its ignore file where HEAD has no copy of them (git does not track
    them, or they lie outside the repository): a clean checkout of HEAD cannot build this
    image, whatever commit the image names."""
    problems = []
    for file in _build_files(image):
        try:
            name = file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            problems.append(
                f"{file.resolve()} is outside the repository ({root}), so "
                "HEAD does not record how the image is built; keep it in the repository"
            )
            continue
        if not tracked_under(root, name, submodules=True):  # a clean clone checks those out
            problems.append(
                f"git does not track {name}, so a clean checkout of HEAD cannot build this "
                "image; commit it"
            )
    return problems


def _build_files(image: ImageConfig) -> list[Path]:
    """The Dockerfile and the ignore file the build applies (if any): they decide the build
    whatever it copies, and may sit outside the context."""
    ignore = ignore_file(image.context_path, image.dockerfile_path)
    return [image.dockerfile_path, *([ignore] if ignore is not None else [])]


def _written_by_run(path: Path, written: Sequence[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == out or resolved.is_relative_to(out) for out in written)


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _relative(file: Path, context: Path) -> str:
    try:
        return file.resolve().relative_to(context.resolve()).as_posix()
    except ValueError:
        return str(file)


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
