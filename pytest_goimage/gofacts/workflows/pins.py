"""A workflow's Go version pins: every setup-go step that runs, per job and matrix
combination; the workflow files of a repository."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from ...errors import WorkflowError
from ..versions import SOURCE_SETUP_GO_FILE, Pin, read_text
from .actions_yaml import (
    UNKNOWN,
    Evaluated,
    env_of,
    env_values,
    load_workflow,
    mapping_of,
    typed,
    workflow_call_inputs,
)
from .building_jobs import job_builds, runs_without_workspace, step_builds
from .expressions import evaluate_if
from .matrix import expand_matrix
from .setup_go import Scope, is_setup_go_step, setup_go_pins


def workflow_pins(text: str, file: str) -> list[Pin]:
    """Pins of every `actions/setup-go` step that runs; WorkflowError if the YAML is invalid.

    `${{ env.X }}` and `${{ matrix.x }}` are resolved per matrix combination, each value a pin
    on its own line. A pin whose job never builds the module has `ignored` set.
    Steps, jobs or `with` blocks of an unexpected shape are skipped.
    """
    top = load_workflow(text, file)
    jobs = top.get("jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return []
    workflow_env = env_of(top)
    inputs = workflow_call_inputs(top)
    pins: list[Pin] = []
    for job_name, job in mapping_of(jobs).items():
        if not isinstance(job, yaml.MappingNode):
            continue
        job_map = mapping_of(job)
        steps_node = job_map.get("steps")
        if not isinstance(steps_node, yaml.SequenceNode):
            continue
        # A job's `if:` sees github, needs, vars and inputs only (GitHub's context
        # availability), never env or matrix: a condition on them is not decided here.
        if evaluate_if(job_map.get("if"), {}) is False:
            continue  # `if: false`: the job never runs
        steps = [mapping_of(s) for s in steps_node.value if isinstance(s, yaml.MappingNode)]
        matrix = expand_matrix(job_map.get("strategy"), str(job_name))
        builds = job_builds(steps, str(job_name))
        # Each setup-go step in each matrix combination: whether it runs, and its pins.
        outcomes: dict[tuple[int, int], tuple[bool | str, list[Pin]]] = {}
        for index, step in enumerate(steps):
            if not is_setup_go_step(step):
                continue
            for number, combination in enumerate(matrix.combinations):
                scope = Scope(
                    (env_of(step), env_of(job_map), workflow_env),
                    matrix,
                    combination,
                    str(job_name),
                    inputs,
                )
                contexts: dict[str, Evaluated] = {
                    "env": env_values(env_of(job_map), workflow_env),
                    "matrix": {}
                    if matrix.absent
                    else UNKNOWN
                    if matrix.problem or matrix.unknown
                    else {k: typed(v) for k, v in combination.items()},
                }
                runs = evaluate_if(step.get("if"), contexts)
                outcomes[index, number] = (
                    runs,
                    [] if runs is False else setup_go_pins(step, scope, file),
                )
        running = [step_builds(step, str(job_name)).builds for step in steps]
        no_workspace = runs_without_workspace(
            env_values(env_of(job_map), workflow_env),
            [
                (env_values(env_of(step)), _run_text(step))
                for step, go in zip(steps, running, strict=True)
                if go
            ],
        )
        job_pins: list[Pin] = []
        for (index, number), (runs, found) in outcomes.items():
            later = _replaced_by(index, number, steps, running, outcomes)
            for pin in found:
                if isinstance(runs, str):
                    condition = steps[index]["if"]
                    may = f"may run: {runs} (line {condition.start_mark.line + 1})"
                    pin = replace(pin, note="; ".join(filter(None, [pin.note, may])))
                if later:
                    pin = replace(
                        pin,
                        ignored=f"not counted: the setup-go step at line {later} puts another Go "
                        f"first on PATH before any step of job {job_name} runs the Go toolchain "
                        "on the module",
                    )
                job_pins.append(pin)
        for pin in _unique(job_pins):
            if not builds.builds:
                pin = replace(pin, ignored=builds.why)
            elif builds.why and not pin.ignored:
                pin = replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
            pins.append(replace(pin, job=str(job_name), workspace_off=no_workspace))
    return pins


def _run_text(step: Mapping[str, yaml.Node]) -> str:
    run = step.get("run")
    return run.value if isinstance(run, yaml.ScalarNode) else ""


def _replaced_by(
    index: int,
    number: int,
    steps: list[dict[str, yaml.Node]],
    running: list[bool],
    outcomes: dict[tuple[int, int], tuple[bool | str, list[Pin]]],
) -> int:
    """The line of a later setup-go step that replaces the Go of step `index` on PATH in
    matrix combination `number` before any step runs (or may run) the Go toolchain on the
    module; 0 when none does. Only a step that surely runs (no `if:`, or one true in that
    combination) and surely installs a Go (a version or a version file) replaces it."""
    for later in range(index + 1, len(steps)):
        outcome = outcomes.get((later, number))
        if outcome is not None:
            runs, found = outcome
            if runs is True and found and all(_installs(pin) for pin in found):
                uses = steps[later]["uses"]
                return uses.start_mark.line + 1
        elif running[later]:
            return 0
    return 0


def _installs(pin: Pin) -> bool:
    """Whether the setup-go step of `pin` installs a Go: a go-version-file, or a go-version
    whose value is known (setup-go without either keeps the Go on PATH)."""
    return pin.source == SOURCE_SETUP_GO_FILE or bool(pin.resolved)


def workflow_jobs(text: str) -> list[str] | None:
    """The job ids of a workflow; None when it is not readable (workflow_pins says why)."""
    try:
        top = load_workflow(text, "")
    except WorkflowError:
        return None
    jobs = top.get("jobs")
    return list(mapping_of(jobs)) if isinstance(jobs, yaml.MappingNode) else []


def _unique(pins: list[Pin]) -> list[Pin]:
    """One pin per place and value: matrix combinations repeat the same value. Where a
    later setup-go replaces it in some combinations only, the pin counts."""
    kept: dict[tuple[int, str, str, str], Pin] = {}
    for pin in pins:
        key = (pin.line, pin.source, pin.raw, pin.resolved)
        if key not in kept or (kept[key].ignored and not pin.ignored):
            kept[key] = pin
    return list(kept.values())


def read_workflows(root: Path, relative_to: Path | None = None) -> list[Pin]:
    """Pins of every `root/.github/workflows/*.yml|*.yaml`, named relative to `relative_to`.

    Local composite actions (`.github/actions/*/action.yml`) are not read: their inputs come
    from each calling step, and a job that uses one counts as building the module.
    """
    pins: list[Pin] = []
    for path, name in workflow_files(root, relative_to):
        pins.extend(workflow_pins(read_text(path, name, WorkflowError), name))
    return pins


def workflow_files(root: Path, relative_to: Path | None = None) -> list[tuple[Path, str]]:
    """(path, name relative to `relative_to`) of every workflow under `root/.github/workflows`."""
    directory = root / ".github" / "workflows"
    if not directory.is_dir():
        return []
    base = relative_to or root
    found = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        try:
            name = path.relative_to(base).as_posix()
        except ValueError:
            name = str(path)
        found.append((path, name))
    return found
