"""The Go versions GitHub Actions workflows pin: every `actions/setup-go` step.

A workflow is read the way GitHub Actions reads it:

- scalars by the YAML 1.2 core schema, numbers turned back into text as the runner does, so an
  unquoted `go-version: 1.20` is the number 1.2 and setup-go is asked for Go 1.2;
- `strategy.matrix` expanded into its combinations, `exclude` then `include` applied as Actions
  applies them (an excluded value is no pin);
- a step's `if:` evaluated per combination where it is simple (`matrix.x == 'v'`, `!=`, `&&`,
  `||`, `!`, parentheses, literals, `${{ }}` around it); anything else may run, and the pin says so;
- a setup-go pin counts only where its job runs the Go toolchain on the module (see
  `_job_builds`); otherwise the pin is returned with `ignored` set and the reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from .gomod_pins import gomod_pins
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

_EXPR_RE = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_CONTEXT_RE = re.compile(
    r"(env|matrix|inputs)\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\])", re.IGNORECASE
)

# YAML 1.2 core schema, which the Actions runner implements for plain scalars.
_CORE_INT_RE = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+|0o[0-7]+")
_CORE_FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_CORE_NULL = ("", "~", "null", "Null", "NULL")
_CORE_TRUE = ("true", "True", "TRUE")
_CORE_FALSE = ("false", "False", "FALSE")
_CORE_INF_RE = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_CORE_NAN = (".nan", ".NaN", ".NAN")

Value = str | float | bool | None


class _Unknown:
    """A value the reader cannot know (a context other than matrix/env, a function)."""

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = _Unknown()
Evaluated = Value | _Unknown | Mapping[str, "Evaluated"]


def _typed(node: yaml.Node) -> Evaluated:
    """A node's value as the runner types it: a plain scalar by the YAML 1.2 core schema."""
    if isinstance(node, yaml.MappingNode):
        return {name: _typed(value) for name, value in _mapping(node).items()}
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


def _as_text(value: Evaluated) -> str:
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


def _node_text(node: yaml.ScalarNode) -> str:
    return _as_text(_typed(node)).strip()


def _number_note(node: yaml.ScalarNode) -> str:
    """Why the text Actions passes differs from the text written, when it does."""
    written = node.value.strip()
    value = _typed(node)
    if isinstance(value, float) and _as_text(value) != written:
        return (
            f"unquoted {written} is the YAML number {_as_text(value)}, which is what Actions "
            f"passes on; quote it: '{written}'"
        )
    return ""


# Matrix ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matrix:
    """A job's matrix combinations as Actions expands them."""

    combinations: tuple[Mapping[str, yaml.Node], ...]
    keys: frozenset[str] = frozenset()  # every key some combination sets
    unknown: Mapping[str, str] = field(default_factory=dict)  # key -> why its values are unknown
    problem: str = ""  # why no matrix value can be read at all
    absent: bool = False  # the job has no matrix: the matrix context is empty


