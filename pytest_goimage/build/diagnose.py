"""Turn a failed BuildKit build into the message a user needs: where, what ran, and why.

The diagnosis is a table: `RULES` are small functions over a `FailedBuild`, tried in order;
the first that recognises the failure explains it, and `step_failed` explains the rest.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..gofacts.disk_full import DISK_FULL
from ..gofacts.dockerfile import Dockerfile
from .base_image_hint import base_image_error, syntax_directive
from .context_hints import go_files_kept_out, missing_source, package_hint
from .copy_from_variable import copy_from_variable
from .embed_missing import embed_hint, missing_embed
from .failed_build import (
    GO_ERROR,
    GO_MOD_ERROR,
    MAX_LINES,
    FailedBuild,
    block,
    shorten,
)
from .from_arg_scope import from_arg_out_of_scope
from .frontend_context import frontend_context_lost
from .frontend_syntax import flag_advice
from .go_sum_failure import go_sum_message
from .go_test_failure import failed_tests, failed_tests_hint
from .heredoc_syntax import heredoc_advice
from .replaced_module import missing_replacement, replacement_hint
from .run_exec_form import run_exec_form_message
from .session_mounts import session_mounts_unserved
from .swallowed_instruction import swallowed_message
from .unknown_stage import unknown_stage
from .vendor_drift import VENDOR_HINT, inconsistent_vendoring
from .workspace_module import workspace_module_hint

_NOT_IN_STD = re.compile(r"package (\S+) is not in std")
_NO_MODULE = re.compile(r"no required module provides package (\S+?)(?:;|$)")
# Go's wording when the build reads vendor/ (a vendor/modules.txt makes -mod=vendor the default).
_NOT_VENDORED = re.compile(
    r"cannot find module providing package (\S+?): import lookup disabled by -mod=vendor"
)
_GO_TOO_OLD = re.compile(r"(go\.mod|go\.work) requires go >= (\S+) \(running go (\S+?);")
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


Rule = Callable[[FailedBuild], Diagnosis | None]


def explain(build: FailedBuild) -> Diagnosis:
    """The diagnosis of the first rule that recognises `build`, else `step_failed`."""
    for rule in RULES:
        diagnosis = rule(build)
        if diagnosis is not None:
            return diagnosis
    return step_failed(build)


# -- before any step: the Dockerfile, the builder, the target, the context, the base image --


def _whole(name: str, reader: Callable[[FailedBuild], str | None], cause: str) -> Rule:
    """The rule `name` of a reader that writes the whole message (None: not its failure)."""

    def rule(build: FailedBuild) -> Diagnosis | None:
        message = reader(build)
        return Diagnosis(message, cause) if message else None

    rule.__name__ = rule.__qualname__ = name
    return rule


swallowed_line = _whole("swallowed_line", swallowed_message, "swallowed-instruction")
frontend_context = _whole("frontend_context", frontend_context_lost, "frontend-context")


def dockerfile_syntax(build: FailedBuild) -> Diagnosis | None:
    parse_error = _PARSE_ERROR.search(build.trace_error)
    if not parse_error:
        return None
    line, directive = int(parse_error.group(1)), syntax_directive(build.text)
    advice = heredoc_advice(build, line, directive) or flag_advice(
        build, line, parse_error.group(2), directive
    )
    return Diagnosis(
        f"{build.dockerfile_label}:{line}: Dockerfile syntax error: "
        f"{parse_error.group(2).strip()}. {advice or 'Fix the instruction on that line.'}"
        f"{build.log_note}",
        "dockerfile-syntax",
    )


def from_variable(build: FailedBuild) -> Diagnosis | None:
    message = copy_from_variable(build)
    return Diagnosis(f"{message}{build.log_note}", "copy-from-variable") if message else None


def from_arg_scope(build: FailedBuild) -> Diagnosis | None:
    message = from_arg_out_of_scope(build)
    return Diagnosis(message, "from-arg-scope") if message else None


def unknown_builder(build: FailedBuild) -> Diagnosis | None:
    builder = re.search(r'no builder "?([^"\s]+)"? found', build.trace_error)
    if not builder:
        return None
    return Diagnosis(
        f"{build.dockerfile_label}: buildx has no builder {builder.group(1)!r} (chosen by "
        "GOIMAGE_BUILDER or `builder` in [tool.goimage]). `docker buildx ls` lists the "
        f"builders there are: pick one of them, or create it with `docker buildx create "
        f"--name {builder.group(1)} ...`.{build.log_note}",
        "unknown-builder",
    )


def unknown_target(build: FailedBuild) -> Diagnosis | None:
    target = re.search(r"target stage (\S+) could not be found", build.trace_error)
    if not target:
        return None
    named = [s.name for s in build.parsed.stages if s.name]
    close = difflib.get_close_matches(target.group(1), named, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return Diagnosis(
        f"{build.dockerfile_label}: build target {target.group(1)} is not a stage of this "
        f"Dockerfile (named stages: {', '.join(named) or 'none'}); fix `target` in "
        f"[tool.goimage].{hint}{build.log_note}",
        "unknown-target",
    )


def copy_outside_context(build: FailedBuild) -> Diagnosis | None:
    error = build.trace_error
    missing = _MISSING_SOURCE.search(error) or _MISSING_WALK.search(error)
    if not missing or not ("cache key" in error or "failed to walk" in error or not build.step):
        return None
    return Diagnosis(missing_source(build, missing.group(1)), "copy-outside-context")


def session_mounts(build: FailedBuild) -> Diagnosis | None:
    message = session_mounts_unserved(build)
    return Diagnosis(f"{message}{build.log_note}", "secret-ssh-mount") if message else None


stage_name = _whole("stage_name", unknown_stage, "unknown-stage")


def base_image(build: FailedBuild) -> Diagnosis | None:
    base = base_image_error(build.trace_error, build.parsed, build.text, build.build_args)
    if not base:
        return None
    return Diagnosis(f"{build.dockerfile_label}:{base[0]}: {base[1]}{build.log_note}", "base-image")


# -- a step failed: its exec form, the disk, the C compiler, then what the Go tool said -------

run_not_json = _whole("run_not_json", run_exec_form_message, "run-not-json")


def disk_full(build: FailedBuild) -> Diagnosis | None:
    lines = (build.output + "\n" + build.trace_error).splitlines()
    full = [line for line in lines if DISK_FULL.search(line)]
    if not full:
        return None
    return Diagnosis(
        f"{build.head}: a disk filled up (no space left on device): the engine's storage or a "
        "file system the step writes to. Free space (`docker system df` shows what uses it; "
        "`docker builder prune` drops the build cache), then rerun.\n"
        f"{block(full[-MAX_LINES:])}{build.log_note}",
        "disk-full",
    )


def cgo_no_compiler(build: FailedBuild) -> Diagnosis | None:
    if not _NO_C_COMPILER.search(build.output):
        return None
    said = [ln for ln in build.output.splitlines() if _NO_C_COMPILER.search(ln)][-3:]
    return Diagnosis(
        f"{build.head}: the step builds with cgo (CGO_ENABLED=1) and the builder image has no C "
        "compiler. Build with CGO_ENABLED=0 for a static binary (what the static check "
        "expects), or install one in the builder (alpine: gcc musl-dev).\n"
        f"{block(said)}{build.log_note}",
        "cgo-no-compiler",
    )


def go_too_old(build: FailedBuild) -> Diagnosis | None:
    too_old = _GO_TOO_OLD.search(build.output)
    if not too_old:
        return None
    base_line = _builder_line(build.parsed, build.instruction.line if build.instruction else None)
    from_at = f" (FROM at {build.dockerfile_label}:{base_line})" if base_line else ""
    file, wanted, running = too_old.groups()
    return Diagnosis(
        f"{build.head}: the builder image runs Go {running} but {file} requires Go >= "
        f"{wanted}. Use a builder image with Go {wanted} or newer{from_at}, or lower {file}'s "
        f"go/toolchain line.\n{block(build.go_lines)}{build.log_note}",
        "go-too-old",
    )


def go_mod_invalid(build: FailedBuild) -> Diagnosis | None:
    if not any(GO_MOD_ERROR.match(line) for line in build.go_lines):
        return None
    return Diagnosis(
        f"{build.head}: go.mod in the build context cannot be parsed:\n{block(build.go_lines)}\n"
        f"Fix the line it names (`go mod tidy` locally shows the same).{build.log_note}",
        "go-mod-invalid",
    )


def go_vendor_inconsistent(build: FailedBuild) -> Diagnosis | None:
    said = inconsistent_vendoring(build.output)
    if said is None:
        return None
    return Diagnosis(f"{build.head}: {VENDOR_HINT}\n{block(said)}{build.log_note}", "go-vendor")


def go_test_failed(build: FailedBuild) -> Diagnosis | None:
    found = failed_tests(build.output)
    if found is None:
        return None
    failed, said = found
    hint = failed_tests_hint(failed, build.instruction.text if build.instruction else "")
    return Diagnosis(f"{build.head}: {hint}\n{block(said)}{build.log_note}", "go-test")


def go_replacement_missing(build: FailedBuild) -> Diagnosis | None:
    if missing := missing_replacement(build.output):
        hint = replacement_hint(*missing, build.context, build.dockerfile)
        return _with_go_lines(build, hint, "go-replace-missing")
    used = workspace_module_hint(build.output, build.context)
    return _with_go_lines(build, used, "go-work-module-missing") if used else None


def go_missing_package(build: FailedBuild) -> Diagnosis | None:
    vendored = _NOT_VENDORED.search(build.output)
    package = _NOT_IN_STD.search(build.output) or _NO_MODULE.search(build.output) or vendored
    if not package:
        return None
    hint = package_hint(package.group(1), build.context, build.dockerfile, bool(vendored))
    return Diagnosis(
        f"{build.head}: Go package {package.group(1)} is imported but its source is not in the "
        f"{build.ctx_note}. {hint}\n{block(build.go_lines)}{build.log_note}",
        "go-missing-package",
    )


def go_files_ignored(build: FailedBuild) -> Diagnosis | None:
    if not _NO_GO_FILES.search(build.output):
        return None
    kept_out = go_files_kept_out(build.context, build.dockerfile)
    if not kept_out:
        return None
    count, example, rule = kept_out
    said = build.go_lines or [ln for ln in build.output.splitlines() if _NO_GO_FILES.search(ln)]
    return Diagnosis(
        f"{build.head}: Go finds no sources because `{rule}` keeps {count} .go file"
        f"{'s' if count > 1 else ''} (such as {example}) out of the {build.ctx_note}. Remove or "
        f"narrow that rule.\n{block(said)}{build.log_note}",
        "go-files-ignored",
    )


def go_sum(build: FailedBuild) -> Diagnosis | None:
    message = go_sum_message(build)
    return None if message is None else Diagnosis(message, "go-sum")


def go_embed_missing(build: FailedBuild) -> Diagnosis | None:
    missing = missing_embed(build.output)
    if missing is None:
        return None
    return _with_go_lines(
        build, embed_hint(*missing, build.context, build.dockerfile), "go-embed-missing"
    )


def go_compile(build: FailedBuild) -> Diagnosis | None:
    if not any(GO_ERROR.match(line) for line in build.go_lines):
        return None
    return Diagnosis(
        f"{build.head}: Go compile errors:\n{block(build.go_lines)}\nFix them (`go build ./...` "
        f"shows the same locally).{build.log_note}",
        "go-compile",
    )


def step_failed(build: FailedBuild) -> Diagnosis:
    """No rule knows the failure: the error, and the step's last lines."""
    printed = [line for line in build.output.splitlines() if line.strip()][-MAX_LINES:]
    tail = build.go_lines or printed
    reason = build.error or build.trace_error or "unknown error"
    return Diagnosis(
        f"{build.head}: {shorten(reason, 300)}\n"
        f"{block(tail) if tail else '(the step printed nothing)'}{build.log_note}",
        "step-failed",
    )


