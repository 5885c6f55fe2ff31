"""A workflow's YAML as the GitHub Actions runner reads it.

Plain scalars are typed by the YAML 1.2 core schema and turned back into text as the runner
passes them on, so an unquoted `go-version: 1.20` is the number 1.2 and setup-go is asked for
Go 1.2. Keys are read as written. Anchors and aliases are followed; a `<<:` merge key is
refused: GitHub Actions supports anchors and aliases but not merge keys (its parser reads `<<`
as an ordinary key, and GitHub staff confirmed on actions/runner#1182 that merge keys are not
supported), so what the workflow means to merge is not there when it runs, if it runs at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import yaml

from ...errors import WorkflowError

# YAML 1.2 core schema, which the Actions runner implements for plain scalars.
_CORE_INT_RE = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+")
_CORE_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_NULL = ("", "~", "null", "Null", "NULL")
_CORE_TRUE = ("true", "True", "TRUE")
_CORE_FALSE = ("false", "False", "FALSE")
_CORE_INF_RE = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_CORE_NAN = (".nan", ".NaN", ".NAN")

Value = str | float | bool | None


class Unknown:
    """A value the reader cannot know (a context other than matrix/env, a function)."""

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = Unknown()
Evaluated = Value | Unknown | Mapping[str, "Evaluated"]


def typed(node: yaml.Node) -> Evaluated:
    """A node's value as the runner types it: a plain scalar by the YAML 1.2 core schema."""
    if isinstance(node, yaml.MappingNode):
        return {name: typed(value) for name, value in mapping_of(node).items()}
    if not isinstance(node, yaml.ScalarNode):
        return UNKNOWN  # sequences are not compared by the conditions read here
    text: str = node.value
    if node.style is not None:  # quoted or block: always a string
        return text
    if text in _CORE_NULL:
        return None
    if text in _CORE_TRUE or text in _CORE_FALSE:
        return text in _CORE_TRUE
    if _CORE_INF_RE.fullmatch(text):
        return -math.inf if text.startswith("-") else math.inf
    if text in _CORE_NAN:
        return math.nan
    if _CORE_INT_RE.fullmatch(text):
        base = 16 if text.startswith("0x") else 8 if text.startswith("0o") else 10
        return float(int(text[2:] if base != 10 else text, base))
    if _CORE_FLOAT_RE.fullmatch(text):
        return float(text)
    return text