def _expand_matrix(strategy: yaml.Node | None, job: str) -> _Matrix:
    """Combinations of `strategy.matrix`: the product of its axes, minus `exclude` (a partial
    match), then each `include` entry added to every original combination whose original
    values it does not change, or appended as its own combination when it fits none."""
    matrix = _mapping(strategy).get("matrix") if isinstance(strategy, yaml.MappingNode) else None
    if matrix is None:
        return _Matrix(({},), problem=f"job {job} has no strategy.matrix", absent=True)
    if isinstance(matrix, yaml.ScalarNode):
        return _Matrix(
            ({},), problem=f"job {job}'s matrix is an expression ({matrix.value.strip()})"
        )
    if not isinstance(matrix, yaml.MappingNode):
        return _Matrix(({},), problem=f"job {job}'s matrix is not a mapping")
    entries = _mapping(matrix)
    unknown: dict[str, str] = {}
    base: list[dict[str, yaml.Node]] = [{}]
    axes = 0
    for key, axis in entries.items():
        if key in ("include", "exclude"):
            continue
        if isinstance(axis, yaml.ScalarNode) and "${{" in axis.value:
            unknown[key] = f"matrix.{key} of job {job} is an expression ({axis.value.strip()})"
            continue
        values = list(axis.value) if isinstance(axis, yaml.SequenceNode) else [axis]
        axes += 1
        base = [{**combination, key: value} for combination in base for value in values]
    if not axes:
        base = [] if not unknown else [{}]
    for rule in _entries(entries.get("exclude")):
        base = [c for c in base if not all(k in c and _same(c[k], v) for k, v in rule.items())]
    extra: list[dict[str, yaml.Node]] = []
    combinations = [dict(c) for c in base]
    for entry in _entries(entries.get("include")):
        fitted = False
        for original, combination in zip(base, combinations, strict=True):
            if all(k not in original or _same(original[k], v) for k, v in entry.items()):
                # Values added earlier may be overwritten; an original one stays (it is equal).
                combination.update({k: v for k, v in entry.items() if k not in original})
                fitted = True
        if not fitted:
            extra.append(dict(entry))
    result = tuple(combinations + extra)
    keys = frozenset(k for c in result for k in c)
    return _Matrix(result, keys, unknown)


def _entries(node: yaml.Node | None) -> Iterator[dict[str, yaml.Node]]:
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                yield _mapping(item)


def _same(a: yaml.Node, b: yaml.Node) -> bool:
    if a is b:
        return True
    if isinstance(a, yaml.ScalarNode) and isinstance(b, yaml.ScalarNode):
        return _typed(a) == _typed(b)
    return False


# Conditions -----------------------------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')"
    r"|(?P<num>(?:0x[0-9a-fA-F]+|0o[0-7]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?))"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[<>!()\[\].,*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))",
)


class _Unsupported(Exception):
    """The expression uses syntax this reader does not evaluate."""


class _Condition:
    """A recursive-descent reader of Actions expressions over the matrix and env contexts.

    Three-valued: a context or function it cannot know is UNKNOWN, and `&&`/`||` decide
    without it where Actions would (`false && x` is false whatever x is).
    """

    def __init__(self, text: str, contexts: Mapping[str, Evaluated]) -> None:
        self.tokens = self._tokenize(text)
        self.index = 0
        self.contexts = contexts

    @staticmethod
    def _tokenize(text: str) -> list[tuple[str, str]]:
        tokens: list[tuple[str, str]] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN_RE.match(text, position)
            if match is None or match.end() == position:
                raise _Unsupported(text[position:])
            kind = match.lastgroup or ""
            tokens.append((kind, match.group(kind)))
            position = match.end()
        return tokens

    def evaluate(self) -> Evaluated:
        value = self._or()
        if self.index != len(self.tokens):
            raise _Unsupported(self.tokens[self.index][1])
        return value

    def _peek(self) -> str:
        return self.tokens[self.index][1] if self.index < len(self.tokens) else ""

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.index >= len(self.tokens):
            raise _Unsupported("end of expression")
        token = self.tokens[self.index]
        if expected is not None and token[1] != expected:
            raise _Unsupported(token[1])
        self.index += 1
        return token

    def _or(self) -> Evaluated:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            a, b = _truth(left), _truth(right)
            left = left if a is True else right if a is False else (right if b is True else UNKNOWN)
        return left

    def _and(self) -> Evaluated:
        left = self._equality()
        while self._peek() == "&&":
            self._take()
            right = self._equality()
            a, b = _truth(left), _truth(right)
            left = (
                right if a is True else left if a is False else (right if b is False else UNKNOWN)
            )
        return left

    def _equality(self) -> Evaluated:
        left = self._relation()
        while self._peek() in ("==", "!="):
            operator = self._take()[1]
            right = self._relation()
            if isinstance(left, _Unknown) or isinstance(right, _Unknown):
                left = UNKNOWN
            else:
                left = _loose_equal(left, right) == (operator == "==")
        return left

    def _relation(self) -> Evaluated:
        left = self._unary()
        while self._peek() in ("<", "<=", ">", ">="):
            operator = self._take()[1]
            right = self._unary()
            left = _compare(left, right, operator)
        return left

    def _unary(self) -> Evaluated:
        if self._peek() == "!":
            self._take()
            truth = _truth(self._unary())
            return UNKNOWN if truth is None else not truth
        return self._postfix()

    def _postfix(self) -> Evaluated:
        value = self._primary()
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                kind, name = self._take()
                if kind != "name":
                    raise _Unsupported(name)
            else:
                kind, name = self._take()
                if kind != "str":
                    raise _Unsupported(name)
                name = name[1:-1].replace("''", "'")
                self._take("]")
            if isinstance(value, Mapping):
                # Actions compares property names case-insensitively.
                found = [v for k, v in value.items() if k.lower() == name.lower()]
                value = found[0] if found else None
            elif not isinstance(value, _Unknown):
                value = None
        return value

    def _primary(self) -> Evaluated:
        kind, text = self._take()
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            if text.startswith(("0x", "0o")):
                return float(int(text[2:], 16 if text[1] == "x" else 8))
            return float(text)
        if text == "(":
            value = self._or()
            self._take(")")
            return value
        if kind != "name":
            raise _Unsupported(text)
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "null":
            return None
        if self._peek() == "(":
            self._take()
            while self._peek() != ")":
                self._or()
                if self._peek() == ",":
                    self._take()
            self._take(")")
            # Earlier steps are taken to succeed: a setup-go step is normally an early one.
            return True if lowered in ("success", "always") else UNKNOWN
        return self.contexts.get(lowered, UNKNOWN)


