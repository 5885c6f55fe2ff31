"""What the build context lacks and why: a COPY source, a Go package, the Go sources, each
traced to an ignore rule, the wrong context folder, or a file never committed."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..gofacts.discover import project_folders
from ..gofacts.dockerfile import Instruction
from ..gofacts.go_module import requires_modules
from ..gofacts.run_mounts import Mount, context_binds
from .context import context_files, dockerfile_name_in_context, excluding_rule, ignore_file
from .failed_build import FailedBuild
from .stage_copy_hints import stage_copy_missing
from .tracking import ignore_rule_for


def _package_dir(package: str, context: Path) -> Path | None:
    """Where `package` lives on disk, from the `module` line of the go.mod at or above context."""
    for folder in (context, *context.parents):
        go_mod = folder / "go.mod"
        if go_mod.is_file():
            text = go_mod.read_text(encoding="utf-8", errors="replace")
            module = re.search(r"(?m)^module\s+(\S+)", text)
            if module and package.startswith(module.group(1) + "/"):
                return folder / package[len(module.group(1)) + 1 :]
            return None
    return None


def package_hint(package: str, context: Path, dockerfile: Path, vendored: bool = False) -> str:
    """Why the package's source is missing: a git ignore rule, .dockerignore, or never added;
    for a build that reads vendor/ (`vendored`), a dependency missing from it."""
    directory = _package_dir(package, context)
    if directory is None and vendored:
        return (
            "The build reads vendor/ (-mod=vendor), and vendor/ does not hold it: run `go mod "
            "vendor` and commit vendor/, or check that .dockerignore sends vendor/ whole."
        )
    if directory is None:
        return (
            "Its directory is not in the context: commit it, or build from the directory that "
            "holds go.mod (`context` in [tool.goimage])."
        )
    try:
        rel = directory.relative_to(context).as_posix()
    except ValueError:
        return f"{directory} is outside the build context; build from the module root."
    # A file path below the directory lets directory-only patterns (`storage/`) match.
    rule = ignore_rule_for(directory / "x.go") if directory.parent.exists() else None
    if rule:
        return (
            f"A git ignore rule hides {rel}/ ({rule}), so a clean checkout (CI) does not have "
            "it even where your working tree does. Anchor the rule (e.g. `/storage/` for "
            "runtime data) and commit the package."
        )
    if directory.is_dir():
        sent = context_files(context, dockerfile)
        if not any(p.startswith(rel + "/") and p.endswith(".go") for p in sent):
            ignore = ignore_file(context, dockerfile)
            where = os.path.relpath(ignore, context) if ignore else ".dockerignore"
            kept = sorted(f.name for f in directory.glob("*.go"))
            rule = excluding_rule(context, dockerfile, f"{rel}/{kept[0]}") if kept else None
            return (
                f"{rel}/ exists here but {rule or where} keeps its .go files out of the "
                "context: narrow that rule, or add a `!` exception for the package."
            )
        return f"{rel}/ exists in your working tree; check that it is committed."
    return f"{rel}/ does not exist in the build context: restore or commit it."


def go_files_kept_out(context: Path, dockerfile: Path) -> tuple[int, str, str] | None:
    """(how many, one of them, the rule) when the ignore file keeps every non-test .go file
    of the context directory out of the build context. Ignoring only some (`*_test.go`,
    one folder) is normal and no explanation for Go finding nothing."""
    on_disk: list[str] = []
    for folder, files in project_folders(context):
        rel = folder.relative_to(context)
        on_disk += [
            (rel / f).as_posix() for f in files if f.endswith(".go") and not f.endswith("_test.go")
        ]
    if not on_disk:
        return None
    sent = set(context_files(context, dockerfile))
    if any(path in sent for path in on_disk):
        return None
    kept = sorted(on_disk)
    rule = excluding_rule(context, dockerfile, kept[0])
    return (len(kept), kept[0], rule) if rule else None


def missing_source(build: FailedBuild, missing: str) -> str:
    """Why a COPY/ADD source, or a RUN bind mount's, that BuildKit did not find is missing: an
    ignore rule, the wrong context (the file is in a folder above), a path that reaches outside
    the context, or (go.sum) a module that has none."""
    instruction, parsed, dockerfile = build.instruction, build.parsed, build.dockerfile
    dockerfile_label, context = build.dockerfile_label, build.context
    ctx_note, log_note = build.ctx_note, build.log_note
    name = missing.lstrip("/")

    def names_it(source: str) -> bool:
        source, wanted = source.strip("./"), name.strip("./")
        return source == wanted or source.startswith(wanted + "/")

    candidates = [instruction] if instruction is not None else []
    pool = [*candidates, *parsed.instructions]
    culprit = next((i for i in pool if any(map(names_it, i.sources()))), None)
    mount = None
    if culprit is not None:
        # BuildKit may name only the first folder it could not walk (`config` for
        # `config/app.yaml`); the user wrote the whole path.
        name = next((s.strip("/") for s in culprit.sources() if names_it(s)), name)
    else:
        culprit, mount = next(
            ((i, m) for i in pool for m in context_binds(i) if names_it(m.source)), (None, None)
        )
    if culprit is None:
        from_stage = stage_copy_missing(build, name)
        if from_stage is not None:
            return from_stage
    noun = "COPY/ADD source" if mount is None else "RUN bind-mount source"
    outside = [
        f"{i.keyword} {s} (line {i.line})"
        for i in parsed.instructions
        for s in i.sources()
        if s.startswith("../") or s.startswith("/")
    ]
    where = f"{dockerfile_label}:{culprit.line}" if culprit else dockerfile_label
    hint = ""
    rule = excluding_rule(context, dockerfile, name) if (context / name).exists() else None
    if rule:
        return (
            f"{where}: {noun} {name!r} exists in {context}, but `{rule}` keeps it "
            f"out of the {ctx_note}. Remove or narrow that rule, or re-include the file below "
            f"it with `!{name}`.{log_note}"
        )
    # The commonest cause: the file exists, one level up, in the folder meant as the context.
    for ancestor in list(context.parents)[:3]:
        if (ancestor / name).exists():
            # BuildKit names the first source it misses; the user fixes them all at once.
            absent = [
                src
                for src in (culprit.sources() if culprit and not mount else [name])
                if not (context / src.strip("/")).exists() and (ancestor / src.strip("/")).exists()
            ] or [name]
            sources = ", ".join(repr(src) for src in absent)
            return (
                f"{where}: {noun}{'s' if len(absent) > 1 else ''} {sources} "
                f"{'are' if len(absent) > 1 else 'is'} not in the {ctx_note}, but "
                f"{ancestor / name} exists: this Dockerfile expects {ancestor} as its build "
                f"context. {_set_context(ancestor, build)}{log_note}"
            )
    if culprit and Path(name).name == "go.sum" and not (context / name).exists():
        return no_go_sum(where, culprit, mount, context / name, ctx_note) + log_note
    if mount is not None:
        return (
            f"{where}: this RUN bind-mounts {name!r} from the build context "
            f"(`{mount.written}`), and the {ctx_note} has no {name}. Create or commit it, or fix "
            f"the mount's source (a path in the build context).{log_note}"
        )
    in_context = dockerfile_name_in_context(dockerfile, context)
    if outside:
        hint = " Paths that reach outside the context: " + "; ".join(outside) + "."
    elif in_context and "/" in in_context:
        folder = Path(in_context).parent.as_posix()
        if (context / folder / name).exists():
            # A module's own Dockerfile built from the repository's top (a monorepo entry
            # that names its `project` but keeps the top as its context).
            return (
                f"{where}: COPY/ADD source {name!r} is not in the {ctx_note}, but "
                f"{context / folder / name} exists beside the Dockerfile: this Dockerfile "
                "expects its own folder as its build context. "
                f"{_set_context(context / folder, build)}{log_note}"
            )
        hint = (
            f" The Dockerfile sits in {folder}/ of the context, but COPY paths are relative to "
            "the context root."
        )
    return (
        f"{where}: COPY/ADD source {name!r} is not in the {ctx_note}.{hint} Build from the "
        f"directory these paths are relative to (`context` in [tool.goimage]), or fix the path."
        f"{log_note}"
    )


def _set_context(folder: Path, build: FailedBuild) -> str:
    """The advice to build from `folder`: its `context` value, relative to the project as the
    configured one is."""
    value = os.path.normpath(
        os.path.join(build.context_label, os.path.relpath(folder, build.context))
    )
    return (
        f'Set `context = "{value}"` for {build.dockerfile_label} in [tool.goimage] (or its '
        "[[tool.goimage.image]] entry)."
    )


def no_go_sum(
    where: str, culprit: Instruction, mount: Mount | None, go_sum: Path, ctx_note: str
) -> str:
    """A go.sum the Dockerfile takes in and the module does not have: Go writes none for a
    module without dependencies (`docker init`'s Go template bind-mounts it all the same)."""
    taken = (
        f"this RUN bind-mounts go.sum (`{mount.written}`)"
        if mount
        else f"this {culprit.keyword} copies go.sum"
    )
    drop = "drop that mount" if mount else f"drop go.sum from that {culprit.keyword}"
    requires = requires_modules(go_sum.parent / "go.mod")
    if requires is False:
        why = (
            f"Its go.mod requires no modules, and Go writes no go.sum for a module without "
            f"dependencies: {drop} (`go mod download` needs only go.mod)."
        )
    else:
        why = (
            "A module with dependencies needs one: run `go mod tidy` and commit go.sum (a "
            f"module with no dependencies has none: then {drop})."
        )
    return f"{where}: {taken}, and the {ctx_note} has no go.sum. {why}"
