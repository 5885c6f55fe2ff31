"""The Go versions a project pins: go.mod, Dockerfile `golang:` builders and setup-go steps.

Every reader turns text into `Pin`s (file, 1-based line, what was written, the `GoVersion` it
names). `required_version` takes the higher of go.mod's `go` and `toolchain`; `misaligned` keeps
the pins that would build with an older Go. A pin compares at its own precision: `golang:1.24`
floats to the newest 1.24.x, so it satisfies `go1.24.5`; `golang:1.24.3` does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .dockerfile import split_keyword
from .errors import GoImageError

SOURCE_GO = "go.mod go"
SOURCE_TOOLCHAIN = "go.mod toolchain"
SOURCE_DOCKERFILE = "Dockerfile FROM"
SOURCE_SETUP_GO = "setup-go go-version"
SOURCE_SETUP_GO_FILE = "setup-go go-version-file"
SOURCE_BINARY = "binary"
_GOMOD_SOURCES = (SOURCE_GO, SOURCE_TOOLCHAIN)

_MAX_DEPTH = 8  # nesting of `${A:-${B}}`, `${{ env.X }}` chains and YAML merges
_PRE_RANK = {"beta": 0, "rc": 1, "": 2}
# re.ASCII: `\d` must not match other scripts' digits, which int() would happily accept.
_VERSION_RE = re.compile(
    r"(?:go)?(?P<major>\d+)(?:\.(?P<minor>\d+)(?:\.(?P<patch>\d+)|(?P<pre>rc|beta)(?P<num>\d+))?)?",
    re.ASCII,
)


class GoModError(GoImageError):
    """go.mod is malformed or has no `go` line; the message names the file (and line)."""


class WorkflowError(GoImageError):
    """A GitHub Actions workflow is not valid YAML or not a mapping; names the file and line."""


@dataclass(frozen=True)
class GoVersion:
    """A Go version as written, keeping its precision: `1`, `1.26`, `1.26.8` or `1.26rc1`.

    Ordering follows Go's release order (beta < rc < .0 < .1). A two-component version is
    ordered as its `.0` release (just below the explicit `.0`), so go.mod's `go 1.21` requires
    1.21.0: we deliberately do not let a 1.21rc pin satisfy it, which Go itself would.
    """

    major: int
    minor: int = 0
    patch: int = 0
    precision: int = 3  # 1, 2 or 3 numeric components as written
    pre: str = ""  # "", "rc" or "beta"; only with precision 2
    pre_num: int = 0

    @classmethod
    def parse(cls, text: str) -> GoVersion:
        """`1.26`, `1.26.8`, `go1.26.8`, `1.26rc1`, `1` -> GoVersion; ValueError otherwise."""
        match = _VERSION_RE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"not a Go version: {text!r}")
        minor, patch = match.group("minor"), match.group("patch")
        precision = 1 if minor is None else 3 if patch is not None else 2
        return cls(
            major=int(match.group("major")),
            minor=int(minor or 0),
            patch=int(patch or 0),
            precision=precision,
            pre=match.group("pre") or "",
            pre_num=int(match.group("num") or 0),
        )

    def __str__(self) -> str:
        text = str(self.major)
        if self.precision >= 2:
            text += f".{self.minor}"
        if self.precision == 3:
            text += f".{self.patch}"
        return text + (f"{self.pre}{self.pre_num}" if self.pre else "")

    def _key(self) -> tuple[int, int, int, int, int, int]:
        return (
            self.major,
            self.minor,
            _PRE_RANK[self.pre],
            self.patch,
            self.pre_num,
            self.precision,
        )

    def __lt__(self, other: GoVersion) -> bool:
        return self._key() < other._key()

    def __le__(self, other: GoVersion) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: GoVersion) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: GoVersion) -> bool:
        return self._key() >= other._key()

    def satisfies(self, required: GoVersion) -> bool:
        """Whether a pin of this version builds a module that requires `required`.

        A pin compares at its own precision because `golang:1.26` and `go-version: 1.26` float
        to the newest 1.26.x: 1.26 and 1.27 satisfy 1.26.8, 1.25 and 1.26.7 do not.
        """
        if self.pre or self.precision == 3:
            return self._key()[:5] >= required._key()[:5]
        if self.precision == 2:
            return (self.major, self.minor) >= (required.major, required.minor)
        return self.major >= required.major


def parse_go_version(text: str) -> GoVersion | None:
    """GoVersion.parse that returns None instead of raising."""
    try:
        return GoVersion.parse(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Pin:
    """One place that names a Go version.

    `raw` is the value as written (`golang:${GO_VERSION}-alpine`, `go1.26.8`, `'1.24'`);
    `resolved` is it after ARG/env/matrix substitution; `version` is None when no version could
    be read, with the reason in `note`. `unpinned` marks warning-level findings (digest-only,
    `latest`, untagged or unresolvable pins) as opposed to pins aligned by construction.
    """

    file: str
    line: int
    source: str
    raw: str
    version: GoVersion | None
    note: str = ""
    unpinned: bool = False
    resolved: str = ""
    version_arg: str = ""  # the ARG whose value names the version, when one does
    version_arg_line: int = 0  # its default's ARG line; 0 when build_args set it


# go.mod ---------------------------------------------------------------------------------------


def gomod_pins(text: str, file: str) -> list[Pin]:
    """The `go` and `toolchain` lines of go.mod text; GoModError if malformed or without `go`."""
    pins: dict[str, Pin] = {}
    depth_line = 0  # line of the open `verb (` block, 0 when outside one
    for number, line in enumerate(_text_lines(text), start=1):
        words = _strip_gomod_comment(line).split()
        if depth_line:
            if words == [")"]:
                depth_line = 0
            continue
        if not words:
            continue
        if words[-1] == "(":
            depth_line = number
            continue
        if words[0] not in ("go", "toolchain"):
            continue
        source = SOURCE_GO if words[0] == "go" else SOURCE_TOOLCHAIN
        if len(words) != 2:
            raise GoModError(
                f"{file}:{number}: expected `{words[0]} <version>`, got {line.strip()!r}; "
                "fix go.mod (`go mod edit -fmt` shows the expected form)."
            )
        if source in pins:
            raise GoModError(
                f"{file}:{number}: repeated `{words[0]}` line (first at line "
                f"{pins[source].line}); keep one."
            )
        pins[source] = _gomod_pin(file, number, source, words[1])
    if SOURCE_GO not in pins:
        raise GoModError(
            f"{file}: no `go` line, so the Go version the module needs is unknown; "
            "add one, e.g. `go mod edit -go=1.26.0`."
        )
    return sorted(pins.values(), key=lambda pin: pin.line)


def _gomod_pin(file: str, number: int, source: str, value: str) -> Pin:
    if source == SOURCE_TOOLCHAIN:
        if value == "default":
            return Pin(file, number, source, value, None, "toolchain default: the go line decides")
        # Custom toolchains carry a suffix (`go1.21.3-bigcorp`, `go1.22.0+auto`): drop it.
        version = parse_go_version(re.split(r"[-+]", value, maxsplit=1)[0])
        if version is None or not value.startswith("go") or version.precision < 2:
            raise GoModError(
                f"{file}:{number}: `toolchain {value}` is not a Go toolchain name such as "
                "go1.26.8; fix go.mod."
            )
    else:
        version = parse_go_version(value)
        if version is None or value.startswith("go") or version.precision < 2:
            raise GoModError(
                f"{file}:{number}: `go {value}` is not a Go version such as 1.26.0; fix go.mod."
            )
    return Pin(file, number, source, value, version, resolved=str(version))


def _strip_gomod_comment(line: str) -> str:
    # `//` starts a comment unless inside a quoted module path.
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in '"`':
            quote = char
        elif line.startswith("//", index):
            return line[:index]
    return line


def _text_lines(text: str) -> list[str]:
    # Split on newlines only: str.splitlines also breaks on \x0c, \u2028 ... and would shift
    # line numbers against what editors and Docker show.
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


# Dockerfile -----------------------------------------------------------------------------------

_DIRECTIVE_RE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_HEREDOC_RE = re.compile(r"<<-?\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\1")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ARG_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=(\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S*))?")
_TAG_VERSION_RE = re.compile(
    r"(\d+(?:\.\d+){0,2}(?:(?:rc|beta)\d+)?)(?:-(.*))?", re.ASCII | re.DOTALL
)


@dataclass(frozen=True)
class _Arg:
    value: str | None  # None: declared without a default and not passed
    origin: str
    line: int = 0  # the ARG line of its default; 0 when build_args set it


def dockerfile_pins(text: str, file: str, build_args: Mapping[str, str]) -> list[Pin]:
    """One pin per `FROM` of a golang image, after global-ARG and `build_args` substitution.

    Stages built `FROM` an earlier stage are not pins. Never raises on odd text.
    """
    escape, instructions = _instructions(text)
    args: dict[str, _Arg] = {}
    stages: set[str] = set()
    pins: list[Pin] = []
    seen_from = False
    for number, keyword, rest in instructions:
        if keyword == "ARG" and not seen_from:
            for name, default, origin in _arg_declarations(rest, number, args, escape):
                if name in build_args:
                    args[name] = _Arg(build_args[name], "build_args")
                else:
                    args[name] = _Arg(default, origin, number)
        elif keyword == "FROM":
            seen_from = True
            words = [w for w in rest.split() if not w.startswith("--")]
            if not words:
                continue
            pin = _from_pin(file, number, words[0], args, stages, escape)
            if pin is not None:
                pins.append(pin)
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
    return pins


def _instructions(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """(escape, [(line, KEYWORD, arguments)]) with continuations joined and heredocs skipped."""
    lines = _text_lines(text)
    escape = "\\"
    start = 0
    # Parser directives count only in the leading block; the first other line ends it.
    while start < len(lines):
        match = _DIRECTIVE_RE.match(lines[start].strip())
        if not match or match.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
        start += 1
    continuation = re.compile(re.escape(escape) + r"[ \t]*$")
    result: list[tuple[int, str, str]] = []
    parts: list[str] = []
    first = 0
    heredocs: list[tuple[str, bool]] = []
    for index in range(start, len(lines)):
        line = lines[index]
        if heredocs:
            word, strip_tabs = heredocs[0]
            if (line.lstrip("\t") if strip_tabs else line).rstrip() == word:
                heredocs.pop(0)
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue  # also inside a continuation, where Docker drops comments and blanks
        if not parts:
            first = index + 1
        match = continuation.search(line)
        if match:
            parts.append(line[: match.start()].strip())
            continue
        parts.append(stripped)
        keyword, rest = split_keyword(" ".join(p for p in parts if p))
        parts = []
        keyword = keyword.upper()
        rest = rest.strip()
        result.append((first, keyword, rest))
        if keyword in ("RUN", "COPY", "ADD"):
            heredocs = [(m.group(2), "<<-" in m.group(0)) for m in _HEREDOC_RE.finditer(rest)]
    if parts:
        keyword, rest = split_keyword(" ".join(p for p in parts if p))
        result.append((first, keyword.upper(), rest.strip()))
    return escape, result


def _arg_declarations(
    rest: str, number: int, args: Mapping[str, _Arg], escape: str
) -> Iterator[tuple[str, str | None, str]]:
    for match in _ARG_RE.finditer(rest):
        name, value = match.group(1), match.group(2)
        if value is None:
            yield name, None, f"ARG without default, line {number}"
            continue
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        # A default may use an earlier global ARG (`ARG IMAGE=golang:${GO_VERSION}`).
        expanded, _ = _substitute(value, args, escape)
        yield name, expanded, f"ARG default, line {number}"


def _substitute(
    text: str, args: Mapping[str, _Arg], escape: str, depth: int = 0
) -> tuple[str, list[str]]:
    """Expand `$NAME`, `${NAME}`, `${NAME:-word}` and friends; also the names left unresolved."""
    out: list[str] = []
    unresolved: list[str] = []
    if depth > _MAX_DEPTH:
        return "", [text]
    index = 0
    while index < len(text):
        char = text[index]
        if char == escape and text.startswith("$", index + 1):
            out.append("$")
            index += 2
            continue
        if char != "$":
            out.append(char)
            index += 1
            continue
        if text.startswith("{", index + 1):
            end = _closing_brace(text, index + 2)
            if end < 0:
                unresolved.append(text[index:])
                break
            out.append(_braced(text[index + 2 : end], args, escape, unresolved, depth))
            index = end + 1
            continue
        match = _NAME_RE.match(text, index + 1)
        if not match:
            out.append("$")
            index += 1
            continue
        out.append(_lookup(match.group(0), args, unresolved))
        index = match.end()
    return "".join(out), unresolved


def _closing_brace(text: str, index: int) -> int:
    depth = 1
    for position in range(index, len(text)):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
    return -1


def _braced(
    inner: str, args: Mapping[str, _Arg], escape: str, unresolved: list[str], depth: int
) -> str:
    match = _NAME_RE.match(inner)
    if not match:
        unresolved.append("${" + inner + "}")
        return ""
    name, modifier = match.group(0), inner[match.end() :]
    arg = args.get(name)
    value = arg.value if arg is not None else None
    if not modifier:
        return _lookup(name, args, unresolved)
    for operator in (":-", ":+", "-", "+"):
        if modifier.startswith(operator):
            word, inner_unresolved = _substitute(modifier[len(operator) :], args, escape, depth + 1)
            is_set = value is not None and (bool(value) or ":" not in operator)
            if operator.endswith("-"):
                if is_set:
                    return value or ""
                unresolved.extend(inner_unresolved)
                return word
            if is_set:
                unresolved.extend(inner_unresolved)
                return word
            return ""
    unresolved.append("${" + inner + "}")  # `${X#pattern}` and the like: not worth guessing
    return ""


def _lookup(name: str, args: Mapping[str, _Arg], unresolved: list[str]) -> str:
    arg = args.get(name)
    if arg is None or not arg.value:
        unresolved.append(name)
        return ""
    return arg.value


def _from_pin(
    file: str,
    number: int,
    image: str,
    args: Mapping[str, _Arg],
    stages: set[str],
    escape: str,
) -> Pin | None:
    resolved, unresolved = _substitute(image, args, escape)
    if not unresolved and resolved.lower() in stages:
        return None  # `FROM builder`: an earlier stage, not a registry image
    repository, tag, digest = _split_reference(resolved)
    if repository.rsplit("/", 1)[-1].lower() != "golang":
        return None
    used = dict.fromkeys(
        n for n in re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", image) if n in args
    )
    origins = [f"{n}={args[n].value} from {args[n].origin}" for n in used if args[n].value]
    if unresolved:
        names = ", ".join(dict.fromkeys(unresolved))
        note = (
            f"cannot resolve {names}: declare it with a default (`ARG NAME=1.26`) before the "
            "first FROM or pass it in build_args"
        )
        return Pin(file, number, SOURCE_DOCKERFILE, image, None, note, True, resolved)
    note = "; ".join(origins)
    if tag is None:
        what = f"pinned by digest only ({digest[:19]}...)" if digest else "untagged (latest)"
        note = "; ".join(filter(None, [what, note]))
        return Pin(file, number, SOURCE_DOCKERFILE, image, None, note, True, resolved)
    match = _TAG_VERSION_RE.fullmatch(tag)
    version = parse_go_version(match.group(1)) if match else None
    if version is None:
        what = (
            f"cannot read a Go version from tag {tag!r}"
            if tag[:1].isdigit()
            else f"tag {tag!r} names no Go version, so it floats with latest"
        )
        note = "; ".join(filter(None, [what, note]))
        return Pin(file, number, SOURCE_DOCKERFILE, image, None, note, True, resolved)
    # The ARG that carries the Go version (not, say, an ALPINE_VERSION of the same tag): the
    # fix goes there.
    holder = next((n for n in used if parse_go_version(args[n].value or "") == version), "")
    return Pin(
        file,
        number,
        SOURCE_DOCKERFILE,
        image,
        version,
        note,
        False,
        resolved,
        version_arg=holder,
        version_arg_line=args[holder].line if holder else 0,
    )


def _split_reference(reference: str) -> tuple[str, str | None, str]:
    """`registry:5000/library/golang:1.26@sha256:..` -> (repository, tag or None, digest)."""
    name, _, digest = reference.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest
    return name, None, digest


# GitHub Actions -------------------------------------------------------------------------------

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
        if key.tag == "tag:yaml.org,2002:merge" and depth < _MAX_DEPTH:
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
    if depth >= _MAX_DEPTH:
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


def required_pin(pins: Iterable[Pin]) -> Pin:
    """The go.mod pin naming the required version (the higher of `go` and `toolchain`)."""
    candidates = [p for p in pins if p.source in _GOMOD_SOURCES and p.version is not None]
    if not candidates:
        raise GoModError("no go.mod `go` line among the pins; the required Go version is unknown.")
    # On a tie (`go 1.24.0`, `toolchain go1.24.0`) the toolchain line is the one to cite.
    return max(candidates, key=lambda p: (_version_of(p), p.source == SOURCE_TOOLCHAIN))


def _version_of(pin: Pin) -> GoVersion:
    if pin.version is None:
        raise ValueError(f"{pin.file}:{pin.line}: {pin.raw} names no Go version")
    return pin.version


def required_version(pins: Iterable[Pin]) -> GoVersion:
    """The Go version go.mod requires: the higher of `go` and `toolchain`."""
    return _version_of(required_pin(pins))


def misaligned(pins: Iterable[Pin], required: GoVersion) -> list[Pin]:
    """Pins (other than go.mod's own) that name a Go older than `required` at their precision."""
    return [
        pin
        for pin in pins
        if pin.source not in _GOMOD_SOURCES
        and pin.version is not None
        and not pin.version.satisfies(required)
    ]


def unpinned(pins: Iterable[Pin]) -> list[Pin]:
    """Warning-level pins: digest-only, `latest`, untagged or unresolvable."""
    return [pin for pin in pins if pin.unpinned]


def format_misalignment(bad: Sequence[Pin], pins: Sequence[Pin]) -> str:
    """One line per disagreeing pin, citing the go.mod line that sets the requirement."""
    source = required_pin(pins)
    required = _version_of(source)
    verb = "toolchain" if source.source == SOURCE_TOOLCHAIN else "go"
    requirement = (
        f"{source.file} requires {required} ({source.file}:{source.line} {verb} {source.raw})"
    )
    lines = []
    for pin in bad:
        names = f"{_shown(pin)} names Go {pin.version}"
        if pin.note:
            names += f" ({pin.note})"
        lines.append(f"{pin.file}:{pin.line}: {names}, {requirement} — {_advice(pin, required)}")
    return "\n".join(lines)


def format_unpinned(pins: Sequence[Pin]) -> str:
    """One warning line per unpinned pin."""
    return "\n".join(f"{p.file}:{p.line}: {_shown(p)} is not pinned: {p.note}" for p in pins)


def _shown(pin: Pin) -> str:
    if pin.source == SOURCE_SETUP_GO:
        return f"go-version {pin.raw}"
    if pin.source == SOURCE_SETUP_GO_FILE:
        return f"go-version-file {pin.raw}"
    if pin.source == SOURCE_BINARY:
        return f"the binary (built with {pin.raw})"
    return pin.raw


def _advice(pin: Pin, required: GoVersion) -> str:
    if pin.source == SOURCE_DOCKERFILE:
        # The fix goes where the version is written: the ARG default or build_args.
        if pin.version_arg and pin.version_arg_line:
            return (
                f"set `ARG {pin.version_arg}={required}` on {pin.file}:{pin.version_arg_line} "
                "or newer"
            )
        if pin.version_arg:
            return f'set build_args {pin.version_arg} = "{required}" or newer'
        repository, tag, _ = _split_reference(pin.resolved or pin.raw)
        match = _TAG_VERSION_RE.fullmatch(tag or "")
        variant = f"-{match.group(2)}" if match and match.group(2) else ""
        return f"use {repository}:{required}{variant} or newer"
    if pin.source == SOURCE_SETUP_GO:
        return f"use go-version '{required}' or newer"
    if pin.source == SOURCE_BINARY:
        return f"rebuild with Go {required} or newer"
    if pin.source == SOURCE_SETUP_GO_FILE:
        return f"point go-version-file at the project's go.mod, or use go-version '{required}'"
    return f"use Go {required} or newer"


# Readers --------------------------------------------------------------------------------------


def read_gomod(path: Path, file: str | None = None) -> list[Pin]:
    """gomod_pins of the file at `path`, reported as `file` (default: the path)."""
    name = file or str(path)
    return gomod_pins(_read(path, name, GoModError), name)


def read_dockerfile(
    path: Path, build_args: Mapping[str, str], file: str | None = None
) -> list[Pin]:
    """dockerfile_pins of the file at `path`; unreadable files raise GoImageError."""
    name = file or str(path)
    return dockerfile_pins(_read(path, name, GoImageError), name, build_args)


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
        pins.extend(workflow_pins(_read(path, name, WorkflowError), name))
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


def _read(path: Path, name: str, error: type[GoImageError]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{name}: cannot read ({exc}).") from None