def _truth(value: Evaluated) -> bool | None:
    if isinstance(value, _Unknown):
        return None
    if isinstance(value, Mapping):
        return True
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    return bool(value)


def _number(value: Evaluated) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            if re.fullmatch(r"[-+]?0x[0-9a-fA-F]+", text):
                return float(int(text, 16))
            return (
                float(text) if re.fullmatch(r"[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?", text) else math.nan
            )
        except ValueError:
            return math.nan
    return math.nan


def _loose_equal(a: Evaluated, b: Evaluated) -> bool:
    """Actions' `==`: strings ignore case; values of different types compare as numbers."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b) and not isinstance(a, (float, Mapping)):
        return a == b
    if isinstance(a, Mapping) or isinstance(b, Mapping):
        return a is b
    return _number(a) == _number(b)


def _compare(a: Evaluated, b: Evaluated, operator: str) -> Evaluated:
    if isinstance(a, _Unknown) or isinstance(b, _Unknown):
        return UNKNOWN
    if isinstance(a, str) and isinstance(b, str):
        x: str | float = a.lower()
        y: str | float = b.lower()
    else:
        x, y = _number(a), _number(b)
    if operator == "<":
        return x < y  # type: ignore[operator]
    if operator == "<=":
        return x <= y  # type: ignore[operator]
    if operator == ">":
        return x > y  # type: ignore[operator]
    return x >= y  # type: ignore[operator]


def _condition(node: yaml.Node | None, contexts: Mapping[str, Evaluated]) -> bool | str:
    """True or False when an `if:` decides; otherwise the text of why it may run."""
    if node is None:
        return True
    if not isinstance(node, yaml.ScalarNode):
        return "its `if:` is not a single expression"
    value = _typed(node)
    if not isinstance(value, str):
        truth = _truth(value)
        return True if truth is None else truth
    text = value.strip()
    whole = _EXPR_RE.fullmatch(text)
    if whole is not None:
        text = whole.group(1)
    elif "${{" in text:
        return f"its `if: {text}` mixes text and expressions, which is not evaluated here"
    try:
        truth = _truth(_Condition(text, contexts).evaluate())
    except _Unsupported:
        return f"its `if: {text}` is not evaluated here"
    if truth is None:
        return f"its `if: {text}` depends on what is only known when the workflow runs"
    return truth


# Which jobs build the module ------------------------------------------------------------------

GO_BUILD_SUBCOMMANDS = ("build", "test", "vet", "run", "install", "generate", "mod")
# Actions that build or load the module with the Go setup-go installed.
GO_BUILD_ACTIONS = (
    "golangci/golangci-lint-action",
    "goreleaser/goreleaser-action",
    "golang/govulncheck-action",
    "github/codeql-action/autobuild",
)
# Task runners: what a target runs is not in the workflow, and in a Go repository it is most
# often the go command, so a job that runs one counts (strict: what is tested is what ships).
MAKE_LIKE = ("make", "gmake", "task", "just", "mage")
_SHELLS = ("bash", "sh", "zsh", "dash")
_WRAPPERS = ("sudo", "time", "env", "exec", "nohup", "xargs", "then", "do", "else", "!", "command")
_SEGMENT_SPLIT_RE = re.compile(r"&&|\|\||[;|&(){}`]|\$\(|\n")
_ASSIGNMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True)
class _Builds:
    builds: bool
    why: str = ""  # for an ambiguous step: why it counts; for a job that does not: why not


def _job_builds(steps: Sequence[Mapping[str, yaml.Node]], job: str) -> _Builds:
    """Whether a job runs the Go toolchain on the module.

    It does when a step runs `go build|test|vet|run|install|generate|mod` (not `go install
    pkg@version` or `go run pkg@version`, which fetch a tool), or uses an action that builds
    the module (GO_BUILD_ACTIONS). It may, and then counts, when a step runs a task runner
    (MAKE_LIKE), a script of the repository, or a local action: their content is not read.
    """
    ambiguous = ""
    for step in steps:
        run = step.get("run")
        if isinstance(run, yaml.ScalarNode):
            line = run.start_mark.line + 1
            for words in _commands(run.value):
                verdict = _command_builds(words)
                if verdict == "go":
                    return _Builds(True)
                if verdict and not ambiguous:
                    ambiguous = (
                        f"counted: job {job} runs `{' '.join(words)}` (line {line}), {verdict} "
                        "may run the Go toolchain; list the job in go_version_ignore if it does not"
                    )
        uses = step.get("uses")
        if isinstance(uses, yaml.ScalarNode):
            action = uses.value.strip().split("@", 1)[0].lower().rstrip("/")
            if action in GO_BUILD_ACTIONS:
                return _Builds(True)
            if action.startswith("./") and not ambiguous:
                ambiguous = (
                    f"counted: job {job} uses the local action {action} (line "
                    f"{uses.start_mark.line + 1}), which may run the Go toolchain; list the job "
                    "in go_version_ignore if it does not"
                )
    if ambiguous:
        return _Builds(True, ambiguous)
    return _Builds(
        False,
        f"not counted: job {job} never runs the Go toolchain on the module (no step runs "
        f"go {'/'.join(GO_BUILD_SUBCOMMANDS)}, a task runner, a script or a Go build action)",
    )


def _commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a shell script, as words, roughly as a shell splits them."""
    script = script.replace("\\\r\n", " ").replace("\\\n", " ")
    lines = [re.sub(r"(^|\s)#.*", "", line) for line in script.splitlines()]
    for segment in _SEGMENT_SPLIT_RE.split("\n".join(lines)):
        words = [w.strip("'\"") for w in segment.split()]
        while words and (words[0] in _WRAPPERS or _ASSIGNMENT_RE.match(words[0])):
            words.pop(0)
            while words and words[0].startswith("-"):
                words.pop(0)  # a wrapper's own flags (`env -i`, `sudo -E`)
        if words:
            yield words


