"""A compose file's YAML read as Compose v2 reads it (compose-go on go-yaml v3), and its scalars
written back as compose writes them.

PyYAML reads YAML 1.1: `yes` is a boolean, `25:25` the base-60 number 1525, `08` text and
`0o17` text. go-yaml v3 takes only true/false as booleans, and reads a number as Go parses one
(`strconv.ParseInt(s, 0, 64)` with underscores dropped, then an unsigned, then a float), so
`08` is 8, `0o17` 15 and `0b101` 5; compose then writes a float with Go's FormatFloat.
"""

from __future__ import annotations

import decimal
import functools
import math
import re
from pathlib import Path
from typing import Any


class ComposeError(ValueError):
    """The compose file cannot be used; the message says where and why (no file name: the
    caller adds it)."""


# go-yaml v3's float syntax, tried after the integer forms fail (`08` is the float 8).
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_PREFIXES = {"0x": 16, "0X": 16, "0o": 8, "0O": 8, "0b": 2, "0B": 2}
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_NUMBER_TAG = "tag:github.com/pytest-goimage,compose:number"


def _go_int(text: str) -> int | None:
    """Go's strconv.ParseInt(text, 0, 64), else ParseUint (no sign, up to 2**64 - 1): None
    where both refuse it."""
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    base = _PREFIXES.get(body[:2], 0)
    if base:
        body = body[2:]
    elif body[:1] == "0" and len(body) > 1:
        base, body = 8, body[1:]  # YAML 1.1's 0777, which go-yaml v3 still reads
    else:
        base = 10
    if not body or any(char not in _DIGITS[base] for char in body):
        return None
    if len(body.lstrip("0")) > 64:  # past uint64 in any base; int() refuses 4300+ digits
        return None
    magnitude = int(body, base)
    if sign == "-":
        return -magnitude if magnitude <= 2**63 else None
    limit = 2**63 if sign else 2**64  # ParseUint takes no sign
    return magnitude if magnitude < limit else None


def _number(text: str) -> int | float | str:
    """A plain scalar that starts like a number, resolved as go-yaml v3 resolves it."""
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    plain = text.replace("_", "")
    if text[:1] != ".":
        whole = _go_int(plain)
        if whole is not None:
            return whole
    if _YAML_FLOAT.fullmatch(plain) and len(plain) < 4000 and not math.isinf(float(plain)):
        return float(plain)
    return text  # `1e400`: Go's ParseFloat refuses it out of range, so it stays text


@functools.cache
def _loader() -> type[Any]:
    """PyYAML's SafeLoader with go-yaml v3's booleans and numbers in place of YAML 1.1's."""
    import yaml

    class ComposeLoader(yaml.SafeLoader):
        pass

    replaced = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    ComposeLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in replaced]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    ComposeLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    # After the timestamp resolver (registered first for digits): a date stays a date.
    ComposeLoader.add_implicit_resolver(
        _NUMBER_TAG, re.compile(r"^[-+.0-9][-+.0-9a-zA-Z_]*$"), list("-+.0123456789")
    )

    def number(loader: yaml.SafeLoader, node: yaml.Node) -> int | float | str:
        return _number(str(node.value))  # an implicit tag: always a plain scalar

    ComposeLoader.add_constructor(_NUMBER_TAG, number)
    return ComposeLoader


def load_compose_yaml(text: str) -> Any:
    """The document, as compose-go reads it. Raises PyYAML's errors."""
    import yaml

    return yaml.load(text, Loader=_loader())  # a SafeLoader: no object tags


def read_compose_file(path: Path) -> tuple[str, Any]:
    """The text of the compose file at `path` and its document; ComposeError (naming the line)
    when it is not UTF-8 or not valid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        row = exc.object[: exc.start].count(b"\n") + 1
        raise ComposeError(
            f"line {row} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x}); compose files "
            "are UTF-8, so save it as UTF-8"
        ) from None
    import yaml  # here: a configuration that names no compose file does not import PyYAML

    try:
        return text, load_compose_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = str(exc.problem)
        if "!reset" in problem or "!override" in problem:
            # Compose's merge tags: meaningful only when files are merged, which this reader
            # does not do.
            problem += " (compose's merge tags !reset and !override need several compose files merged; name one file whose services are complete)"
        raise ComposeError(f"not valid YAML ({line}{problem})") from None
    except ValueError as exc:
        # An explicit tag whose value does not convert (`!!int x`, `!!timestamp 2020-99-99`):
        # PyYAML raises the converter's own error, without a position.
        raise ComposeError(f"not valid YAML (a tagged value does not convert: {exc})") from None
    except yaml.reader.ReaderError as exc:
        # Not a marked error: it knows the character's offset, not its line.
        row = text[: exc.position].count("\n") + 1
        raise ComposeError(
            f"not valid YAML (line {row}: character #x{exc.character:04x}: {exc.reason})"
        ) from None


def line_of(text: str, *keys: str | int) -> int | None:
    """The line (from 1) where the value at `keys` (mapping keys, list indexes) starts in a
    document that loaded; None where it is not written there (it came in by a `<<` merge)."""
    import yaml

    node = yaml.compose(text, Loader=_loader())
    for key in keys:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            node = node.value[key] if key < len(node.value) else None
        else:
            return None
        if node is None:
            return None
    return None if node is None else node.start_mark.line + 1


def compose_text(value: str | int | float) -> str:
    """A scalar as compose writes it into a string field: a float as Go's FormatFloat(f, 'g',
    -1) writes it (shortest digits, an exponent below 1e-4 and from 1e6: `1e3` is 1000,
    `1e20` is 1e+20)."""
    if not isinstance(value, float):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    number = decimal.Decimal(repr(value)).normalize()
    if number.is_zero():
        return "-0" if math.copysign(1, value) < 0 else "0"
    exponent = number.adjusted()
    if -4 <= exponent < 6:  # FormatFloat 'g', -1: an exponent from 1e6 up
        fixed = format(number, "f")
        return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed
    sign, digits, _ = number.as_tuple()
    mantissa = str(digits[0]) + ("." + "".join(map(str, digits[1:])) if len(digits) > 1 else "")
    return f"{'-' if sign else ''}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def compose_int(value: object) -> int | None:
    """A whole-number field as compose-go casts it (toInt): an integer, a float with no
    fraction (`080` reads as 80.0, `1e3` as 1000.0), or ASCII digits as text; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"[-+]?[0-9]+", value):
        return int(value)
    return None


def compose_bool(value: object) -> bool | None:
    """compose-go's toBoolean for a field it casts (`healthcheck.disable`): a boolean, or the
    text true/false/y/yes/on/n/no/off in any case (untrimmed); None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.lower()
        if text in ("true", "y", "yes", "on"):
            return True
        if text in ("false", "n", "no", "off"):
            return False
    return None
