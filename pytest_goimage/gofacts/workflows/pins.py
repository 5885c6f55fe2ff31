"""A workflow's Go version pins: every setup-go step that runs and every golang image a job or
step runs in, per job and matrix combination."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import yaml

from ...errors import WorkflowError
from ..versions import SOURCE_SETUP_GO_FILE, Pin
from .actions_yaml import (
    UNKNOWN,
    Evaluated,
    dispatch_inputs,
    env_of,
    env_values,
    load_workflow,
    mapping_of,
    typed,
    workflow_call_inputs,
)
from .building_jobs import (
    Builds,
    is_docker_step,
    job_verdict,
    runs_without_workspace,
    step_builds,
)
from .callers import Call, only_called, runs_uncalled
from .composite import ActionLoader, composite_pins, local_action
from .containers import (
    container_pins,
    docker_step_pin,
    job_container,
    toolchain_setting,
    with_toolchain,
)
from .expressions import evaluate_if
from .go_folders import job_folders
from .job_changes import checks_out_other_tree, steps_set_gotoolchain
from .matrix import Matrix, expand_matrix
from .setup_go import Scope, is_setup_go_step, setup_go_pins

# Each setup-go step in each matrix combination, by (step index, combination number): whether
# it runs (True, False, or why it may), and its pins.
_Outcomes = dict[tuple[int, int], tuple[bool | str, list[Pin]]]


def workflow_pins(
    text: str, file: str, load: ActionLoader | None = None, calls: Sequence[Call] = ()
) -> list[Pin]:
    """Pins of every `actions/setup-go` step that runs, and of every golang image a job runs
    in (`container:`) or a step runs (`uses: docker://golang:...`); WorkflowError if the
    YAML is invalid.

    `${{ env.X }}` and `${{ matrix.x }}` are resolved per matrix combination, each value a pin
    on its own line. A pin whose job never builds the module has `ignored` set. `load` reads
    the local composite actions steps use (`uses: ./.github/actions/setup`): their setup-go
    steps count as the calling step's. `calls`: how the repository's other workflows call this
    one, if it is reusable: its `${{ inputs.x }}` is then what each call gives (else the
    input's default), a pin per call, beside the unknown value where another event runs it.
    Steps, jobs or `with` blocks of an unexpected shape are skipped.
    """
    top = load_workflow(text, file)
    inputs = workflow_call_inputs(top)
    own = _Inputs(inputs, dispatch_inputs(top), called_elsewhere=not calls and only_called(top))
    if not (inputs and calls):
        return _workflow_pins(top, file, load, own)
    pins: list[Pin] = []
    for call in calls:
        pins += _workflow_pins(top, file, load, _Inputs(*call.bound(inputs)))
    return pins + (_workflow_pins(top, file, load, own) if runs_uncalled(top) else [])


@dataclass(frozen=True)
class _Inputs:
    """What `${{ inputs.x }}` reads: workflow_call inputs set by an unknown caller, the
    definitions whose `default` is the value (a dispatch's, or a known call's), and where
    each of those comes from where it is not a dispatch default."""

    call: Mapping[str, yaml.Node]
    given: Mapping[str, yaml.Node]
    sources: Mapping[str, str] = field(default_factory=dict)
    written_at: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    # Only workflow_call runs it and nothing here calls it: its checkout is another
    # repository's, whose files are not known here.
    called_elsewhere: bool = False


def _workflow_pins(
    top: Mapping[str, yaml.Node], file: str, load: ActionLoader | None, given: _Inputs
) -> list[Pin]:
    workflow_env = env_of(top)
    inputs, dispatch = given.call, given.given
    pins: list[Pin] = []
    for job_name, job_map, steps in running_jobs(top):
        matrix = expand_matrix(job_map.get("strategy"), str(job_name))
        # Each step's verdict once: a local composite action's is read from its file.
        verdicts = [step_builds(step, str(job_name), load) for step in steps]
        builds = job_verdict(verdicts, str(job_name))
        outcomes: _Outcomes = {}
        for index, step in enumerate(steps):
            setup_go = is_setup_go_step(step)
            if not setup_go and (load is None or local_action(step) is None):
                continue
            for number, combination in enumerate(matrix.combinations):
                scope = Scope(
                    (env_of(step), env_of(job_map), workflow_env),
                    matrix,
                    combination,
                    str(job_name),
                    inputs,
                    dispatch=dispatch,
                    input_sources=given.sources,
                    input_written_at=given.written_at,
                )
                contexts = step_contexts(job_map, workflow_env, matrix, combination)
                runs = evaluate_if(step.get("if"), contexts)
                if runs is False:
                    found: list[Pin] = []
                elif setup_go:
                    found = setup_go_pins(step, scope, file)
                else:
                    assert load is not None
                    found = composite_pins(step, scope, file, load)
                if setup_go or found:
                    outcomes[index, number] = (runs, found)
        running = [verdict.builds for verdict in verdicts]
        folders = job_folders(steps, running, job_map, top)
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
                    pin = replace(pin, ignored=_replaced(later, str(job_name)))
                job_pins.append(pin)
        moved = given.called_elsewhere or checks_out_other_tree(steps)
        # Set by a step: not the `auto` setup-go up to v5 leaves (whatever the value).
        stepped = "set by a step" if steps_set_gotoolchain(steps) else None
        for pin in _unique(job_pins):
            pin = replace(pin, checkout_moved=moved, gotoolchain=pin.gotoolchain or stepped)
            if not builds.builds:
                pin = replace(pin, ignored=builds.why)
            elif builds.why and not pin.ignored:
                pin = replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
            pins.append(
                replace(pin, job=str(job_name), workspace_off=no_workspace, go_folders=folders)
            )
        where = _Job(
            job_map, steps, matrix, workflow_env, inputs, str(job_name), file, dispatch, given
        )
        # A `uses: docker://golang` step runs its own command, in no folder read here.
        for pin in _unique(_container_pins(where, outcomes, running, builds)):
            pins.append(
                replace(pin, job=str(job_name), workspace_off=no_workspace, go_folders=folders)
            )
        for pin in _unique(_docker_step_pins(where)):
            pins.append(replace(pin, job=str(job_name), workspace_off=no_workspace))
    return pins


def running_jobs(
    top: Mapping[str, yaml.Node],
) -> Iterator[tuple[str, dict[str, yaml.Node], list[dict[str, yaml.Node]]]]:
    """Each job of a workflow that has steps and may run: its id, its keys and its steps.

    A job's `if:` sees github, needs, vars and inputs only (GitHub's context availability),
    never env or matrix: a condition on them is not decided here, `if: false` is."""
    jobs = top.get("jobs")
    for name, job in mapping_of(jobs).items() if isinstance(jobs, yaml.MappingNode) else ():
        job_map = mapping_of(job) if isinstance(job, yaml.MappingNode) else {}
        steps = job_map.get("steps")
        if isinstance(steps, yaml.SequenceNode) and evaluate_if(job_map.get("if"), {}) is not False:
            yield (
                str(name),
                job_map,
                [mapping_of(s) for s in steps.value if isinstance(s, yaml.MappingNode)],
            )


@dataclass(frozen=True)
class _Job:
    """One job of a workflow, as the readers of its images need it."""

    map: Mapping[str, yaml.Node]
    steps: list[dict[str, yaml.Node]]
    matrix: Matrix
    workflow_env: Mapping[str, yaml.Node]
    inputs: Mapping[str, yaml.Node]
    name: str
    file: str
    dispatch: Mapping[str, yaml.Node]
    given: _Inputs

    def scope(self, combination: Mapping[str, yaml.Node], *env: Mapping[str, yaml.Node]) -> Scope:
        """The scope of one matrix combination: `env` (the step's), then the job's, the
        workflow's."""
        layers = (*env, env_of(self.map), self.workflow_env)
        return Scope(
            layers,
            self.matrix,
            combination,
            self.name,
            self.inputs,
            dispatch=self.dispatch,
            input_sources=self.given.sources,
            input_written_at=self.given.written_at,
        )


def _container_pins(
    job: _Job, outcomes: _Outcomes, running: list[bool], builds: Builds
) -> list[Pin]:
    """The job's golang `container:` image in each matrix combination. It counts where a step
    running in the container runs the Go toolchain on the module before a setup-go step puts
    another Go first on PATH; GOTOOLCHAIN in the env of those steps (the step's, the job's, the
    workflow's, the container's) may choose another Go."""
    container = job_container(job.map)
    if container is None:
        return []
    node, container_env = container
    found = []
    for number, combination in enumerate(job.matrix.combinations):
        replacing = _first_installing(-1, number, outcomes)
        own_go = range(len(job.steps) if replacing is None else replacing)
        settings = {
            toolchain_setting(
                (*job.scope(combination, env_of(job.steps[i])).env, container_env),
                job.scope(combination),
            )
            for i in own_go
            if running[i]
        }
        for pin in container_pins(node, job.scope(combination), job.file):
            if replacing is not None and not any(running[i] for i in own_go):
                line = job.steps[replacing]["uses"].start_mark.line + 1
                pin = replace(pin, ignored=_replaced(line, job.name))
            elif not builds.builds:
                pin = replace(pin, ignored=builds.why)
            else:
                if len(settings) == 1:
                    pin = with_toolchain(pin, next(iter(settings)))
                if builds.why and not pin.ignored:
                    pin = replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
            found.append(pin)
    return found


def _docker_step_pins(job: _Job) -> list[Pin]:
    """Each `uses: docker://golang:...` step that runs, in each matrix combination, GOTOOLCHAIN
    in its env (the step's, the job's, the workflow's) applied."""
    found = []
    for step in job.steps:
        if not is_docker_step(step):
            continue
        for combination in job.matrix.combinations:
            contexts = step_contexts(job.map, job.workflow_env, job.matrix, combination)
            runs = evaluate_if(step.get("if"), contexts)
            pin = None if runs is False else docker_step_pin(step, job.file, job.name)
            if pin is None:
                continue
            scope = job.scope(combination, env_of(step))
            pin = with_toolchain(pin, toolchain_setting(scope.env, scope))
            if isinstance(runs, str):
                may = f"may run: {runs} (line {step['if'].start_mark.line + 1})"
                pin = replace(pin, note="; ".join(filter(None, [pin.note, may])))
            found.append(pin)
    return found


def step_contexts(
    job: Mapping[str, yaml.Node],
    workflow_env: Mapping[str, yaml.Node],
    matrix: Matrix,
    combination: Mapping[str, yaml.Node],
) -> dict[str, Evaluated]:
    """What a step's `if:` sees of the env and matrix contexts in one matrix combination."""
    return {
        "env": env_values(env_of(job), workflow_env),
        "matrix": {}
        if matrix.absent
        else UNKNOWN
        if matrix.problem or matrix.unknown
        else {k: typed(v) for k, v in combination.items()},
    }


def _run_text(step: Mapping[str, yaml.Node]) -> str:
    run = step.get("run")
    return run.value if isinstance(run, yaml.ScalarNode) else ""


def _replaced_by(
    index: int,
    number: int,
    steps: list[dict[str, yaml.Node]],
    running: list[bool],
    outcomes: _Outcomes,
) -> int:
    """The line of a later setup-go step that replaces the Go of step `index` on PATH in
    matrix combination `number` before any step runs (or may run) the Go toolchain on the
    module; 0 when none does (_first_installing)."""
    later = _first_installing(index, number, outcomes)
    if later is None or any(running[index + 1 : later]):
        return 0
    return int(steps[later]["uses"].start_mark.line) + 1


def _first_installing(index: int, number: int, outcomes: _Outcomes) -> int | None:
    """The first setup-go step after step `index` that puts its Go first on PATH in matrix
    combination `number`: one that surely runs (no `if:`, or one true in that combination)
    and surely installs a Go (a version or a version file); None when none does."""
    for later, combination in sorted(outcomes):
        runs, found = outcomes[later, combination]
        surely = runs is True and all(_installs(pin) for pin in found)
        if later > index and combination == number and found and surely:
            return later
    return None


def _replaced(line: int, job: str) -> str:
    return (
        f"not counted: the setup-go step at line {line} puts another Go first on PATH before "
        f"any step of job {job} runs the Go toolchain on the module"
    )


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
    kept: dict[tuple[int, str, str, str, str], Pin] = {}
    for pin in pins:
        # The version too: GOTOOLCHAIN from the matrix runs another Go in the same image.
        key = (pin.line, pin.source, pin.raw, pin.resolved, str(pin.version))
        if key not in kept or (kept[key].ignored and not pin.ignored):
            kept[key] = pin
    return list(kept.values())