def _command_builds(words: list[str]) -> str:
    """ "go" when the command runs the Go toolchain on the module, a phrase naming what it runs
    when it may, "" when it does not."""
    program = words[0].rsplit("/", 1)[-1]
    if program == "go":
        rest = words[1:]
        while rest and rest[0].startswith("-"):  # `go -C dir build`
            flag = rest.pop(0)
            if flag == "-C" and rest:
                rest.pop(0)
        if not rest or rest[0] not in GO_BUILD_SUBCOMMANDS:
            return ""
        if rest[0] in ("install", "run") and any(
            "@" in w and not w.startswith("-") for w in rest[1:]
        ):
            return ""  # fetches and builds a tool at its own version, not this module
        return "go"
    if program in MAKE_LIKE:
        return f"and what {program} runs is not read, so it"
    if program in _SHELLS and len(words) > 1 and not words[1].startswith("-"):
        return "a script whose content is not read, so it"
    if words[0].startswith(("./", "scripts/", "hack/", "build/")) or words[0].endswith(".sh"):
        return "a script whose content is not read, so it"
    return ""


# Reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scalar:
    text: str  # as Actions passes it on
    line: int
    via: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    written: str = ""  # as written in the file, substitutions included


@dataclass(frozen=True)
class _Unresolved(_Scalar):
    reason: str = ""


