"""The image builds of GitLab CI jobs: each `docker build` (buildx, podman, buildah) of a
job's `before_script` and `script`, per `parallel: matrix` combination, with its Dockerfile and
build arguments, and each `docker buildx bake` as a bake call with the job's variables as its
environment (bake_builds). The shell's `$X` takes the job's variables as GitLab resolves them
for the image (`image_pins.JobRun`); a variable only the project's CI/CD settings hold, or one of
GitLab's own (`$CI_COMMIT_TAG`), is only known when the job runs. `$CI_PROJECT_DIR` is the
checkout."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ..bake_command import BakeCommand
from ..bake_request import BakeCall, command_bake_call
from ..command_words import Word
from ..image_build_command import BuildCommand, Shell
from ..image_build_values import (
    WORKSPACE,
    ImageBuild,
    Resolved,
    checkout_path,
    command_build,
    expand_shell,
    script_variable,
)
from .image_pins import JobRun, job_runs


def read_gitlab_image_builds(
    roots: Sequence[Path], relative_to: Path
) -> list[ImageBuild | BakeCall]:
    """The image builds of each root's pipelines, their files and Dockerfiles named relative
    to `relative_to`."""
    builds = [b for run in job_runs(roots, relative_to) for b in _builds(run, relative_to)]
    # One build per shape: the same one under two rules keeps the first rule's note.
    unique: dict[ImageBuild | BakeCall, ImageBuild | BakeCall] = {}
    for build in builds:
        unique.setdefault(replace(build, note=""), build)
    return list(unique.values())


def _builds(run: JobRun, relative_to: Path) -> list[ImageBuild | BakeCall]:
    """The image builds of one job: its script lines run in one shell, one after the other."""
    shell = Shell()
    found: list[ImageBuild | BakeCall] = []
    for line in run.lines:
        for command in shell.builds(str(line), line.line_at, run.prefix + line.file):
            build: ImageBuild | BakeCall | None
            if isinstance(command, BakeCommand):
                build = _bake(command, run)
            else:
                build = _build(command, run, relative_to / run.prefix)
            if build is not None:  # under a rule's variables: when that rule matches
                found.append(replace(build, file=run.prefix + line.file, note=run.note))
    return found


def _bake(command: BakeCommand, run: JobRun) -> BakeCall:
    """A `docker buildx bake` or `docker compose build`, in its folder of the checkout, with the
    job's variables (all in its environment) as bake's environment."""
    assigned = dict(command.assigned)
    workdir = checkout_path(run.prefix or ".", command.cwd) if command.cwd is not None else None
    return command_bake_call(
        command,
        ("", run.name, workdir),
        lambda word: _resolve(word, run, assigned),
        lambda name: _variable(name, run, assigned),
        {name: _job_variable(name, run) for name in run.variables},
        run.pipeline,
    )


def _build(command: BuildCommand, run: JobRun, root: Path) -> ImageBuild | None:
    assigned = dict(command.assigned)
    build = command_build(
        command,
        lambda word: _resolve(word, run, assigned),
        lambda name: _variable(name, run, assigned),
        lambda path: (root / path).is_file(),
    )
    dockerfile = checkout_path(run.prefix or ".", build[0]) if build else None
    if build is None or dockerfile is None:
        return None
    return ImageBuild("", command.line, run.name, dockerfile, *build[1:], pipeline=run.pipeline)


def _resolve(word: Word, run: JobRun, assigned: Mapping[str, Word | None]) -> Resolved:
    if not word.shell:
        return Resolved(word.text)
    return expand_shell(word.text, lambda name: _variable(name, run, assigned))


def _variable(name: str, run: JobRun, assigned: Mapping[str, Word | None]) -> Resolved | None:
    """What the script assigned, else the job's variable as GitLab expands it; None where
    neither sets it."""
    if name == "CI_PROJECT_DIR":
        return Resolved(WORKSPACE)
    return script_variable(
        name,
        assigned,
        lambda word, rest: _resolve(word, run, rest),
        lambda n: _job_variable(n, run),
    )


def _job_variable(name: str, run: JobRun) -> Resolved | None:
    found = run.value(name)
    if found is None:
        return None
    text, through = found
    refused = [f"{used}: {value.typed}" for used, value in through if value.typed]
    if refused:  # `GO_VERSION: 1.20` is the float 1.2 to YAML, and no value to GitLab
        return Resolved(
            None,
            f"GitLab refuses this pipeline: {', '.join(refused)}, and a variable's value must "
            "be a string or an integer; quote it",
        )
    if "$" in text:
        return Resolved(
            None,
            f"{name} is {text!r}, and what it names is not set in the pipeline's variables (a "
            "CI/CD variable of the project's settings is not in the checkout)",
        )
    # Named from the rootdir, as the build's own file is (`run.prefix`).
    origins = tuple((used, run.prefix + value.file, value.line) for used, value in through)
    return Resolved(text, origins=origins)
