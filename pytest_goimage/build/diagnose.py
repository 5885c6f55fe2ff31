"""Turn a failed BuildKit build into the message a user needs: where, what ran, and why."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import DockerfileSyntaxError
from ..gofacts.dockerfile import (
    Dockerfile,
    Instruction,
    normalise_command,
    parse_dockerfile,
    parse_dockerfile_leniently,
    parser_directives,
)
from ..gofacts.dockerfile_pins import resolved_bases
from .buildkit_trace import Vertex
from .context import context_files, dockerfile_name_in_context, excluding_rule, ignore_file
from .discover import SKIPPED_DIRS
from .engine_build import BuildTrace
from .tracking import ignore_rule_for

MAX_LINES = 12

_GO_ERROR = re.compile(r"^\s*(?:#\d+\s+[\d.]+\s+)?((?:[\w./-]+\.go):\d+(?::\d+)?: .+)$")
_GO_TOOL_ERROR = re.compile(
    r"^\s*(?:#\d+\s+[\d.]+\s+)?((?:go: |go\.mod requires|verifying |SECURITY ERROR|package ).+)$"
)
# `go: errors parsing go.mod:` is followed by the position and the cause on a line of its own.
_GO_MOD_ERROR = re.compile(
    r"^\s*(?:#\d+\s+[\d.]+\s+)?((?:[\w./-]*/)?go\.(?:mod|work):\d+(?::\d+)?: .+)$"
)
_NOT_IN_STD = re.compile(r"package (\S+) is not in std")
_NO_MODULE = re.compile(r"no required module provides package (\S+?)(?:;|$)")
_GO_TOO_OLD = re.compile(r"go\.mod requires go >= (\S+) \(running go (\S+?);")
_STEP_NAME = re.compile(
    r"^\[(?:(?P<stage>[^\]\s]+) )?(?P<index>\d+)/(?P<total>\d+)\] (?P<text>.*)$", re.S
)
# ENOSPC as Go, coreutils and BuildKit spell it.
DISK_FULL = re.compile(r"no space left on device", re.IGNORECASE)
_PARSE_ERROR = re.compile(r"dockerfile parse error (?:on )?line (\d+): (.+)")
_MISSING_SOURCE = re.compile(r'"(/[^"]*)" not found')
# The same, once an earlier `COPY . .` sent the whole context: BuildKit walks its mount.
_MISSING_WALK = re.compile(r"failed to walk \S*?/buildkit-mount\d+(/[^:\s]*): lstat")
_NO_GO_FILES = re.compile(r"no Go files in |matched no packages")
_NO_C_COMPILER = re.compile(
    r'cgo: C compiler "[^"]+" not found|exec: "(?:gcc|cc|clang)": executable'
)


@dataclass(frozen=True)
class Diagnosis:
    message: str
    cause: str  # short tag for reports and tests: go-compile, go-missing-package, ...


def diagnose(
    trace: BuildTrace,
    *,
    dockerfile: Path,
    dockerfile_label: str,
    context: Path,
    context_label: str,
    log_path: Path | None,
    build_args: Mapping[str, str] | None = None,
) -> Diagnosis:
    """Explain a failed build in one paragraph plus the lines that matter."""
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    parsed = parse_dockerfile_leniently(text)
    step = trace.failed_step()
    error = (step.error if step else "") or trace.error
    output = trace.output(step.digest) if step else ""
    instruction = _instruction_for(step, parsed) if step else None
    where = f"{dockerfile_label}:{instruction.line}" if instruction else dockerfile_label
    log_note = f"\nFull build log: {log_path}" if log_path else ""
    ctx_note = f"build context {context_label!r} ({context})"

    parse_error = _PARSE_ERROR.search(trace.error)
    if parse_error:
        return Diagnosis(
            f"{dockerfile_label}:{parse_error.group(1)}: Dockerfile syntax error: "
            f"{parse_error.group(2).strip()}. Fix the instruction on that line.{log_note}",
            "dockerfile-syntax",
        )
    builder = re.search(r'no builder "?([^"\s]+)"? found', trace.error)
    if builder:
        return Diagnosis(
            f"{dockerfile_label}: buildx has no builder {builder.group(1)!r} (chosen by "
            "GOIMAGE_BUILDER or `builder` in [tool.goimage]). `docker buildx ls` lists the "
            f"builders there are: pick one of them, or create it with `docker buildx create "
            f"--name {builder.group(1)} ...`.{log_note}",
            "unknown-builder",
        )
    target = re.search(r"target stage (\S+) could not be found", trace.error)
    if target:
        named = [s.name for s in parsed.stages if s.name]
        close = difflib.get_close_matches(target.group(1), named, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return Diagnosis(
            f"{dockerfile_label}: build target {target.group(1)} is not a stage of this "
            f"Dockerfile (named stages: {', '.join(named) or 'none'}); fix `target` in "
            f"[tool.goimage].{hint}{log_note}",
            "unknown-target",
        )
    missing = _MISSING_SOURCE.search(trace.error) or _MISSING_WALK.search(trace.error)
    if missing and ("cache key" in trace.error or "failed to walk" in trace.error or not step):
        return Diagnosis(
            _missing_source(
                missing.group(1),
                instruction,
                parsed,
                dockerfile,
                dockerfile_label,
                context,
                context_label,
                ctx_note,
                log_note,
            ),
            "copy-outside-context",
        )

    base = _base_image_error(trace.error, parsed, text, build_args or {})
    if base:
        return Diagnosis(f"{dockerfile_label}:{base[0]}: {base[1]}{log_note}", "base-image")
    go_lines = _go_lines(output)
    head = (
        f"{where}: the build failed in step `{_shorten(_step_text(step))}`"
        if step
        else f"{where}: the build failed before any step ran"
    )
    full = [line for line in (output + "\n" + trace.error).splitlines() if DISK_FULL.search(line)]
    if full:
        return Diagnosis(
            f"{head}: a disk filled up (no space left on device): the engine's storage or a "
            "file system the step writes to. Free space (`docker system df` shows what uses it; "
            "`docker builder prune` drops the build cache), then rerun.\n"
            f"{_block(full[-MAX_LINES:])}{log_note}",
            "disk-full",
        )
    if _NO_C_COMPILER.search(output):
        return Diagnosis(
            f"{head}: the step builds with cgo (CGO_ENABLED=1) and the builder image has no C "
            "compiler. Build with CGO_ENABLED=0 for a static binary (what the static check "
            "expects), or install one in the builder (alpine: gcc musl-dev).\n"
            f"{_block([ln for ln in output.splitlines() if _NO_C_COMPILER.search(ln)][-3:])}"
            f"{log_note}",
            "cgo-no-compiler",
        )
    too_old = _GO_TOO_OLD.search(output)
    if too_old:
        base_line = _builder_line(parsed, instruction)
        return Diagnosis(
            f"{head}: the builder image runs Go {too_old.group(2)} but go.mod requires Go >= "
            f"{too_old.group(1)}. Use a builder image with Go {too_old.group(1)} or newer"
            f"{f' (FROM at {dockerfile_label}:{base_line})' if base_line else ''}, or lower "
            f"go.mod's go/toolchain line.\n{_block(go_lines)}{log_note}",
            "go-too-old",
        )
    if any(_GO_MOD_ERROR.match(line) for line in go_lines):
        return Diagnosis(
            f"{head}: go.mod in the build context cannot be parsed:\n{_block(go_lines)}\n"
            f"Fix the line it names (`go mod tidy` locally shows the same).{log_note}",
            "go-mod-invalid",
        )
    package = _NOT_IN_STD.search(output) or _NO_MODULE.search(output)
    if package:
        return Diagnosis(
            f"{head}: Go package {package.group(1)} is imported but its source is not in the "
            f"{ctx_note}. {_package_hint(package.group(1), context, dockerfile)}\n"
            f"{_block(go_lines)}{log_note}",
            "go-missing-package",
        )
    kept_out = _go_files_kept_out(context, dockerfile) if _NO_GO_FILES.search(output) else None
    if kept_out:
        count, example, rule = kept_out
        return Diagnosis(
            f"{head}: Go finds no sources because `{rule}` keeps {count} .go file"
            f"{'s' if count > 1 else ''} (such as {example}) out of the {ctx_note}. Remove or "
            f"narrow that rule.\n"
            f"{_block(go_lines or [ln for ln in output.splitlines() if _NO_GO_FILES.search(ln)])}"
            f"{log_note}",
            "go-files-ignored",
        )
    if re.search(r"checksum mismatch|SECURITY ERROR|missing go\.sum entry", output):
        return Diagnosis(
            f"{head}: go.sum does not match the downloaded modules (go mod verify / checksum "
            f"mismatch). Run `go mod tidy` and commit go.sum, and check GOPROXY/GOSUMDB.\n"
            f"{_block(go_lines)}{log_note}",
            "go-sum",
        )
    if any(_GO_ERROR.match(line) for line in go_lines):
        return Diagnosis(
            f"{head}: Go compile errors:\n{_block(go_lines)}\nFix them (`go build ./...` shows "
            f"the same locally).{log_note}",
            "go-compile",
        )
    tail = go_lines or [line for line in output.splitlines() if line.strip()][-MAX_LINES:]
    reason = error or trace.error or "unknown error"
    return Diagnosis(
        f"{head}: {_shorten(reason, 300)}\n{_block(tail) if tail else '(the step printed nothing)'}"
        f"{log_note}",
        "step-failed",
    )


def _step_text(step: Vertex) -> str:
    match = _STEP_NAME.match(step.name)
    return match.group("text") if match else step.name


def _instruction_for(step: Vertex, parsed: Dockerfile) -> Instruction | None:
    """Map a BuildKit step name ("[build 5/6] RUN go build ...") to its Dockerfile line."""
    match = _STEP_NAME.match(step.name)
    if not match:
        return None
    wanted = normalise_command(match.group("text"))
    stage = parsed.stage(match.group("stage")) if match.group("stage") else None
    pool = stage.instructions if stage else list(parsed.instructions)
    for instruction in pool:
        if normalise_command(instruction.text) == wanted:
            return instruction
    for instruction in pool:
        if wanted.startswith(normalise_command(instruction.text)[:40]):
            return instruction
    # BuildKit names the step with ARG/ENV values expanded: `$TOKEN` matches any text.
    for instruction in pool:
        if _with_variables(normalise_command(instruction.text)).fullmatch(wanted):
            return instruction
    return None


_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|[A-Za-z_][A-Za-z0-9_]*)")


def _with_variables(text: str) -> re.Pattern[str]:
    parts = _VARIABLE.split(text)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.S)


def _builder_line(parsed: Dockerfile, instruction: Instruction | None) -> int | None:
    if instruction is None:
        return None
    for stage in reversed(parsed.stages):
        if stage.line <= instruction.line:
            return stage.line
    return None


def _go_lines(output: str) -> list[str]:
    lines: list[str] = []
    for raw in output.splitlines():
        match = _GO_ERROR.match(raw) or _GO_MOD_ERROR.match(raw) or _GO_TOOL_ERROR.match(raw)
        if match and match.group(1) not in lines:
            lines.append(match.group(1))
    return lines[:MAX_LINES]


def _block(lines: list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines[:MAX_LINES])


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _package_hint(package: str, context: Path, dockerfile: Path) -> str:
    """Why the package's source is missing: a git ignore rule, .dockerignore, or never added."""
    directory = _package_dir(package, context)
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
            return f"{rel}/ exists here but {where} keeps its .go files out of the context."
        return f"{rel}/ exists in your working tree; check that it is committed."
    return f"{rel}/ does not exist in the build context: restore or commit it."