@dataclass(frozen=True)
class _Scope:
    env: tuple[Mapping[str, yaml.Node], ...]  # step, job, workflow: first match wins
    matrix: _Matrix
    combination: Mapping[str, yaml.Node]
    job: str
    inputs: Mapping[str, yaml.Node]  # workflow_call inputs: name -> its definition


def workflow_pins(text: str, file: str) -> list[Pin]:
    """Pins of every `actions/setup-go` step that runs; WorkflowError if the YAML is invalid.

    `${{ env.X }}` and `${{ matrix.x }}` are resolved per matrix combination, each value a pin
    on its own line. A pin whose job never builds the module has `ignored` set.
    Steps, jobs or `with` blocks of an unexpected shape are skipped.
    """
    top = _workflow(text, file)
    jobs = top.get("jobs")
    if not isinstance(jobs, yaml.MappingNode):
        return []
    workflow_env = _env(top)
    inputs = _workflow_call_inputs(top)
    pins: list[Pin] = []
    for job_name, job in _mapping(jobs).items():
        if not isinstance(job, yaml.MappingNode):
            continue
        job_map = _mapping(job)
        steps_node = job_map.get("steps")
        if not isinstance(steps_node, yaml.SequenceNode):
            continue
        if _condition(job_map.get("if"), {"env": _env_values(workflow_env)}) is False:
            continue  # `if: false`: the job never runs
        steps = [_mapping(s) for s in steps_node.value if isinstance(s, yaml.MappingNode)]
        matrix = _expand_matrix(job_map.get("strategy"), str(job_name))
        builds = _job_builds(steps, str(job_name))
        job_pins: list[Pin] = []
        for step in steps:
            if not _is_setup_go_step(step):
                continue
            for combination in matrix.combinations:
                scope = _Scope(
                    (_env(step), _env(job_map), workflow_env),
                    matrix,
                    combination,
                    str(job_name),
                    inputs,
                )
                contexts: dict[str, Evaluated] = {
                    "env": _env_values(_env(job_map), workflow_env),
                    "matrix": {}
                    if matrix.absent
                    else UNKNOWN
                    if matrix.problem or matrix.unknown
                    else {k: _typed(v) for k, v in combination.items()},
                }
                runs = _condition(step.get("if"), contexts)
                if runs is False:
                    continue
                for pin in _setup_go_pins(step, scope, file):
                    if isinstance(runs, str):
                        condition = step["if"]
                        may = f"may run: {runs} (line {condition.start_mark.line + 1})"
                        pin = replace(pin, note="; ".join(filter(None, [pin.note, may])))
                    job_pins.append(pin)
        for pin in _unique(job_pins):
            if not builds.builds:
                pin = replace(pin, ignored=builds.why)
            elif builds.why:
                pin = replace(pin, note="; ".join(filter(None, [pin.note, builds.why])))
            pins.append(replace(pin, job=str(job_name)))
    return pins


