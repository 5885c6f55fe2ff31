"""The Go versions a GitLab CI pipeline pins: each job that runs in a golang image, its
`image:` resolved as GitLab resolves it (the job's, else `default:`'s, with `inherit`, the
job's, global, `parallel: matrix` and rules' variables expanded: `job_variables`), one pin per
way the job may run (a matrix combination, a rule that sets variables), and the Go its
GOTOOLCHAIN variable runs instead of the image's."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..image_reference import is_golang_image, split_reference
from ..shell_script import VARIABLE
from ..versions import (
    MAX_DEPTH,
    SOURCE_GITLAB_IMAGE,
    Pin,
    golang_tag_version,
    parse_go_version,
)
from ..workflows.building_jobs import (
    Builds,
    combined,
    exports_workspace_off,
    runs_without_workspace,
    script_builds,
)
from ..workflows.containers import with_toolchain
from ..workflows.go_folders import GITLAB_ROOTS, moves_module, script_folders
from .composition import Pipeline, jobs_of, pipelines
from .job_variables import Variable, inherits, never_runs, run_variable_sets, started_ways
from .pipeline_yaml import GITLAB_CI_FILE, INPUT_RE, Text

# `$$` (a literal dollar), `${NAME}` or `$NAME`, as GitLab expands variables in `image:`.
_VARIABLE_RE = re.compile(r"\$\$|" + VARIABLE.pattern)


def read_gitlab_ci(roots: Sequence[Path], relative_to: Path) -> list[Pin]:
    """Pins of each root's `.gitlab-ci.yml` pipeline (its includes and child pipelines), named
    relative to `relative_to`, each with the pipeline it runs in; [] without such a file.
    WorkflowError names a file GitLab would refuse to parse."""
    return [
        replace(
            pin,
            file=prefix + pin.file,
            pipeline=prefix + pipeline.file,
            go_folders=_prefixed(pin.go_folders, prefix),
        )
        for prefix, pipeline, started in _checkout_pipelines(roots, relative_to)
        for pin in pipeline_pins(pipeline.content, started)
    ]


def _prefixed(folders: tuple[str, ...] | None, prefix: str) -> tuple[str, ...] | None:
    """Folders of a checkout named from the rootdir (`prefix` names the checkout's top)."""
    if folders is None or not prefix:
        return folders
    return tuple(posixpath.normpath(prefix + folder) for folder in folders)


def gitlab_ci_jobs(roots: Sequence[Path], relative_to: Path) -> dict[str, list[str]]:
    """The jobs each pipeline of `roots` runs, by its file relative to `relative_to` (for
    go_version_ignore)."""
    return {
        prefix + pipeline.file: list(jobs_of(pipeline.content))
        for prefix, pipeline, _ in _checkout_pipelines(roots, relative_to)
    }


@dataclass(frozen=True)
class JobRun:
    """A job a pipeline of the checkout runs, one way it may run (a `parallel: matrix`
    combination, a rule's variables): its pipeline and the prefix that names its files from
    the rootdir, its script lines (`before_script`, its own or `default:`'s, then `script`),
    its variables and `note`, the rules it takes ("may run: ..."; "" where none)."""

    pipeline: str
    prefix: str
    name: str
    lines: tuple[Text, ...]
    variables: Mapping[str, Variable]
    note: str = ""

    def value(self, name: str) -> tuple[str, list[tuple[str, Text]]] | None:
        """The variable `name` as the job's shell gets it (GitLab expands the references in
        it), with the variables it came through and their values, outermost first; None where
        it is not set."""
        variable = self.variables.get(name)
        if variable is None:
            return None
        used = {name: variable}
        text = str(variable.value)
        if variable.expand:
            text = _expand(text, self.variables, used, 0)
        return text, [(n, v.value) for n, v in used.items()]


def job_runs(roots: Sequence[Path], relative_to: Path) -> Iterator[JobRun]:
    """Every job that runs (not `when: never`) in each pipeline of `roots`, each way it may
    run (`run_variable_sets`: each trigger job that starts a child pipeline, each rule)."""
    for prefix, pipeline, started in _checkout_pipelines(roots, relative_to):
        for name, job in jobs_of(pipeline.content).items():
            if never_runs(job):
                continue
            lines = _script_lines(pipeline.content, job)
            for variables, note in run_variable_sets(pipeline.content, job, started):
                yield JobRun(prefix + pipeline.file, prefix, name, lines, variables, note)


def _checkout_pipelines(
    roots: Sequence[Path], relative_to: Path
) -> Iterator[tuple[str, Pipeline, list[tuple[dict[str, Variable], str]]]]:
    """Each root's pipelines with the prefix that names its files from `relative_to` and the
    variables each trigger job that starts it passes (`started_ways`). A root whose
    `.gitlab-ci.yml` an earlier root's pipeline already reads (an include, a child) is not read
    again: its jobs are that pipeline's, and counting them twice would repeat them."""
    read: set[str] = set()
    for root in roots:
        prefix = _prefix(root, relative_to)
        if prefix + GITLAB_CI_FILE in read:
            continue
        found = pipelines(root)
        by_file = {pipeline.file: pipeline for pipeline in found}
        for pipeline in found:
            read.update(prefix + name for name in pipeline.files)
            yield prefix, pipeline, started_ways(pipeline, by_file)


def pipeline_pins(
    pipeline: Mapping[str, Any], started: list[tuple[dict[str, Variable], str]] | None = None
) -> list[Pin]:
    """The pins of a composed pipeline's jobs, each way a job runs (`run_variable_sets`;
    `started`: the variables the trigger jobs that start it pass, none by default)."""
    pins: list[Pin] = []
    for name, job in jobs_of(pipeline).items():
        if never_runs(job):
            continue
        image = _image(pipeline, job)
        if image is None:
            continue  # the runner's default image: nothing in the checkout names it
        builds = _builds(pipeline, job, name)
        go_lines = _go_lines(pipeline, job, name)
        folders = _folders(pipeline, job)
        seen: set[tuple[str, str, bool]] = set()
        for variables, may in run_variable_sets(pipeline, job, started or [({}, "")]):
            pin = _image_pin(image, variables, name)
            toolchain = variables.get("GOTOOLCHAIN")
            env = {key: str(variable.value) for key, variable in variables.items()}
            no_workspace = runs_without_workspace(env, go_lines)
            key = (pin.resolved if pin else "", str(toolchain.value) if toolchain else "")
            if pin is None or (*key, no_workspace) in seen:
                continue
            seen.add((*key, no_workspace))
            pin = _with_job_toolchain(pin, variables)
            if may:
                pin = replace(pin, note="; ".join(filter(None, [pin.note, may])))
            if not builds.builds:
                pin = replace(pin, ignored=builds.why)
            elif builds.why:
                pin = replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
            # A variable may send the go command elsewhere (GOWORK, GOFLAGS=-modfile, CDPATH).
            moved = any(moves_module(f"{key}={value}") for key, value in env.items())
            pins.append(
                replace(pin, workspace_off=no_workspace, go_folders=None if moved else folders)
            )
    return pins


def _folders(pipeline: Mapping[str, Any], job: Mapping[str, Any]) -> tuple[str, ...] | None:
    """The folders the job's script runs Go in: before_script and script run in one shell,
    from the project's folder, so a `cd` holds for the lines after it (script_folders)."""
    script = "\n".join(str(line) for line in _script_lines(pipeline, job))
    found = script_folders(script, ".", GITLAB_ROOTS)
    return None if found is None else tuple(dict.fromkeys(found))


def _go_lines(
    pipeline: Mapping[str, Any], job: Mapping[str, Any], name: str
) -> list[tuple[Mapping[str, object], str]]:
    """The script lines that run Go, each with what the lines before it export (GOWORK=off),
    for `runs_without_workspace`: the job runs Go with GOWORK=off where its variables say so,
    a script line exports it for the lines after it, or every line that runs Go sets it."""
    lines = _script_lines(pipeline, job)
    go_lines: list[tuple[Mapping[str, object], str]] = []
    exported: dict[str, object] = {}
    for line in lines:
        if exports_workspace_off(str(line)):
            exported = {"GOWORK": "off"}  # for the lines after it, as in the job's shell
        if script_builds(line, line.line, name).builds:
            go_lines.append((exported, str(line)))
    return go_lines


def _own_or_default(pipeline: Mapping[str, Any], job: Mapping[str, Any], key: str) -> Any:
    """The job's `key`, else `default:`'s (or the older top-level keyword's) where `inherit:`
    lets the job take it."""
    value = job.get(key)
    if value is None and inherits(job, "default", key):
        default = pipeline.get("default")
        value = default.get(key) if isinstance(default, dict) else None
        if value is None:
            value = pipeline.get(key)
    return value


def _image(pipeline: Mapping[str, Any], job: Mapping[str, Any]) -> Text | None:
    image = _own_or_default(pipeline, job, "image")
    if isinstance(image, dict):
        image = image.get("name")
    return image if isinstance(image, Text) and image.strip() else None


def _builds(pipeline: Mapping[str, Any], job: Mapping[str, Any], name: str) -> Builds:
    """Whether the job's scripts run the Go toolchain on the module (before_script, its own
    or `default:`'s, then script)."""
    return combined(
        (script_builds(line, line.line, name) for line in _script_lines(pipeline, job)),
        f"not counted: job {name} never runs the Go toolchain on the module (every script line "
        "runs a program that runs no Go)",
    )


def _script_lines(pipeline: Mapping[str, Any], job: Mapping[str, Any]) -> tuple[Text, ...]:
    """The lines the job's shell runs: its before_script (its own or `default:`'s), then its
    script."""
    before = _own_or_default(pipeline, job, "before_script")
    return (*_lines(before), *_lines(job.get("script")))


def _lines(script: Any) -> Iterator[Text]:
    if isinstance(script, Text):
        yield script
    elif isinstance(script, list):
        for item in script:
            yield from _lines(item)


def _image_pin(image: Text, variables: Mapping[str, Variable], job: str) -> Pin | None:
    used: dict[str, Variable] = {}
    resolved = _expand(str(image), variables, used, 0)
    repository, tag, digest = split_reference(resolved)
    if "$" in repository.rsplit("/", 1)[-1] or not is_golang_image(repository):
        return None  # `$BUILD_IMAGE`: which image it is is set outside the checkout
    origins = [
        f"{n}={v.value} from {v.origin} ({v.value.file}:{v.value.line})" for n, v in used.items()
    ]
    refused = [f"{n}: {v.value.typed}" for n, v in used.items() if v.value.typed]
    # A registry prefix from a CI/CD variable (`$CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX/golang`)
    # does not matter; an unknown name in the tag does.
    unresolved = [m.group(1) or m.group(2) for m in _VARIABLE_RE.finditer(tag or "")]
    unresolved += [f"input {m.group(1)}" for m in INPUT_RE.finditer(tag or "")]
    note = "; ".join(origins)
    where = (image.file, image.line, SOURCE_GITLAB_IMAGE, str(image))
    if refused:
        why = (
            f"GitLab refuses this pipeline: {', '.join(refused)}, and a variable's value must be "
            "a string or an integer; quote it"
        )
        return Pin(*where, None, "; ".join([why, note]), True, resolved, job=job)
    if unresolved:
        names = ", ".join(dict.fromkeys(n for n in unresolved if n))
        why = (
            f"cannot resolve {names}: it is not set in the pipeline's variables or inputs (a "
            "CI/CD variable of the project's settings is not in the checkout); set a default in "
            "`variables:` (an input: a `default:` in its `spec:`, or `inputs:` where it is "
            "included)"
        )
        return Pin(*where, None, "; ".join(filter(None, [why, note])), True, resolved, job=job)
    version, what = golang_tag_version(tag, digest)
    if version is None:
        return Pin(*where, None, "; ".join(filter(None, [what, note])), True, resolved, job=job)
    # The variable that carries the Go version (not, say, an ALPINE_VERSION of the same tag).
    holder = next((n for n, v in used.items() if parse_go_version(v.value) == version), "")
    return Pin(*where, version, note, False, resolved, version_arg=holder, job=job)


def _with_job_toolchain(pin: Pin, variables: Mapping[str, Variable]) -> Pin:
    """`pin` as the job's GOTOOLCHAIN variable (the job's, else the pipeline's) changes it,
    read as for a workflow job's container (`with_toolchain`): the golang images set
    GOTOOLCHAIN=local, and `auto` or a toolchain name runs another Go than the image's."""
    variable = variables.get("GOTOOLCHAIN")
    if variable is None or pin.version is None:
        return pin
    value = _expand(str(variable.value), variables, {}, 0) if variable.expand else variable.value
    if variable.expand and "$" in value:  # a CI/CD variable of the project's settings
        note = (
            f"GOTOOLCHAIN={variable.value} ({variable.value.file}:{variable.value.line}) is set "
            "outside the checkout; the image's Go counts"
        )
        return replace(pin, note="; ".join(filter(None, [pin.note, note])))
    # The note names the variable's own file (an include's, a template's); the advice's line
    # only where that is the image's file too.
    chosen = with_toolchain(
        replace(pin, file=variable.value.file), (value.strip(), variable.value.line)
    )
    same_file = variable.value.file == pin.file
    return replace(chosen, file=pin.file, toolchain_line=chosen.toolchain_line if same_file else 0)


def _expand(
    text: str, variables: Mapping[str, Variable], used: dict[str, Variable], depth: int
) -> str:
    """`text` with its variables expanded, theirs too (GitLab expands nested references), up to
    MAX_DEPTH levels; an unknown name is kept as written."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(2)
        variable = variables.get(name)
        if variable is None or depth >= MAX_DEPTH:
            return match.group(0)
        used.setdefault(name, variable)
        if not variable.expand:
            return str(variable.value)
        return _expand(str(variable.value), variables, used, depth + 1)

    return _VARIABLE_RE.sub(one, text)


def _prefix(root: Path, relative_to: Path) -> str:
    try:
        relative = root.resolve().relative_to(relative_to.resolve()).as_posix()
    except ValueError:
        return f"{root}/"
    return "" if relative == "." else f"{relative}/"
