"""The Go versions a Dockerfile pins: each `FROM` of a golang image, ARGs resolved."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import DockerfileSyntaxError, GoImageError
from .dockerfile import Dockerfile, parse_dockerfile
from .dockerfile_toolchain import with_toolchain_settings
from .image_reference import is_golang_image, split_reference
from .versions import (
    MAX_DEPTH,
    SOURCE_DOCKERFILE,
    Pin,
    golang_tag_version,
    parse_go_version,
    read_text,
)

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Arg:
    value: str | None  # None: declared without a default and not passed
    origin: str
    line: int = 0  # the ARG line of its default; 0 when build_args set it


def dockerfile_pins(text: str, file: str, build_args: Mapping[str, str]) -> list[Pin]:
    """One pin per `FROM` (or `COPY --from`) of a golang image, after global-ARG and
    `build_args` substitution.

    Stages built `FROM` an earlier stage are not pins. Raises DockerfileSyntaxError (naming
    `file` and the line) where BuildKit could not parse the text either.
    """
    try:
        parsed = parse_dockerfile(text)
    except DockerfileSyntaxError as error:
        where = f"{file}:{error.line}" if error.line else file
        raise DockerfileSyntaxError(
            f"{where}: BuildKit cannot parse this Dockerfile: {error.reason}. Fix it so that "
            "`docker build` accepts it; until then no Go version can be read from it.",
            error.line,
        ) from None
    escape = parsed.escape
    args = _global_args(parsed, build_args)
    stages: set[str] = set()
    pins: list[Pin] = []
    for instruction in parsed.instructions:
        number, keyword = instruction.line, instruction.keyword
        if keyword == "FROM":
            words = instruction.args
            if not words:
                continue
            pin = _from_pin(file, number, words[0], args, stages, escape)
            if pin is not None:
                pins.append(pin)
            if len(words) >= 3 and words[1].lower() == "as":
                stages.add(words[2].lower())
        elif (
            keyword == "COPY"
            and (source := instruction.flag("from"))
            and _copies_go(instruction.args)
        ):
            # `COPY --from=golang:1.26 /usr/local/go /usr/local/go`: the build's Go comes
            # from that image as surely as from a golang FROM (not so a copied zoneinfo file).
            pin = _from_pin(file, number, source, args, stages, escape)
            if pin is not None:
                pins.append(pin)
    return with_toolchain_settings(pins, parsed, text, build_args)


def _copies_go(args: tuple[str, ...]) -> bool:
    """Whether COPY's sources hold the Go toolchain (GOROOT or its bin folder)."""
    return any(
        source.rstrip("/") in ("/usr/local/go", "/usr/local/go/bin", "/usr/local/go/bin/go")
        for source in args[:-1]
    )


def resolved_bases(parsed: Dockerfile, build_args: Mapping[str, str]) -> list[str]:
    """Each stage's FROM reference with global ARGs and `build_args` substituted, as BuildKit
    resolves it (a name left unresolved expands to nothing, as it does there)."""
    args = _global_args(parsed, build_args)
    return [_substitute(stage.base, args, parsed.escape)[0] for stage in parsed.stages]


def expand_global(parsed: Dockerfile, text: str, build_args: Mapping[str, str]) -> str:
    """`text` (a FROM's image, a `--from=` reference) with the global ARGs and `build_args`
    substituted, as BuildKit does before it looks the name up among the stages."""
    return _substitute(text, _global_args(parsed, build_args), parsed.escape)[0]


def global_arg_defaults(parsed: Dockerfile) -> dict[str, str | None]:
    """The default of each ARG a FROM sees (None: declared without one)."""
    return {name: arg.value for name, arg in _global_args(parsed, {}).items()}


def _global_args(parsed: Dockerfile, build_args: Mapping[str, str]) -> dict[str, _Arg]:
    """The ARGs declared before the first FROM (the only ones a FROM sees), each with its
    value: from `build_args` when passed there, else its default (a default may use an
    earlier global ARG)."""
    args: dict[str, _Arg] = {}
    for instruction in parsed.global_instructions:
        if instruction.keyword != "ARG":
            continue
        number = instruction.line
        for name, default, origin in _arg_declarations(
            instruction.args, number, args, parsed.escape
        ):
            if name in build_args:
                args[name] = _Arg(build_args[name], "build_args")
            else:
                args[name] = _Arg(default, origin, number)
    return args


def _arg_declarations(
    words: Iterable[str], number: int, args: Mapping[str, _Arg], escape: str
) -> Iterator[tuple[str, str | None, str]]:
    for word in words:
        name, equals, value = word.partition("=")
        if not _NAME_RE.fullmatch(name):
            continue
        if not equals:
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
    if depth > MAX_DEPTH:
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
    repository, tag, digest = split_reference(resolved)
    if not is_golang_image(repository):
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
    version, what = golang_tag_version(tag, digest)
    if version is None:
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


def read_dockerfile(
    path: Path, build_args: Mapping[str, str], file: str | None = None
) -> list[Pin]:
    """dockerfile_pins of the file at `path`; unreadable files raise GoImageError."""
    name = file or str(path)
    return dockerfile_pins(read_text(path, name, GoImageError), name, build_args)