def workflow_jobs(text: str) -> list[str] | None:
    """The job ids of a workflow; None when it is not readable (workflow_pins says why)."""
    try:
        top = _workflow(text, "")
    except WorkflowError:
        return None
    jobs = top.get("jobs")
    return list(_mapping(jobs)) if isinstance(jobs, yaml.MappingNode) else []


def _workflow(text: str, file: str) -> dict[str, yaml.Node]:
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
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise WorkflowError(
            f"{file}:{root.start_mark.line + 1}: a workflow must be a mapping with `jobs:`."
        )
    # Keys are read as written: PyYAML's YAML 1.1 would make `on:` the boolean True.
    return _mapping(root)


def _unique(pins: list[Pin]) -> list[Pin]:
    """One pin per place and value: matrix combinations repeat the same value."""
    seen: set[tuple[int, str, str, str]] = set()
    result = []
    for pin in pins:
        key = (pin.line, pin.source, pin.raw, pin.resolved)
        if key not in seen:
            seen.add(key)
            result.append(pin)
    return result


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


def _env_values(*scopes: Mapping[str, yaml.Node]) -> Mapping[str, Evaluated]:
    """The env context a condition sees: text values; one holding an expression is unknown."""
    values: dict[str, Evaluated] = {}
    for scope in reversed(scopes):  # inner scopes win
        for name, node in scope.items():
            if isinstance(node, yaml.ScalarNode) and "${{" not in node.value:
                values[name] = _as_text(_typed(node))
            else:
                values[name] = UNKNOWN
    return values


def _workflow_call_inputs(top: Mapping[str, yaml.Node]) -> Mapping[str, yaml.Node]:
    on = top.get("on")
    if not isinstance(on, yaml.MappingNode):
        return {}
    call = _mapping(on).get("workflow_call")
    if not isinstance(call, yaml.MappingNode):
        return {}
    inputs = _mapping(call).get("inputs")
    return _mapping(inputs) if isinstance(inputs, yaml.MappingNode) else {}


def _is_setup_go_step(step: Mapping[str, yaml.Node]) -> bool:
    uses = step.get("uses")
    if not isinstance(uses, yaml.ScalarNode):
        return False
    action: str = uses.value.strip().lower()
    return action == "actions/setup-go" or action.startswith(
        ("actions/setup-go@", "actions/setup-go/")
    )


def _setup_go_pins(step: Mapping[str, yaml.Node], scope: _Scope, file: str) -> list[Pin]:
    uses = step["uses"]
    assert isinstance(uses, yaml.ScalarNode)
    with_node = step.get("with")
    options = _mapping(with_node) if isinstance(with_node, yaml.MappingNode) else {}
    version_node = options.get("go-version")
    file_node = options.get("go-version-file")
    step_line = uses.start_mark.line + 1
    if isinstance(version_node, yaml.ScalarNode) and _node_text(version_node):
        return _version_pins(version_node, scope, file)
    if version_node is not None and not isinstance(version_node, yaml.ScalarNode):
        line = version_node.start_mark.line + 1
        note = "go-version is not a single value; setup-go expects one version"
        return [Pin(file, line, SOURCE_SETUP_GO, "", None, note, True)]
    if isinstance(file_node, yaml.ScalarNode) and _node_text(file_node):
        line = file_node.start_mark.line + 1
        target = _node_text(file_node)
        if target.rsplit("/", 1)[-1] == "go.mod":
            note = f"follows {target}: aligned by construction"
            return [Pin(file, line, SOURCE_SETUP_GO_FILE, target, None, note, False, target)]
        note = f"follows {target}, read from the checkout: not checked by the reader alone"
        return [Pin(file, line, SOURCE_SETUP_GO_FILE, target, None, note, True, target)]
    note = "setup-go without go-version or go-version-file uses whatever Go the runner has"
    return [Pin(file, step_line, SOURCE_SETUP_GO, uses.value, None, note, True)]