def _go_files_kept_out(context: Path, dockerfile: Path) -> tuple[int, str, str] | None:
    """(how many, one of them, the rule) when the ignore file keeps every non-test .go file
    of the context directory out of the build context. Ignoring only some (`*_test.go`,
    one folder) is normal and no explanation for Go finding nothing."""
    on_disk: list[str] = []
    for folder, dirs, files in os.walk(context):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        rel = Path(folder).relative_to(context)
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


def _missing_source(
    missing: str,
    instruction: Instruction | None,
    parsed: Dockerfile,
    dockerfile: Path,
    dockerfile_label: str,
    context: Path,
    context_label: str,
    ctx_note: str,
    log_note: str,
) -> str:
    name = missing.lstrip("/")

    def names_it(source: str) -> bool:
        source, wanted = source.strip("./"), name.strip("./")
        return source == wanted or source.startswith(wanted + "/")

    candidates = [instruction] if instruction is not None else []
    culprit = next(
        (i for i in [*candidates, *parsed.instructions] if any(map(names_it, i.sources()))),
        None,
    )
    if culprit is not None:
        # BuildKit may name only the first folder it could not walk (`config` for
        # `config/app.yaml`); the user wrote the whole path.
        name = next((s.strip("/") for s in culprit.sources() if names_it(s)), name)
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
            f"{where}: COPY/ADD source {name!r} exists in {context}, but `{rule}` keeps it "
            f"out of the {ctx_note}. Remove or narrow that rule, or re-include the file below "
            f"it with `!{name}`.{log_note}"
        )
    # The commonest cause: the file exists, one level up, in the folder meant as the context.
    for ancestor in list(context.parents)[:3]:
        if (ancestor / name).exists():
            # BuildKit names the first source it misses; the user fixes them all at once.
            absent = [
                src
                for src in (culprit.sources() if culprit else [name])
                if not (context / src.strip("/")).exists() and (ancestor / src.strip("/")).exists()
            ] or [name]
            sources = ", ".join(repr(src) for src in absent)
            value = os.path.normpath(
                os.path.join(context_label, os.path.relpath(ancestor, context))
            )
            return (
                f"{where}: COPY/ADD source{'s' if len(absent) > 1 else ''} {sources} "
                f"{'are' if len(absent) > 1 else 'is'} not in the {ctx_note}, but "
                f"{ancestor / name} exists: this Dockerfile expects {ancestor} as its build "
                f'context. Set `context = "{value}"` for {dockerfile_label} in [tool.goimage] '
                f"(or its [[tool.goimage.image]] entry).{log_note}"
            )
    in_context = dockerfile_name_in_context(dockerfile, context)
    if outside:
        hint = " Paths that reach outside the context: " + "; ".join(outside) + "."
    elif in_context and "/" in in_context:
        hint = (
            f" The Dockerfile sits in {Path(in_context).parent.as_posix()}/ of the context, but "
            "COPY paths are relative to the context root."
        )
    return (
        f"{where}: COPY/ADD source {name!r} is not in the {ctx_note}.{hint} Build from the "
        f"directory these paths are relative to (`context` in [tool.goimage]), or fix the path."
        f"{log_note}"
    )


