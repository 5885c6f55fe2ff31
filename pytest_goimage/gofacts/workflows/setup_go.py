"""The pins of one `actions/setup-go` step: its `go-version` (with `${{ env.X }}`,
`${{ matrix.x }}` resolved in one matrix combination) or its `go-version-file`, and the Go
version setup-go's version spec floats at."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import yaml

from ..versions import (
    MAX_DEPTH,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    GoVersion,
    Pin,
    parse_go_version,
)
from .actions_yaml import mapping_of, node_text, number_note
from .expressions import EXPR_RE
from .matrix import Matrix
from .newest_go import describe, newest_go
from .semver_range import ANY, InvalidRange, parse_range

_SEGMENT = r"\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\]"
# A context and its property path: `matrix.go`, `matrix['go'].version`, `env.GO_VERSION`.
_CONTEXT_RE = re.compile(rf"(env|matrix|inputs)((?:\s*(?:{_SEGMENT}))+)", re.IGNORECASE)
_SEGMENT_RE = re.compile(_SEGMENT)


@dataclass(frozen=True)
class Scalar:
    """A value with its `${{ }}` expressions substituted, so far as they resolve."""

    text: str  # as Actions passes it on
    line: int
    via: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    written: str = ""  # as written in the file, substitutions included
    # Each substitution: the context path (`matrix.go`), the text it gave and its line.
    values: tuple[tuple[str, str, int], ...] = ()


@dataclass(frozen=True)
class Unresolved(Scalar):
    reason: str = ""


@dataclass(frozen=True)
class Scope:
    env: tuple[Mapping[str, yaml.Node], ...]  # step, job, workflow: first match wins
    matrix: Matrix
    combination: Mapping[str, yaml.Node]
    job: str
    inputs: Mapping[str, yaml.Node]  # workflow_call inputs: name -> its definition
    # What the value is for, in the reasons a matrix value is missing or not one value.
    consumer: str = "setup-go"
    unset: str = "setup-go without a version uses whatever Go the runner has"
    # workflow_dispatch inputs: name -> its definition (its default, unless another is given).
    dispatch: Mapping[str, yaml.Node] = field(default_factory=dict)
    # Where each of `dispatch` comes from when it is not a workflow_dispatch input's default:
    # a local composite action's input, given by the calling step or the action's default.
    input_sources: Mapping[str, str] = field(default_factory=dict)
    # Where a caller wrote each given input's value (file, line): a reusable workflow's fix.
    input_written_at: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    # Inputs whose value is not known here, with why (a local composite action's input that
    # its caller sets from a value only the running job knows).
    input_unknown: Mapping[str, str] = field(default_factory=dict)
    # In a composite action: the calling step's scope, and how many of `env`'s first layers
    # are the action's own. A value from the caller's env is expanded where it was written:
    # its `${{ inputs.x }}` is the caller's input, not the action's of the same name.
    caller: Scope | None = None
    own_env: int = 0


def is_setup_go_step(step: Mapping[str, yaml.Node]) -> bool:
    uses = step.get("uses")
    if not isinstance(uses, yaml.ScalarNode):
        return False
    action: str = uses.value.strip().lower()
    return action == "actions/setup-go" or action.startswith(
        ("actions/setup-go@", "actions/setup-go/")
    )


def setup_go_pins(step: Mapping[str, yaml.Node], scope: Scope, file: str) -> list[Pin]:
    uses = step["uses"]
    assert isinstance(uses, yaml.ScalarNode)
    with_node = step.get("with")
    options = mapping_of(with_node) if isinstance(with_node, yaml.MappingNode) else {}
    version_node = options.get("go-version")
    file_node = options.get("go-version-file")
    step_line = uses.start_mark.line + 1
    if (
        isinstance(version_node, yaml.ScalarNode)
        and node_text(version_node)
        and not _empty_in_scope(version_node, scope)
    ):
        toolchain = _job_gotoolchain(scope)
        return [
            replace(pin, uses=uses.value.strip(), gotoolchain=toolchain)
            for pin in _version_pins(version_node, scope, file)
        ]
    if version_node is not None and not isinstance(version_node, yaml.ScalarNode):
        line = version_node.start_mark.line + 1
        note = "go-version is not a single value; setup-go expects one version"
        return [Pin(file, line, SOURCE_SETUP_GO, "", None, note, True)]
    if isinstance(file_node, yaml.ScalarNode) and node_text(file_node):
        toolchain = _job_gotoolchain(scope)
        return [
            replace(pin, gotoolchain=toolchain)
            for pin in _version_file_pins(file_node, scope, file, uses.value.strip())
        ]
    note = "setup-go without go-version or go-version-file uses whatever Go the runner has"
    return [Pin(file, step_line, SOURCE_SETUP_GO, uses.value, None, note, True)]


def _job_gotoolchain(scope: Scope) -> str | None:
    """GOTOOLCHAIN as the env of the steps after setup-go sees it (the job's, the workflow's;
    in a composite action its own and its caller's), None where none sets it. The setup-go
    step's own env does not reach the steps that run Go.

    The value stays as written, expressions too: unlike containers.toolchain_setting, which
    needs the Go it names, this only asks whether GOTOOLCHAIN is left to go.env's `auto`, and
    a value from `${{ vars.X }}` is not known to be (switches_toolchain then claims no switch).
    """
    layers = [*scope.env[1:], *(scope.caller.env if scope.caller is not None else ())]
    for layer in layers:
        node = layer.get("GOTOOLCHAIN")
        if node is not None:
            return node_text(node) if isinstance(node, yaml.ScalarNode) else ""
    return None


def _empty_in_scope(node: yaml.ScalarNode, scope: Scope) -> bool:
    """Whether a go-version's expressions all resolve to nothing (a composite action passing
    on its `go-version` input, which the caller left empty): setup-go then reads
    go-version-file, as if go-version were not there."""
    values = expand_expressions(Scalar(node_text(node), node.start_mark.line + 1), scope, 0)
    return all(not isinstance(v, Unresolved) and not v.text.strip() for v in values)


def _version_file_pins(node: yaml.ScalarNode, scope: Scope, file: str, action: str) -> list[Pin]:
    """The pin of a `go-version-file`, its path resolved in the scope's matrix combination
    (`services/${{ matrix.svc }}/go.mod`: a monorepo's job per module). `action` is the step's
    `uses:`: setup-go v6 reads go.mod's toolchain line, v5 its go line."""
    written = node_text(node)
    pins: list[Pin] = []
    for value in expand_expressions(Scalar(written, node.start_mark.line + 1), scope, 0):
        target = value.text.strip()
        if isinstance(value, Unresolved):
            note = f"go-version-file {written}: {value.reason}"
            pins.append(Pin(file, value.line, SOURCE_SETUP_GO_FILE, written, None, note, True))
            continue
        if not target:  # nothing to read: setup-go installs nothing, the Go on PATH stays
            note = f"go-version-file {written} is empty, and {scope.unset}"
            pins.append(Pin(file, value.line, SOURCE_SETUP_GO, written, None, note, True))
            continue
        # A go.mod is aligned by construction until follow_go_version_files reads it and says
        # what setup-go installs from it; any other file is read there too.
        module_file = target.rsplit("/", 1)[-1] == "go.mod"
        note = (
            f"follows {target}: aligned by construction"
            if module_file
            else f"follows {target}, read from the checkout: not checked by the reader alone"
        )
        pins.append(
            Pin(
                file,
                value.line,
                SOURCE_SETUP_GO_FILE,
                written,
                None,
                note,
                not module_file,
                target,
                uses=action,
            )
        )
    return pins


def _version_pins(node: yaml.ScalarNode, scope: Scope, file: str) -> list[Pin]:
    pins: list[Pin] = []
    trap = number_note(node)
    start = Scalar(node_text(node), node.start_mark.line + 1, notes=(trap,) if trap else ())
    written = node.value.strip()
    for value in expand_expressions(start, scope, 0):
        raw = value.written if value.via else written
        where = f"setup-go at line {start.line} via " + " -> ".join(value.via) if value.via else ""
        if isinstance(value, Unresolved):
            note = "; ".join(filter(None, [value.reason, where]))
            pins.append(Pin(file, value.line, SOURCE_SETUP_GO, written, None, note, True, ""))
            continue
        version, problem = setup_go_version(value.text)
        note = "; ".join(filter(None, [*value.notes, problem, where]))
        pins.append(
            Pin(file, value.line, SOURCE_SETUP_GO, raw, version, note, version is None, value.text)
        )
    return pins


def expand_expressions(value: Scalar, scope: Scope, depth: int = 0) -> list[Scalar]:
    """`value` with its `${{ env.X }}`, `${{ matrix.x }}` substituted in the scope's matrix
    combination, the first expression at a time, recursing; an Unresolved with the reason
    where one cannot be."""
    match = EXPR_RE.search(value.text)
    if match is None:
        return [value]
    # A run by hand also gives its inputs as `github.event.inputs.x`: the same values.
    expression = re.sub(r"^\s*github\.event\.inputs\.", "inputs.", match.group(1), flags=re.I)
    if depth >= MAX_DEPTH:
        return [
            Unresolved(
                value.text, value.line, value.via, value.notes, reason="expressions nest too deeply"
            )
        ]
    context = _CONTEXT_RE.fullmatch(expression)
    if context is None:
        reason = f"cannot resolve ${{{{ {expression} }}}} (only env.X and matrix.x are read)"
        return [Unresolved(value.text, value.line, value.via, value.notes, reason=reason)]
    kind = context.group(1).lower()
    path = [one or quoted for one, quoted in _SEGMENT_RE.findall(context.group(2))]
    name, rest = path[0], path[1:]
    found: yaml.Node | None = None
    if rest and kind != "matrix":
        missing = f"{kind}.{name} is text, it has no `{'.'.join(rest)}`"
    elif kind == "env":
        layer = next((i for i, scoped in enumerate(scope.env) if name in scoped), None)
        found = scope.env[layer][name] if layer is not None else None
        missing = f"env.{name} is not set in the step, job or workflow env"
        if layer is not None and scope.caller is not None and layer >= scope.own_env:
            scope = scope.caller  # what follows is expanded in the caller's scope
    elif kind == "inputs":
        found, missing = _dispatch_default(scope, name)
    else:
        found, missing = _matrix_value(scope, name, rest)
        if isinstance(found, yaml.ScalarNode) and _MATRIX_ENV.search(node_text(found)):
            # GitHub refuses it: a strategy sees only github, needs, vars and inputs (trial 18).
            line = found.start_mark.line + 1
            missing = (
                f"matrix.{name} at line {line} reads `env`, which GitHub does not allow in a "
                "job's strategy (only github, needs, vars and inputs), so the workflow does not run"
            )
            found = None
    if not isinstance(found, yaml.ScalarNode):
        return [Unresolved(value.text, value.line, value.via, value.notes, reason=missing)]
    line = found.start_mark.line + 1
    text = value.text[: match.start()] + node_text(found) + value.text[match.end() :]
    before = value.written or value.text
    at = before.find(match.group(0))
    written = (
        before[:at] + found.value.strip() + before[at + len(match.group(0)) :] if at >= 0 else text
    )
    trap = number_note(found)
    named = ".".join([kind, *path])
    step = f"{named} at line {line}"
    notes = (*value.notes, trap) if trap else value.notes
    if kind == "inputs":  # a dispatch's default: what a run by hand gets unless it says more
        source = scope.input_sources.get(
            name, f"the workflow_dispatch input's default, line {line}"
        )
        notes = (*notes, f"{named} is {source}")
    values = (*value.values, (named, node_text(found), line))
    expanded = Scalar(text, line, (*value.via, step), notes, written, values)
    return expand_expressions(expanded, scope, depth + 1)


_MATRIX_ENV = re.compile(r"\$\{\{[^}]*\benv\.", re.I)


def _matrix_value(scope: Scope, name: str, rest: list[str]) -> tuple[yaml.Node | None, str]:
    """`matrix.name`, and down `rest` through a mapping value (`matrix.go.version`, where an
    axis lists objects); property names match in any case, as in Actions expressions."""
    matrix = scope.matrix
    if matrix.problem:
        return None, matrix.problem
    if name in matrix.unknown:
        return None, matrix.unknown[name]
    if name in scope.combination:
        found = scope.combination[name]
        walked = f"matrix.{name}"
        for key in rest:
            entries = (
                {k.lower(): v for k, v in mapping_of(found).items()}
                if isinstance(found, yaml.MappingNode)
                else {}
            )
            if key.lower() not in entries:
                return None, f"{walked} at line {found.start_mark.line + 1} has no `{key}`"
            found, walked = entries[key.lower()], f"{walked}.{key}"
        if isinstance(found, yaml.ScalarNode):
            return found, ""
        name = ".".join([name, *rest])
        return None, (
            f"matrix.{name} at line {found.start_mark.line + 1} is a list or mapping, not one "
            f"version; {scope.consumer} expects one version"
        )
    if name in matrix.keys:
        return None, (
            f"matrix.{name} is not set in every combination of job {scope.job}, and {scope.unset}"
        )
    return None, f"job {scope.job}'s matrix has no `{name}`"


def _dispatch_default(scope: Scope, name: str) -> tuple[yaml.Node | None, str]:
    """A workflow_dispatch input's default (the value a run by hand gets unless it gives
    another), where the workflow is not also a reusable one whose caller sets it; else None
    with why it is not known."""
    if name in scope.input_unknown:
        return None, scope.input_unknown[name]
    definition = scope.dispatch.get(name)
    if name in scope.inputs or not isinstance(definition, yaml.MappingNode):
        return None, _input_reason(scope, name)
    default = mapping_of(definition).get("default")
    # A composite action's input (input_sources) is its value, also an empty one.
    if isinstance(default, yaml.ScalarNode) and (
        node_text(default).strip() or name in scope.input_sources
    ):
        return default, ""
    return None, f"inputs.{name} is given when the workflow is run by hand (it has no default)"


def _input_reason(scope: Scope, name: str) -> str:
    definition = scope.inputs.get(name)
    default = ""
    if isinstance(definition, yaml.MappingNode):
        node = mapping_of(definition).get("default")
        if isinstance(node, yaml.ScalarNode):
            default = f", default {node_text(node)!r} at line {node.start_mark.line + 1}"
    if definition is None:
        return f"inputs.{name} is not an input of this workflow"
    return f"inputs.{name} is set by each caller of this reusable workflow{default}"


_SETUP_GO_PRE_RE = re.compile(r"(\d+\.\d+)(?:\.0)?-(rc|beta)\.?(\d+)", re.ASCII)


def setup_go_version(text: str) -> tuple[GoVersion | None, str]:
    """setup-go's version spec -> the GoVersion it floats at, or None with the reason.

    Go's own spellings (`1.26`, `1.26.8`, `go1.26.8`, `1.26rc1`) first; anything else is an npm
    semver range, which floats at the newest Go it admits (semver_range): `>=1.21.0 <1.26.0`
    at the newest 1.25.x, so it fails a go.mod that needs 1.26.
    """
    spec = text.strip()
    if spec.lower() in ("stable", "oldstable", "latest", "*", "x"):
        return None, f"{spec!r} floats with Go releases"
    pre = _SETUP_GO_PRE_RE.fullmatch(spec)  # setup-go writes 1.21rc1 as 1.21.0-rc.1
    if pre:
        return parse_go_version(f"{pre.group(1)}{pre.group(2)}{pre.group(3)}"), ""
    version = parse_go_version(spec)
    if version is not None:
        return version, ""
    try:
        spec_range = parse_range(spec)
    except InvalidRange:
        return None, f"cannot read a Go version from {spec!r}"
    if spec_range.sets == ((ANY,),):
        return None, f"{spec!r} floats with Go releases"
    newest = newest_go(spec_range)
    if newest.version is None and not newest.why:
        return None, f"no Go version satisfies {spec!r}, so setup-go has none to install"
    if newest.version is None:
        return None, f"cannot tell which Go {spec!r} installs: it {newest.why}"
    if not spec_range.bounded_by_hand:
        return newest.version, ""  # `^1.22`, `~1.24.3`, `1.24.x`: their float says it all
    note = f"the range admits at most {describe(newest.version)}"
    if newest.maybe_pre:
        note += f", or a pre-release of Go {newest.maybe_pre} below its bound if one exists"
    return newest.version, note