def _version_pins(node: yaml.ScalarNode, scope: _Scope, file: str) -> list[Pin]:
    pins: list[Pin] = []
    trap = _number_note(node)
    start = _Scalar(_node_text(node), node.start_mark.line + 1, notes=(trap,) if trap else ())
    written = node.value.strip()
    for value in _expand(start, scope, 0):
        raw = value.written if value.via else written
        where = f"setup-go at line {start.line} via " + " -> ".join(value.via) if value.via else ""
        if isinstance(value, _Unresolved):
            note = "; ".join(filter(None, [value.reason, where]))
            pins.append(Pin(file, value.line, SOURCE_SETUP_GO, written, None, note, True, ""))
            continue
        version, problem = _setup_go_version(value.text)
        note = "; ".join(filter(None, [*value.notes, problem, where]))
        pins.append(
            Pin(file, value.line, SOURCE_SETUP_GO, raw, version, note, version is None, value.text)
        )
    return pins


def _expand(value: _Scalar, scope: _Scope, depth: int) -> list[_Scalar]:
    """Substitute the first `${{ }}` expression, recursing, in the scope's matrix combination."""
    match = _EXPR_RE.search(value.text)
    if match is None:
        return [value]
    expression = match.group(1)
    if depth >= MAX_DEPTH:
        return [
            _Unresolved(
                value.text, value.line, value.via, value.notes, reason="expressions nest too deeply"
            )
        ]
    context = _CONTEXT_RE.fullmatch(expression)
    if context is None:
        reason = f"cannot resolve ${{{{ {expression} }}}} (only env.X and matrix.x are read)"
        return [_Unresolved(value.text, value.line, value.via, value.notes, reason=reason)]
    kind = context.group(1).lower()
    name = context.group(2) or context.group(3) or ""
    found: yaml.Node | None = None
    if kind == "env":
        found = next((scoped[name] for scoped in scope.env if name in scoped), None)
        missing = f"env.{name} is not set in the step, job or workflow env"
    elif kind == "inputs":
        missing = _input_reason(scope, name)
    else:
        found, missing = _matrix_value(scope, name)
    if not isinstance(found, yaml.ScalarNode):
        return [_Unresolved(value.text, value.line, value.via, value.notes, reason=missing)]
    line = found.start_mark.line + 1
    text = value.text[: match.start()] + _node_text(found) + value.text[match.end() :]
    before = value.written or value.text
    at = before.find(match.group(0))
    written = (
        before[:at] + found.value.strip() + before[at + len(match.group(0)) :] if at >= 0 else text
    )
    trap = _number_note(found)
    step = f"{kind}.{name} at line {line}"
    notes = (*value.notes, trap) if trap else value.notes
    return _expand(_Scalar(text, line, (*value.via, step), notes, written), scope, depth + 1)


def _matrix_value(scope: _Scope, name: str) -> tuple[yaml.Node | None, str]:
    matrix = scope.matrix
    if matrix.problem:
        return None, matrix.problem
    if name in matrix.unknown:
        return None, matrix.unknown[name]
    if name in scope.combination:
        return scope.combination[name], ""
    if name in matrix.keys:
        return None, (
            f"matrix.{name} is not set in every combination of job {scope.job}, and setup-go "
            "without a version uses whatever Go the runner has"
        )
    return None, f"job {scope.job}'s matrix has no `{name}`"


def _input_reason(scope: _Scope, name: str) -> str:
    definition = scope.inputs.get(name)
    default = ""
    if isinstance(definition, yaml.MappingNode):
        node = _mapping(definition).get("default")
        if isinstance(node, yaml.ScalarNode):
            default = f", default {_node_text(node)!r} at line {node.start_mark.line + 1}"
    if definition is None:
        return f"inputs.{name} is not an input of this workflow"
    return f"inputs.{name} is set by each caller of this reusable workflow{default}"


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