# In order: an earlier rule reads a more certain sign (a parse error before a failed step,
# a full disk before the Go errors it causes, a Go version before the go.mod it cannot read).
RULES: tuple[Rule, ...] = (
    swallowed_line,  # first: the Dockerfile is not what its author wrote, whatever failed
    dockerfile_syntax,
    frontend_context,
    from_variable,
    from_arg_scope,
    unknown_builder,
    unknown_target,
    copy_outside_context,
    session_mounts,
    stage_name,
    base_image,
    run_not_json,
    disk_full,
    cgo_no_compiler,
    go_too_old,
    go_mod_invalid,
    go_vendor_inconsistent,
    go_replacement_missing,
    go_missing_package,
    go_files_ignored,
    go_sum,
    go_embed_missing,
    go_test_failed,  # before go_compile: a failed test's `x_test.go:8:` lines look like errors
    go_compile,
)


def _with_go_lines(build: FailedBuild, hint: str, cause: str) -> Diagnosis:
    """The step, the hint, then what the go command said."""
    return Diagnosis(f"{build.head}: {hint}\n{block(build.go_lines)}{build.log_note}", cause)


def _builder_line(parsed: Dockerfile, line: int | None) -> int | None:
    """The FROM line of the stage holding Dockerfile line `line`."""
    if line is None:
        return None
    for stage in reversed(parsed.stages):
        if stage.line <= line:
            return stage.line
    return None
