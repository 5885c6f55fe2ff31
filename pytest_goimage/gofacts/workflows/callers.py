"""The jobs of a repository's workflows that call one of its reusable workflows (`uses:
./.github/workflows/go-test.yml` with `with: go-version: '1.25'`): what each gives its
inputs, so that the called workflow's `${{ inputs.go-version }}` is the Go that caller runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import yaml

from ...errors import WorkflowError
from .actions_yaml import (
    dispatch_inputs,
    env_of,
    load_workflow,
    mapping_of,
    node_text,
    workflow_call_inputs,
)
from .matrix import expand_matrix
from .setup_go import Scalar, Scope, Unresolved, expand_expressions


@dataclass(frozen=True)
class Call:
    """One way a caller job calls a reusable workflow (one per matrix combination that gives
    other values): the inputs it gives, where each comes from, the job for messages (`ci.yml`
    job build), and the inputs it gives a value only the running job knows (`${{ secrets.X
    }}`, a step's output)."""

    inputs: Mapping[str, str]  # name -> the value the call gives
    sources: Mapping[str, str]
    caller: str
    unknown: frozenset[str] = frozenset()
    # name -> (file, line) where the value is written: the `with:` line of the call, or of an
    # outer call where this caller passes its own input on. The fix goes there.
    written_at: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    def bound(
        self, declared: Mapping[str, yaml.Node]
    ) -> tuple[
        dict[str, yaml.Node], dict[str, yaml.Node], dict[str, str], dict[str, tuple[str, int]]
    ]:
        """The called workflow's `declared` workflow_call inputs as this call sets them: the
        ones whose value only the running job knows (as a workflow_call's), the definitions of
        the others (their `default` the value: the call's, else the input's own default) and
        where each value comes from. A given value is placed at its input's definition in the
        called workflow (its line is the pin's); the note names the caller."""
        sources = {
            name: f"the input's default at line {default.start_mark.line + 1}, which "
            f"{self.caller} does not give"
            for name, default in _defaults(declared).items()
        }
        given: dict[str, yaml.Node] = {}
        for name, text in self.inputs.items():
            if name not in declared:
                continue  # GitHub refuses a call that gives an undeclared input
            mark = declared[name].start_mark
            # Quoted: an input's value is text, never read again as a YAML number (the review:
            # a caller's '1.20' became Go 1.2 through a workflow that passed it on).
            value = yaml.ScalarNode("tag:yaml.org,2002:str", text, mark, mark, style="'")
            given[name] = yaml.MappingNode("tag:yaml.org,2002:map", [(_DEFAULT, value)])
            sources[name] = self.sources[name]
        unknown = {name: declared[name] for name in self.unknown if name in declared}
        known = {k: v for k, v in {**declared, **given}.items() if k not in unknown}
        written = {k: v for k, v in self.written_at.items() if k in given}
        return unknown, known, sources, written


_DEFAULT = yaml.ScalarNode("tag:yaml.org,2002:str", "default")


def _events(top: Mapping[str, yaml.Node]) -> set[str]:
    on = top.get("on")
    if isinstance(on, yaml.ScalarNode):
        return {on.value}
    if isinstance(on, yaml.SequenceNode):
        return {e.value for e in on.value if isinstance(e, yaml.ScalarNode)}
    return set(mapping_of(on)) if isinstance(on, yaml.MappingNode) else set()


def runs_uncalled(top: Mapping[str, yaml.Node]) -> bool:
    """Whether an event other than workflow_call runs the workflow (push, a run by hand)."""
    return bool(_events(top) - {"workflow_call"})


def only_called(top: Mapping[str, yaml.Node]) -> bool:
    """Whether only workflow_call runs the workflow: where nothing in the repository calls
    it, other repositories do, and its checkout is theirs."""
    return _events(top) == {"workflow_call"}


def _defaults(inputs: Mapping[str, yaml.Node]) -> dict[str, yaml.Node]:
    """The `default` node of each workflow_call input that has one."""
    found: dict[str, yaml.Node] = {}
    for name, definition in inputs.items():
        default = (
            mapping_of(definition).get("default")
            if isinstance(definition, yaml.MappingNode)
            else None
        )
        if isinstance(default, yaml.ScalarNode):
            found[name] = default
    return found


def local_calls(workflows: list[tuple[str, str]]) -> dict[str, list[Call]]:
    """The calls of each reusable workflow of `workflows` ((text, name) pairs, names as
    `.github/workflows/ci.yml`) by the jobs of the others, by the called workflow's name.
    A caller that is itself reusable gives what its own callers gave it: `ci.yml` calls
    `go.yml` with go-version 1.21, `go.yml` passes `${{ inputs.go-version }}` on to
    `build.yml` (trial 17's false pass: the Go two calls down was never known). Unreadable
    workflows call nothing here (their own reading reports them)."""
    edges: list[tuple[str, Mapping[str, yaml.Node], str, Mapping[str, yaml.Node], str]] = []
    for text, name in workflows:
        try:
            top = load_workflow(text, name)
        except WorkflowError:
            continue
        jobs = top.get("jobs")
        for job, node in mapping_of(jobs).items() if isinstance(jobs, yaml.MappingNode) else ():
            job_map = mapping_of(node) if isinstance(node, yaml.MappingNode) else {}
            uses = job_map.get("uses")
            if isinstance(uses, yaml.ScalarNode) and uses.value.startswith("./"):
                edges.append((name, top, str(job), job_map, uses.value.strip()[2:]))
    found: dict[str, list[Call]] = {}

    def calls_to(called: str, visiting: frozenset[str]) -> list[Call]:
        if called in visiting:
            return []  # a cycle, which GitHub refuses: the caller's own inputs stand
        if called not in found:
            found[called] = [
                call
                for name, top, job, job_map, target in edges
                if target == called
                for inputs in _caller_inputs(top, calls_to(name, visiting | {called}))
                for call in _calls(top, job, job_map, name, inputs)
            ]
        return found[called]

    for _, _, _, _, target in edges:
        calls_to(target, frozenset())
    return {name: calls for name, calls in found.items() if calls}


@dataclass(frozen=True)
class _CallerInputs:
    """What a caller job's `${{ inputs.x }}` reads: unknown ones, definitions whose default
    is the value, and where each known one comes from (empty: the caller's own inputs)."""

    unknown: Mapping[str, yaml.Node]
    known: Mapping[str, yaml.Node]
    sources: Mapping[str, str]
    written_at: Mapping[str, tuple[str, int]] = field(default_factory=dict)


def _caller_inputs(top: Mapping[str, yaml.Node], calls: list[Call]) -> list[_CallerInputs]:
    """Each way the caller workflow's inputs are set: by each of its own calls, and as its
    own (unknown workflow_call inputs, workflow_dispatch defaults) where it is not only called
    or nothing calls it."""
    declared = workflow_call_inputs(top)
    bound = [_CallerInputs(*call.bound(declared)) for call in calls] if declared else []
    if bound and not runs_uncalled(top):
        return bound
    return [*bound, _CallerInputs(declared, dispatch_inputs(top), {}, {})]


def _calls(
    top: Mapping[str, yaml.Node],
    job: str,
    job_map: Mapping[str, yaml.Node],
    file: str,
    given_inputs: _CallerInputs,
) -> list[Call]:
    """Each different set of inputs the caller job gives, its `with:` values expanded in each
    of its matrix combinations; a value it cannot tell is left out (the input stays unknown)."""
    given_node = job_map.get("with")
    given = mapping_of(given_node) if isinstance(given_node, yaml.MappingNode) else {}
    matrix = expand_matrix(job_map.get("strategy"), job)
    caller = f"{file} job {job}"
    found: dict[tuple[tuple[tuple[str, str], ...], tuple[str, ...]], Call] = {}
    for combination in matrix.combinations:
        scope = Scope(
            (env_of(job_map), env_of(top)),
            matrix,
            combination,
            job,
            given_inputs.unknown,
            dispatch=given_inputs.known,
            input_sources=given_inputs.sources,
        )
        inputs: dict[str, str] = {}
        sources: dict[str, str] = {}
        written_at: dict[str, tuple[str, int]] = {}
        unknown: set[str] = set()
        for name, value in given.items():
            if not isinstance(value, yaml.ScalarNode):
                continue
            line = value.start_mark.line + 1
            expanded = expand_expressions(Scalar(node_text(value), line), scope)
            if len(expanded) != 1 or isinstance(expanded[0], Unresolved):
                unknown.add(name)
                continue
            inputs[name] = expanded[0].text
            passed_on = [
                path[7:]
                for path, _, _ in expanded[0].values
                if path.startswith("inputs.") and path[7:] in given_inputs.sources
            ]
            sources[name] = f"{expanded[0].text!r}, given by {caller} at line {line}" + "".join(
                f" from {given_inputs.sources[own]}" for own in passed_on
            )
            outer = [given_inputs.written_at[o] for o in passed_on if o in given_inputs.written_at]
            written_at[name] = outer[0] if outer else (file, line)
        call = Call(inputs, sources, caller, frozenset(unknown), written_at)
        found.setdefault((tuple(sorted(inputs.items())), tuple(sorted(unknown))), call)
    return list(found.values())
