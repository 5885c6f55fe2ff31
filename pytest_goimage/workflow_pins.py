"""The Go versions GitHub Actions workflows pin: every `actions/setup-go` step."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .gomod_pins import read_gomod
from .versions import (
    MAX_DEPTH,
    SOURCE_SETUP_GO,
    SOURCE_SETUP_GO_FILE,
    GoModError,
    GoVersion,
    Pin,
    WorkflowError,
    parse_go_version,
    read_text,
    required_version,
)

_EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_CONTEXT_RE = re.compile(
    r"(env|matrix)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\])", re.IGNORECASE
)


@dataclass(frozen=True)
class _Scalar:
    text: str
    line: int
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Unresolved(_Scalar):
    reason: str = ""


@dataclass(frozen=True)
class _Scope:
    env: tuple[Mapping[str, yaml.Node], ...]  # step, job, workflow: first match wins
    matrix: yaml.Node | None
    job: str


def workflow_pins(text: str, file: str) -> list[Pin]:
    """Pins of every `actions/setup-go` step; WorkflowError if the YAML is invalid.

    `go-version` is read as the scalar text written (`1.20`, not the float 1.2); `${{ env.X }}`
    and `${{ matrix.x }}` are resolved, a matrix giving one pin per value on that value's line.
    Steps, jobs or `with` blocks of an unexpected shape are skipped.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        problem = exc.problem or exc.context or "invalid YAML"
        raise WorkflowError(f"{where}: not valid YAML ({problem}); fix the workflow.") from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise WorkflowError(f"{file}: not valid YAML ({exc}); fix the workflow.") from None
    if root is None or (isinstance(root, yaml.ScalarNode) and not root.value.strip()):
        return []
    if not isinstance(root, yaml.MappingNode):
        raise WorkflowError(
            f"{file}:{root.start_mark.line + 1}: a workflow must be a mapping with `jobs:`."
        )
    top = _mapping(root)
    jobs = top.get("jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return []
    pins: list[Pin] = []
    for job_name, job in _mapping(jobs).items():
        if not isinstance(job, yaml.MappingNode):
            continue
        job_map = _mapping(job)
        strategy = job_map.get("strategy")
        matrix = None
        if isinstance(strategy, yaml.MappingNode):
            matrix = _mapping(strategy).get("matrix")
        steps = job_map.get("steps")
        if not isinstance(steps, yaml.SequenceNode):
            continue
        for step in steps.value:
            if isinstance(step, yaml.MappingNode):
                scope = _Scope(
                    (_env(_mapping(step)), _env(job_map), _env(top)), matrix, str(job_name)
                )
                pins.extend(_setup_go_pins(_mapping(step), scope, file))
    return pins


def _mapping(node: yaml.MappingNode, depth: int = 0) -> dict[str, yaml.Node]:
    """Keys (as written) -> value nodes; `<<: *anchor` merges are honoured, explicit keys win."""
    result: dict[str, yaml.Node] = {}
    merged: dict[str, yaml.Node] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.tag == "tag:yaml.org,2002:merge" and depth < MAX_DEPTH:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                if isinstance(source, yaml.MappingNode):
                    for name, item in _mapping(source, depth + 1).items():
                        merged.setdefault(name, item)
            continue
        result[key.value] = value
    return {**merged, **result}


def _env(mapping: Mapping[str, yaml.Node]) -> Mapping[str, yaml.Node]:
    env = mapping.get("env")
    return _mapping(env) if isinstance(env, yaml.MappingNode) else {}


def _setup_go_pins(step: Mapping[str, yaml.Node], scope: _Scope, file: str) -> list[Pin]:
    uses = step.get("uses")
    if not isinstance(uses, yaml.ScalarNode) or not _is_setup_go(uses.value):
        return []
    with_node = step.get("with")
    options = _mapping(with_node) if isinstance(with_node, yaml.MappingNode) else {}
    version_node = options.get("go-version")
    file_node = options.get("go-version-file")
    step_line = uses.start_mark.line + 1
    if isinstance(version_node, yaml.ScalarNode) and version_node.value.strip():
        return _version_pins(version_node, scope, file)
    if version_node is not None and not isinstance(version_node, yaml.ScalarNode):
        line = version_node.start_mark.line + 1
        note = "go-version is not a single value; setup-go expects one version"
        return [Pin(file, line, SOURCE_SETUP_GO, "", None, note, True)]
    if isinstance(file_node, yaml.ScalarNode) and file_node.value.strip():
        line = file_node.start_mark.line + 1
        target = file_node.value.strip()
        if target.rsplit("/", 1)[-1] == "go.mod":
            note = f"follows {target}: aligned by construction"
            return [Pin(file, line, SOURCE_SETUP_GO_FILE, target, None, note, False, target)]
        note = f"follows {target}, which is not go.mod: not checked"
        return [Pin(file, line, SOURCE_SETUP_GO_FILE, target, None, note, True, target)]
    note = "setup-go without go-version or go-version-file uses whatever Go the runner has"
    return [Pin(file, step_line, SOURCE_SETUP_GO, uses.value, None, note, True)]


def _is_setup_go(uses: str) -> bool:
    action = uses.strip().lower()
    return action == "actions/setup-go" or action.startswith(
        ("actions/setup-go@", "actions/setup-go/")
    )


def _version_pins(node: yaml.ScalarNode, scope: _Scope, file: str) -> list[Pin]:
    pins: list[Pin] = []
    start = _Scalar(node.value.strip(), node.start_mark.line + 1)
    for value in _expand(start, scope, 0):
        raw = value.text if value.via else start.text
        where = f"setup-go at line {start.line} via " + " -> ".join(value.via) if value.via else ""
        if isinstance(value, _Unresolved):
            note = "; ".join(filter(None, [value.reason, where]))
            pins.append(Pin(file, value.line, SOURCE_SETUP_GO, start.text, None, note, True, ""))
            continue
        version, problem = _setup_go_version(value.text)
        note = "; ".join(filter(None, [problem, where]))
        pins.append(
            Pin(file, value.line, SOURCE_SETUP_GO, raw, version, note, version is None, value.text)
        )
    return pins


def _expand(value: _Scalar, scope: _Scope, depth: int) -> list[_Scalar]:
    """Substitute the first `${{ }}` expression, recursing; a matrix yields one value per entry."""
    match = _EXPR_RE.search(value.text)
    if match is None:
        return [value]
    expression = match.group(1)
    if depth >= MAX_DEPTH:
        return [_Unresolved(value.text, value.line, value.via, "expressions nest too deeply")]
    context = _CONTEXT_RE.fullmatch(expression)
    if context is None:
        reason = f"cannot resolve ${{{{ {expression} }}}} (only env.X and matrix.x are read)"
        return [_Unresolved(value.text, value.line, value.via, reason)]
    kind = context.group(1).lower()
    name = context.group(2) or context.group(3) or ""
    if kind == "env":
        found = [scoped[name] for scoped in scope.env if name in scoped][:1]
        missing = f"env.{name} is not set in the step, job or workflow env"
    else:
        found, missing = _matrix_values(scope, name)
    if not found:
        return [_Unresolved(value.text, value.line, value.via, missing)]
    results: list[_Scalar] = []
    for node in found:
        if not isinstance(node, yaml.ScalarNode):
            continue
        line = node.start_mark.line + 1
        text = value.text[: match.start()] + node.value.strip() + value.text[match.end() :]
        step = f"{kind}.{name} at line {line}"
        results.extend(_expand(_Scalar(text, line, (*value.via, step)), scope, depth + 1))
    return results


def _matrix_values(scope: _Scope, name: str) -> tuple[list[yaml.Node], str]:
    matrix = scope.matrix
    if not isinstance(matrix, yaml.MappingNode):
        if isinstance(matrix, yaml.ScalarNode):
            return [], f"job {scope.job}'s matrix is an expression ({matrix.value.strip()})"
        return [], f"job {scope.job} has no strategy.matrix"
    entries = _mapping(matrix)
    found: list[yaml.Node] = []
    axis = entries.get(name)
    if isinstance(axis, yaml.SequenceNode):
        found.extend(axis.value)
    elif isinstance(axis, yaml.ScalarNode):
        if "${{" in axis.value:
            return [], f"matrix.{name} of job {scope.job} is an expression ({axis.value.strip()})"
        found.append(axis)
    include = entries.get("include")
    if isinstance(include, yaml.SequenceNode):
        for item in include.value:
            if isinstance(item, yaml.MappingNode) and name in _mapping(item):
                found.append(_mapping(item)[name])
    return found, f"job {scope.job}'s matrix has no `{name}`"


_RANGE_RE = re.compile(r"(\^|~|>=?|=|v)?\s*(?:go)?(\d+(?:\.\d+)*)((?:\.[xX*])*)", re.ASCII)
_SETUP_GO_PRE_RE = re.compile(r"(\d+\.\d+)(?:\.0)?-(rc|beta)\.?(\d+)", re.ASCII)


def _setup_go_version(text: str) -> tuple[GoVersion | None, str]:
    """setup-go's version spec -> the GoVersion it floats at, or None with the reason."""
    spec = text.strip().strip("'\"")
    if spec.lower() in ("stable", "oldstable", "latest", "*", "x"):
        return None, f"{spec!r} floats with Go releases"
    pre = _SETUP_GO_PRE_RE.fullmatch(spec)  # setup-go writes 1.21rc1 as 1.21.0-rc.1
    if pre:
        return parse_go_version(f"{pre.group(1)}{pre.group(2)}{pre.group(3)}"), ""
    version = parse_go_version(spec)
    if version is not None:
        return version, ""
    match = _RANGE_RE.fullmatch(spec)
    if match:
        operator, number = match.group(1) or "", match.group(2)
        version = parse_go_version(number)
        if version is not None:
            if operator in ("^", ">", ">="):  # floats to the newest 1.x
                return replace(version, precision=1, minor=0, patch=0), ""
            if operator == "~" or match.group(3):  # `~1.24`, `1.24.x`: newest 1.24.x
                if version.precision == 3 and match.group(3) == "":
                    return replace(version, precision=2, patch=0), ""
                return version, ""
            return version, ""
    return None, f"cannot read a Go version from {spec!r}"


# Requirement and alignment --------------------------------------------------------------------


def read_workflows(root: Path, relative_to: Path | None = None) -> list[Pin]:
    """Pins of every `root/.github/workflows/*.yml|*.yaml`, named relative to `relative_to`."""
    directory = root / ".github" / "workflows"
    if not directory.is_dir():
        return []
    base = relative_to or root
    pins: list[Pin] = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in (".yml", ".yaml") or not path.is_file():
            continue
        try:
            name = path.relative_to(base).as_posix()
        except ValueError:
            name = str(path)
        pins.extend(workflow_pins(read_text(path, name, WorkflowError), name))
    return pins


def follow_go_version_files(pins: list[Pin], workspace: Path, go_mod: Path) -> list[Pin]:
    """setup-go `go-version-file` pins resolved against the checkout (`workspace`, which holds
    `.github/`): the project's own go.mod is aligned by construction; another go.mod pins
    the Go its `go`/`toolchain` lines require, which is compared like any pin."""
    resolved: list[Pin] = []
    for pin in pins:
        target = pin.resolved
        if pin.source != SOURCE_SETUP_GO_FILE or target.rsplit("/", 1)[-1] != "go.mod":
            resolved.append(pin)
            continue
        path = workspace / target
        if path.resolve() == go_mod.resolve():
            resolved.append(pin)
        elif not path.is_file():
            note = f"follows {target}, which does not exist in this checkout: not checked"
            resolved.append(replace(pin, note=note, unpinned=True))
        else:
            try:
                version = required_version(read_gomod(path, target))
            except GoModError as exc:
                resolved.append(replace(pin, note=f"follows {exc}", unpinned=True))
                continue
            note = f"follows {target}, another module's go.mod, which requires Go {version}"
            resolved.append(replace(pin, version=version, note=note, unpinned=False))
    return resolved
