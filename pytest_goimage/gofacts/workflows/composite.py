"""Local composite actions (`uses: ./.github/actions/setup`): the setup-go steps a workflow
runs through them, with the calling step's `with:` as their inputs (else the inputs'
defaults). Teams put setup-go there to share it between workflows; its Go is the job's Go."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import yaml

from ...errors import WorkflowError
from ..versions import Pin, read_text
from .actions_yaml import env_of, load_workflow, mapping_of, node_text
from .expressions import evaluate_if
from .setup_go import Scalar, Scope, Unresolved, expand_expressions, is_setup_go_step, setup_go_pins

# `./path` of a step's `uses:` -> (the action.yml's text, its name for messages), None when
# the checkout has no action file there.
ActionLoader = Callable[[str], "tuple[str, str] | None"]
_MAX_NESTING = 4  # composite actions that use local composite actions, and so on


def local_action(step: Mapping[str, yaml.Node]) -> str | None:
    """The folder a step's `uses: ./...` names, relative to the repository root; else None."""
    uses = step.get("uses")
    written: str = uses.value.strip() if isinstance(uses, yaml.ScalarNode) else ""
    return written[2:].rstrip("/") if written.startswith("./") else None


def repository_actions(root: Path, relative_to: Path) -> ActionLoader:
    """Loads the local actions of the repository at `root` (where `.github` is), named
    relative to `relative_to`. A path outside the repository is none of its actions."""

    loaded: dict[str, tuple[str, str] | None] = {}  # each step and matrix combination asks

    def load(folder: str) -> tuple[str, str] | None:
        if folder not in loaded:
            loaded[folder] = _read(folder)
        return loaded[folder]

    def _read(folder: str) -> tuple[str, str] | None:
        base = (root / folder).resolve()
        if not base.is_relative_to(root.resolve()):
            return None
        for file in ("action.yml", "action.yaml"):
            path = base / file
            if path.is_file():
                try:
                    name = path.relative_to(relative_to.resolve()).as_posix()
                except ValueError:
                    name = str(path)
                return read_text(path, name, WorkflowError), name
        return None

    return load


def composite_action(
    step: Mapping[str, yaml.Node], load: ActionLoader, depth: int = 0
) -> tuple[dict[str, yaml.Node], list[dict[str, yaml.Node]], str] | None:
    """The local composite action `step` uses: its action file's keys, its steps and its name
    for messages; None where the step uses no local action, the checkout has none there, it
    is not composite, or `depth` actions already led to it."""
    folder = local_action(step)
    loaded = load(folder) if folder is not None and depth < _MAX_NESTING else None
    if loaded is None:
        return None
    text, name = loaded
    top = load_workflow(text, name, "an action")
    runs = top.get("runs")
    runs_map = mapping_of(runs) if isinstance(runs, yaml.MappingNode) else {}
    using, steps = runs_map.get("using"), runs_map.get("steps")
    is_composite = isinstance(using, yaml.ScalarNode) and node_text(using).lower() == "composite"
    if not is_composite or not isinstance(steps, yaml.SequenceNode):
        return None
    return (
        top,
        [mapping_of(n) if isinstance(n, yaml.MappingNode) else {} for n in steps.value],
        name,
    )


def composite_pins(
    step: Mapping[str, yaml.Node],
    scope: Scope,
    file: str,
    load: ActionLoader,
    workflow: str = "",
    depth: int = 0,
) -> list[Pin]:
    """The pins of the setup-go steps that the local composite action of `step` (a step of
    `file`, in `scope`) runs; [] for an action that is not composite or not in the checkout.
    Each pin is the action file's line; its note names the step that uses it, its `workflow`
    the workflow (`file`, unless `file` is an action itself, used by `workflow`)."""
    workflow = workflow or file
    action = composite_action(step, load, depth)
    if action is None:
        return []
    top, steps, name = action
    caller = f"{file}:{step['uses'].start_mark.line + 1}"
    inner_scope = _action_scope(top, step, scope, caller, name)
    pins: list[Pin] = []
    for inner in steps:
        if evaluate_if(inner.get("if"), {}) is False:
            continue
        step_scope = replace(inner_scope, env=(env_of(inner), *scope.env), own_env=1)
        if is_setup_go_step(inner):
            line = _version_line(inner)
            via = f"in the composite action {name}, which the step at {caller} uses"
            pins += [
                replace(
                    pin, line=line, note="; ".join(filter(None, [pin.note, via])), workflow=workflow
                )
                for pin in setup_go_pins(inner, step_scope, name)
            ]
        elif local_action(inner) is not None:
            pins += composite_pins(inner, step_scope, name, load, workflow, depth + 1)
    return pins