def _syntax_directive(text: str) -> tuple[int, str] | None:
    """(line, image) of a `# syntax=` parser directive, or None."""
    for number, name, value in parser_directives(text):
        if name == "syntax":
            return number, value.strip()
    return None


def _base_image_error(
    error: str, parsed: Dockerfile, text: str, build_args: Mapping[str, str]
) -> tuple[int, str] | None:
    if not re.search(
        r"pull access denied|failed to resolve source metadata|repository does not exist|"
        r"failed to do request|no such host|manifest unknown|: not found$",
        error,
    ):
        return None
    directive = _syntax_directive(text)
    if directive and ("frontend gateway" in error or _mentions_image(error, directive[1])):
        line, frontend = directive
        return line, (
            f"the `# syntax={frontend}` directive makes BuildKit fetch the Dockerfile frontend "
            f"image {frontend} before it reads the Dockerfile, and it could not be had "
            f"({_shorten(error, 200)}). Remove the directive to use the engine's built-in "
            "frontend (it handles RUN --mount; newer syntax such as heredocs needs the "
            "directive), or make the image reachable (a registry mirror, or `docker pull` it "
            "where a registry answers)."
        )
    for stage, resolved in zip(parsed.stages, resolved_bases(parsed, build_args), strict=True):
        if resolved and _mentions_image(error, resolved):
            written = f" ({stage.base} as written)" if resolved != stage.base else ""
            return stage.line, (
                f"base image {resolved}{written} is not on the engine and could not be pulled "
                f"({_shorten(error, 200)}). Pull or load it (offline: build a stand-in, see the "
                "README), or fix the FROM line."
            )
    line = parsed.stages[0].line if parsed.stages else 1
    return line, (
        f"a base image could not be resolved: {_shorten(error, 300)}. Pull or load it, or fix "
        "the FROM line."
    )