# Files ----------------------------------------------------------------------------------------


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


def follow_go_version_files(pins: list[Pin], workspace: Path, go_mod: Path) -> list[Pin]:
    """setup-go `go-version-file` pins resolved against the checkout (`workspace`, which holds
    `.github/`): the project's own go.mod is aligned by construction; another go.mod or a
    go.work pins the Go its `go`/`toolchain` lines require; `.go-version` pins its content and
    `.tool-versions` its `golang` line, each compared like any pin."""
    resolved: list[Pin] = []
    for pin in pins:
        target = pin.resolved
        if pin.source != SOURCE_SETUP_GO_FILE or not target:
            resolved.append(pin)
            continue
        path = workspace / target
        name = target.rsplit("/", 1)[-1]
        if name == "go.mod" and path.resolve() == go_mod.resolve():
            resolved.append(pin)
        elif not path.is_file():
            note = f"follows {target}, which does not exist in this checkout: not checked"
            resolved.append(replace(pin, note=note, unpinned=True))
        elif name in ("go.mod", "go.work"):
            try:
                text = read_text(path, target, GoModError)
                version = required_version(gomod_pins(text, target))
            except GoModError as exc:
                resolved.append(replace(pin, note=f"follows {exc}", unpinned=True))
                continue
            what = "another module's go.mod" if name == "go.mod" else "a workspace file"
            note = f"follows {target}, {what}, which requires Go {version}"
            resolved.append(replace(pin, version=version, note=note, unpinned=False))
        else:
            resolved.append(_follow_version_file(pin, path, target, name))
    return resolved


def _follow_version_file(pin: Pin, path: Path, target: str, name: str) -> Pin:
    try:
        text = read_text(path, target, WorkflowError)
    except WorkflowError as exc:
        return replace(pin, note=f"follows {exc}", unpinned=True)
    if name == ".tool-versions":
        # asdf's format: `<tool> <version> [fallbacks...]`; setup-go reads the golang line.
        match = re.search(r"^[ \t]*golang[ \t]+([^\s#]+)", text, re.MULTILINE)
        if match is None:
            note = f"follows {target}, which has no `golang <version>` line: not checked"
            return replace(pin, note=note, unpinned=True)
        spec = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        where = f"{target}:{line}"
    else:
        spec = text.strip()
        where = target
    version, problem = _setup_go_version(spec)
    note = f"follows {where}, which names {spec!r}" + (f"; {problem}" if problem else "")
    return replace(pin, version=version, note=note, unpinned=version is None)


# [tool.goimage] go_version_ignore -------------------------------------------------------------


def split_ignore_entry(entry: str) -> tuple[str, str]:
    """`release.yml:docs` -> ("release.yml", "docs"); `docs.yml` -> ("docs.yml", "")."""
    workflow, _, job = entry.strip().partition(":")
    return workflow.strip().removeprefix("./"), job.strip()


def apply_ignore(pins: Sequence[Pin], entries: Sequence[str]) -> list[Pin]:
    """setup-go pins of the workflows or jobs `entries` name, marked ignored with the entry.

    A workflow is named by its file name (`docs.yml`) or its path as the pin names it
    (`.github/workflows/docs.yml`); `workflow:job` names one job by its id.
    """
    result = []
    for pin in pins:
        if pin.source in (SOURCE_SETUP_GO, SOURCE_SETUP_GO_FILE) and not pin.ignored:
            for entry in entries:
                workflow, job = split_ignore_entry(entry)
                if workflow in (pin.file, pin.file.rsplit("/", 1)[-1]) and job in ("", pin.job):
                    pin = replace(pin, ignored=f"left out by go_version_ignore entry {entry!r}")
                    break
        result.append(pin)
    return result