def _action_scope(
    top: Mapping[str, yaml.Node],
    step: Mapping[str, yaml.Node],
    scope: Scope,
    caller: str,
    name: str,
) -> Scope:
    """The caller's scope with the action's inputs: the step's `with:` value, its expressions
    expanded in the caller's scope (`${{ inputs.go-version }}` is the caller's input), else the
    input's default (read as a dispatch input's default is)."""
    given_node = step.get("with")
    given = mapping_of(given_node) if isinstance(given_node, yaml.MappingNode) else {}
    declared_node = top.get("inputs")
    declared = mapping_of(declared_node) if isinstance(declared_node, yaml.MappingNode) else {}
    caller_file = caller.rsplit(":", 1)[0]
    inputs: dict[str, yaml.Node] = {}
    sources: dict[str, str] = {}
    unknown: dict[str, str] = {}
    for input_name, definition in declared.items():
        default = (
            mapping_of(definition).get("default")
            if isinstance(definition, yaml.MappingNode)
            else None
        )
        value = given.get(input_name, default)
        if value is None:  # Actions gives an input without a default nor a value as ""
            mark = definition.start_mark
            value = yaml.ScalarNode(STR_TAG, "", mark, mark)
        line = value.start_mark.line + 1
        source = (
            f"the action input's default at {name}:{line}"
            if input_name in given or default is not None
            else f"empty: the action gives it no default at {name}:{line}, and the step at "
            f"{caller} does not give it"
        )
        if input_name in given:
            source = f"given by the step's `with:` at {caller_file}:{line}"
            # The caller's inputs, which the action's own would shadow (its env and matrix are
            # the caller's: those expand below, with the chain of lines that set them).
            if isinstance(value, yaml.ScalarNode) and _CALLER_INPUT.search(value.value):
                expanded = expand_expressions(Scalar(node_text(value), line), scope)
                if len(expanded) != 1 or isinstance(expanded[0], Unresolved):
                    why = expanded[0].reason if isinstance(expanded[0], Unresolved) else ""
                    unknown[input_name] = (
                        f"inputs.{input_name} is {node_text(value)!r}, {source}"
                        + (f", and {why}" if why else ", which is not one value")
                    )
                    continue
                held = expanded[0]
                value = yaml.ScalarNode(STR_TAG, held.text, value.start_mark, value.end_mark)
                source = f"{held.text!r}, {source}" + (
                    f" ({'; '.join(held.notes)})" if held.notes else ""
                )
        inputs[input_name] = yaml.MappingNode(
            MAP_TAG, [(yaml.ScalarNode(STR_TAG, "default"), value)]
        )
        sources[input_name] = source
    return replace(
        scope,
        inputs={},
        dispatch=inputs,
        input_sources=sources,
        input_unknown=unknown,
        caller=scope,
        own_env=0,
    )


_CALLER_INPUT = re.compile(r"\$\{\{[^}]*\binputs\.", re.I)
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"


def _version_line(step: Mapping[str, yaml.Node]) -> int:
    """The line of a setup-go step's go-version (or go-version-file), else of its `uses:`."""
    options_node = step.get("with")
    options = mapping_of(options_node) if isinstance(options_node, yaml.MappingNode) else {}
    for key in ("go-version", "go-version-file"):
        if key in options:
            return options[key].start_mark.line + 1
    return step["uses"].start_mark.line + 1