def _mentions_image(error: str, reference: str) -> bool:
    """True when a registry error names `reference` (`host/repo:tag` or `library/name:tag`)."""
    last = reference.rsplit("/", 1)[-1]
    name, tag = (
        (reference.rsplit(":", 1)[0], last.rsplit(":", 1)[1]) if ":" in last else (reference, "")
    )
    short = name.rsplit("/", 1)[-1]
    return (
        reference in error
        or f"library/{reference}" in error
        or (bool(tag) and f"{short}/manifests/{tag}" in error)
    )


_PROXY_ARGS = ("HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY")
# Build arguments every builder knows without an ARG line.
PREDEFINED_ARGS = frozenset(
    {
        *_PROXY_ARGS,
        *(name.lower() for name in _PROXY_ARGS),
        *("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        *("BUILDPLATFORM", "BUILDOS", "BUILDARCH", "BUILDVARIANT", "SOURCE_DATE_EPOCH"),
    }
)


def declared_args(dockerfile: Path) -> set[str] | None:
    """The names the Dockerfile's ARG lines declare; None when it cannot be read or parsed
    (the build then reports why, in BuildKit's words)."""
    try:
        text = dockerfile.read_text(encoding="utf-8", errors="replace")
        return parse_dockerfile(text).declared_args()
    except (OSError, DockerfileSyntaxError):
        return None


def undeclared_build_args(dockerfile: Path, build_args: Mapping[str, str]) -> list[str]:
    """Configured build arguments that no ARG line declares (BuildKit would ignore them)."""
    declared = declared_args(dockerfile) if build_args else None
    if declared is None:
        return []
    return sorted(
        name
        for name in build_args
        if name not in declared and name not in PREDEFINED_ARGS and not name.startswith("BUILDKIT_")
    )