def as_text(value: Evaluated) -> str:
    """A value as the runner passes it to an action input or env: numbers in .NET's G15 form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g").replace("e", "E")
    if isinstance(value, str):
        return value
    return ""


def node_text(node: yaml.ScalarNode) -> str:
    return as_text(typed(node)).strip()


def number_note(node: yaml.ScalarNode) -> str:
    """Why the text Actions passes differs from the text written, when it does."""
    written = node.value.strip()
    value = typed(node)
    if isinstance(value, float) and as_text(value) != written:
        return (
            f"unquoted {written} is the YAML number {as_text(value)}, which is what Actions "
            f"passes on; quote it: '{written}'"
        )
    return ""


def load_workflow(text: str, file: str, kind: str = "a workflow") -> dict[str, yaml.Node]:
    """The top mapping of a workflow file, or of an action file (`kind` "an action", whose top
    key is `runs:`); WorkflowError naming the file and line where it is not one."""
    what = "the action" if kind == "an action" else "the workflow"
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{file}:{mark.line + 1}" if mark is not None else file
        problem = exc.problem or exc.context or "invalid YAML"
        raise WorkflowError(f"{where}: not valid YAML ({problem}); fix {what}.") from None
    except yaml.reader.ReaderError as exc:
        # Not a marked error: it knows the character's offset, not its line.
        line = text[: exc.position].count("\n") + 1
        raise WorkflowError(
            f"{file}:{line}: not valid YAML (character #x{exc.character:04x}: {exc.reason}); "
            f"fix {what}."
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise WorkflowError(f"{file}: not valid YAML ({exc}); fix {what}.") from None
    if root is None or (isinstance(root, yaml.ScalarNode) and not root.value.strip()):
        return {}
    if not isinstance(root, yaml.MappingNode):
        top = "`runs:`" if kind == "an action" else "`jobs:`"
        raise WorkflowError(
            f"{file}:{root.start_mark.line + 1}: {kind} must be a mapping with {top}."
        )
    merge = _merge_key(root)
    if merge is not None:
        raise WorkflowError(
            f"{file}:{merge.start_mark.line + 1}: `<<:` is a YAML merge key, which GitHub "
            "Actions does not support (it supports anchors and aliases only): GitHub reads `<<` "
            "as an ordinary key and merges nothing, so the workflow fails validation or runs "
            "without the merged keys; write the keys out, or alias a whole mapping "
            "(`env: *common`)."
        )
    # Keys are read as written: PyYAML's YAML 1.1 would make `on:` the boolean True.
    return mapping_of(root)


def _merge_key(root: yaml.Node) -> yaml.Node | None:
    """The plain `<<` merge key that comes first in the file (a quoted "<<", or one whose value
    is no mapping, is an ordinary key); aliased nodes are visited once."""
    seen: set[int] = set()
    pending: list[yaml.Node] = [root]
    found: list[yaml.Node] = []
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == "tag:yaml.org,2002:merge" and _merges(value):
                    found.append(key)
                pending += [key, value]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
    return min(found, key=lambda key: key.start_mark.index, default=None)


def _merges(value: yaml.Node) -> bool:
    """Whether a `<<` key's value is what a merge takes (a mapping, or a list of them). With a
    scalar (`<<: x`) it is an ordinary key to GitHub too (an input or variable named `<<`)."""
    if isinstance(value, yaml.SequenceNode):
        return bool(value.value) and all(isinstance(v, yaml.MappingNode) for v in value.value)
    return isinstance(value, yaml.MappingNode)


def mapping_of(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    """Keys (as written) -> value nodes (a key that is not a scalar is left out)."""
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def action_name(uses: yaml.ScalarNode) -> str:
    """A step's `uses:` without its `@ref`, lowercased: `actions/setup-go`."""
    return str(uses.value).strip().split("@", 1)[0].lower().rstrip("/")


def run_default(mapping: Mapping[str, yaml.Node], name: str) -> yaml.ScalarNode | None:
    """`defaults.run.<name>` (`working-directory`, `shell`) of a job or the workflow."""
    node: yaml.Node | None = mapping.get("defaults")
    for key in ("run", name):
        node = mapping_of(node).get(key) if isinstance(node, yaml.MappingNode) else None
    return node if isinstance(node, yaml.ScalarNode) else None


def env_of(mapping: Mapping[str, yaml.Node]) -> Mapping[str, yaml.Node]:
    env = mapping.get("env")
    return mapping_of(env) if isinstance(env, yaml.MappingNode) else {}


def env_values(*scopes: Mapping[str, yaml.Node]) -> Mapping[str, Evaluated]:
    """The env context a condition sees: text values; one holding an expression is unknown."""
    values: dict[str, Evaluated] = {}
    for scope in reversed(scopes):  # inner scopes win
        for name, node in scope.items():
            if isinstance(node, yaml.ScalarNode) and "${{" not in node.value:
                values[name] = as_text(typed(node))
            else:
                values[name] = UNKNOWN
    return values


def workflow_call_inputs(top: Mapping[str, yaml.Node]) -> Mapping[str, yaml.Node]:
    """The inputs a caller of this reusable workflow sets: name -> its definition."""
    return _event_inputs(top, "workflow_call")


def dispatch_inputs(top: Mapping[str, yaml.Node]) -> Mapping[str, yaml.Node]:
    """The inputs whoever runs the workflow by hand (`workflow_dispatch`) sets: name -> its
    definition (its `default` is the value unless another is given)."""
    return _event_inputs(top, "workflow_dispatch")


def _event_inputs(top: Mapping[str, yaml.Node], event: str) -> Mapping[str, yaml.Node]:
    on = top.get("on")
    if not isinstance(on, yaml.MappingNode):
        return {}
    trigger = mapping_of(on).get(event)
    if not isinstance(trigger, yaml.MappingNode):
        return {}
    inputs = mapping_of(trigger).get("inputs")
    return mapping_of(inputs) if isinstance(inputs, yaml.MappingNode) else {}
