"""npm `semver` ranges as actions/setup-go reads its `go-version` (newest_go: what one installs).

setup-go hands the spec to the npm `semver` package (`satisfies`, neither loose nor including
pre-releases) at each of its sources, newest version first, so it installs the newest Go the
range admits. The grammar is node-semver's README "Ranges" (`||`, hyphen ranges, x-ranges,
`~`, `^`, comparators with `v`/`=` prefixes), desugared into comparator sets as its
classes/range.js (7.x) does; its quirks on odd spellings are kept, because a spec semver
refuses is one setup-go fails on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SAFE = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER: semver refuses larger components

_NUM = r"0|[1-9][0-9]*"
_XR = rf"{_NUM}|[xX*]"
_PRE_ID = rf"[0-9]*[A-Za-z-][0-9A-Za-z-]*|{_NUM}"
# partial ::= xr ( '.' xr ( '.' xr qualifier? )? )?, after any `v`/`=` prefix characters
_PARTIAL = (
    rf"(?P<prefix>[v=]*)(?P<M>{_XR})(?:\.(?P<m>{_XR})"
    rf"(?:\.(?P<p>{_XR})(?:-(?P<pre>(?:{_PRE_ID})(?:\.(?:{_PRE_ID}))*))?)?)?"
)
_PRIMITIVE_RE = re.compile(rf"(?P<op><=|>=|<|>|=)?{_PARTIAL}", re.ASCII)
_TILDE_RE = re.compile(rf"~>?{_PARTIAL}", re.ASCII)
_CARET_RE = re.compile(rf"\^{_PARTIAL}", re.ASCII)
# In a hyphen range the `v`/`=` prefix may hold a space (`1.2 - v 1.3`), as semver's does.
_HYPHEN_SIDE_RE = re.compile(rf"(?P<lead>[v= ]*?){_PARTIAL}", re.ASCII)
_BUILD_RE = re.compile(r"\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*", re.ASCII)
_STAR_RE = re.compile(r"[<>]?=?\*")
_VERSION_START_RE = re.compile(r"[0-9xX*]")
_VERSION_TEXT_RE = re.compile(r"[0-9xX*][0-9A-Za-z.*+-]*")  # where semver's scan resumes
_PREFIX_CHARS = ("v", "=", " ")
_TILDE_TRIM_RE = re.compile(r"( *)~>? +")
_CARET_TRIM_RE = re.compile(r"( *)\^ +")


@dataclass(frozen=True)
class SemVer:
    """A semver version; `pre` holds numbers as int, as semver compares them."""

    major: int
    minor: int
    patch: int
    pre: tuple[int | str, ...] = ()

    def key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        """semver's order: a pre-release sorts below its release; numeric identifiers below
        alphanumeric ones; a shorter identifier list below a longer one it starts."""
        ids = tuple((0, i) if isinstance(i, int) else (1, i) for i in self.pre)
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, ids)

    def __str__(self) -> str:
        pre = "-" + ".".join(map(str, self.pre)) if self.pre else ""
        return f"{self.major}.{self.minor}.{self.patch}{pre}"


@dataclass(frozen=True)
class Comparator:
    op: str  # "<", "<=", ">", ">=" or "" (equal)
    version: SemVer | None  # None: any version

    def test(self, version: SemVer) -> bool:
        if self.version is None:
            return True
        a, b = version.key(), self.version.key()
        return {
            "<": a < b,
            "<=": a <= b,
            ">": a > b,
            ">=": a >= b,
            "": a == b,
        }[self.op]


ANY = Comparator("", None)
NULL = Comparator("<", SemVer(0, 0, 0, (0,)))  # `<0.0.0-0`: nothing is lower


@dataclass(frozen=True)
class Range:
    sets: tuple[tuple[Comparator, ...], ...]  # any set whose every comparator holds
    bounded_by_hand: bool = False  # a written `<`, `<=`, hyphen upper end or `||`


class InvalidRange(ValueError):
    """The spec is no semver range: `semver.satisfies` is false for every version."""


def parse_range(spec: str) -> Range:
    """`spec` as `new semver.Range(spec)` reads it; InvalidRange where semver throws."""
    raw = " ".join(spec.split())
    sets: list[tuple[Comparator, ...]] = []
    by_hand = False
    for piece in raw.split("||"):
        comparators, upper = _parse_piece(piece.strip())
        by_hand = by_hand or upper
        sets.append(comparators)
    if len(sets) > 1:
        by_hand = True
        kept = [s for s in sets if s[0] != NULL] or sets[:1]
        # `*` in a union is the whole range (semver drops the other sets, pre-releases too).
        sets = next(([s] for s in kept if s == (ANY,)), kept)
    return Range(tuple(sets), by_hand)


def _parse_piece(piece: str) -> tuple[tuple[Comparator, ...], bool]:
    """One `||` part -> its comparator set, and whether it has a written upper bound."""
    piece = _BUILD_RE.sub("", piece)
    hyphen = _hyphen(piece)
    if hyphen is not None:
        found = hyphen
        upper = any(c.op in ("<", "<=") for c in hyphen)
    else:
        found, upper = [], False
        for token in _tokens(piece):
            comparators, written_upper = _simple(token)
            found += comparators
            upper = upper or written_upper
    if NULL in found:
        return (NULL,), upper
    if not found:
        return (ANY,), upper  # `* - *`: semver reads the empty text left as `*`
    unique = list(dict.fromkeys(found))
    if len(unique) > 1 and ANY in unique:
        unique.remove(ANY)
    return tuple(unique), upper


def _tokens(piece: str) -> list[str]:
    """The space-separated simples of a `||` part, after semver's trims: `>= 1.2` is `>=1.2`,
    `~ 1.2` and `~> 1.2` are `~1.2`, `^ 1.2` is `^1.2`."""
    piece = _trim_comparator_whitespace(piece)
    piece = _TILDE_TRIM_RE.sub(r"\1~", piece)
    piece = _CARET_TRIM_RE.sub(r"\1^", piece)
    return piece.split(" ")


def _trim_comparator_whitespace(text: str) -> str:
    """semver's trimComparatorWhitespace, on one-space-separated text: the space right after a
    `<`, `>`, `=`, `<=` or `>=` goes where a version follows (after any `v`, `=`, spaces).
    Scanned left to right as semver scans, so `>== 1` keeps its space and `<> *1` loses it."""
    drop: set[int] = set()
    cursor = 0
    while cursor < len(text):
        start = cursor
        if text[cursor] in "<>":
            cursor += 1
        elif text[cursor] not in _PREFIX_CHARS and not _VERSION_START_RE.match(text, cursor):
            cursor += 1
            continue
        while cursor < len(text) and text[cursor] in _PREFIX_CHARS:
            cursor += 1
        if not _VERSION_START_RE.match(text, cursor):
            continue
        position = start + (text[start] == " ")
        position += text[position : position + 1] in ("<", ">")
        position += text[position : position + 1] == "="
        if text[position : position + 1] == " ":
            drop.add(position)
        version = _VERSION_TEXT_RE.match(text, cursor)
        cursor = version.end() if version else cursor + 1
    return "".join(char for index, char in enumerate(text) if index not in drop)


def _simple(token: str) -> tuple[list[Comparator], bool]:
    """A caret, tilde or primitive (x-range) -> comparators, and whether it is `<`/`<=`."""
    match = _CARET_RE.fullmatch(token)
    if match:
        return _caret(match), False
    match = _TILDE_RE.fullmatch(token)
    if match:
        return _tilde(match), False
    match = _PRIMITIVE_RE.fullmatch(token)
    if match and not _x_out_of_order(match):
        op = match.group("op") or ""
        return _primitive(op, match), op in ("<", "<=")
    # semver strips a `*` that no form above took (`1.2.3*` is 1.2.3), then wants a comparator.
    token = _STAR_RE.sub("", token, count=1)
    if not token:
        return [ANY], False
    match = _PRIMITIVE_RE.fullmatch(token)
    if match and not _has_x(match) and match.group("prefix") in ("", "v"):
        return [_comparator(match)], match.group("op") in ("<", "<=")
    raise InvalidRange(f"not a comparator: {token!r}")


def _has_x(match: re.Match[str]) -> bool:
    return any(_is_x(match.group(part)) for part in ("M", "m", "p"))


def _at_least(version: SemVer, written_v: bool = False) -> Comparator:
    """`>=version`; semver reads the text `>=0.0.0` as `*` (not `>=v0.0.0`), which matters in
    a union: `* || >=1.26.0-rc.1` is `*`, and admits no pre-release."""
    if version == SemVer(0, 0, 0) and not written_v:
        return ANY
    return Comparator(">=", version)


def _comparator(match: re.Match[str]) -> Comparator:
    """A comparator on a full version (`>=v1.2.3`, `=1.2.3`, `1.2.3`)."""
    op = match.group("op") or ""
    if op == ">=":
        return _at_least(_full(match), written_v=match.group("prefix") == "v")
    return Comparator("" if op == "=" else op, _full(match))


def _is_x(part: str | None) -> bool:
    return part is None or part in ("x", "X", "*")


def _x_out_of_order(match: re.Match[str]) -> bool:
    """`1.x.3`, `*.2`: an x before a number, which semver leaves unparsed."""
    major, minor, patch = match.group("M"), match.group("m"), match.group("p")
    return (_is_x(major) and not _is_x(minor)) or (
        _is_x(minor) and patch is not None and not _is_x(patch)
    )


def _number(text: str) -> int:
    value = int(text)
    if value > MAX_SAFE:
        raise InvalidRange(f"{text} is larger than semver accepts")
    return value


def _version(major: int, minor: int, patch: int, pre: tuple[int | str, ...] = ()) -> SemVer:
    for part in (major, minor, patch):
        if part > MAX_SAFE:
            raise InvalidRange(f"{part} is larger than semver accepts")
    return SemVer(major, minor, patch, pre)


def _pre(text: str | None) -> tuple[int | str, ...]:
    if not text:
        return ()
    return tuple(int(i) if i.isdigit() else i for i in text.split("."))


def _full(match: re.Match[str]) -> SemVer:
    return _version(
        _number(match.group("M")),
        _number(match.group("m")),
        _number(match.group("p")),
        _pre(match.group("pre")),
    )


def _caret(match: re.Match[str]) -> list[Comparator]:
    """^1.2.3 := >=1.2.3 <2.0.0-0; ^0.2.3 := >=0.2.3 <0.3.0-0; ^0.0.3 := >=0.0.3 <0.0.4-0."""
    major, minor, patch = match.group("M"), match.group("m"), match.group("p")
    if _is_x(major):
        return [ANY]
    big = _number(major)
    if _is_x(minor):
        return [_at_least(_version(big, 0, 0)), Comparator("<", _version(big + 1, 0, 0, (0,)))]
    small = _number(minor)
    if _is_x(patch):
        low = _version(big, small, 0)
        high = _version(big + 1, 0, 0, (0,)) if big else _version(0, small + 1, 0, (0,))
        return [_at_least(low), Comparator("<", high)]
    low = _full(match)
    if big:
        high = _version(big + 1, 0, 0, (0,))
    elif small:
        high = _version(0, small + 1, 0, (0,))
    else:
        high = _version(0, 0, low.patch + 1, (0,))
    return [_at_least(low), Comparator("<", high)]


def _tilde(match: re.Match[str]) -> list[Comparator]:
    """~1.2.3 := >=1.2.3 <1.3.0-0; ~1.2 := >=1.2.0 <1.3.0-0; ~1 := >=1.0.0 <2.0.0-0."""
    major, minor, patch = match.group("M"), match.group("m"), match.group("p")
    if _is_x(major):
        return [ANY]
    big = _number(major)
    if _is_x(minor):
        return [_at_least(_version(big, 0, 0)), Comparator("<", _version(big + 1, 0, 0, (0,)))]
    small = _number(minor)
    low = _version(big, small, 0) if _is_x(patch) else _full(match)
    return [_at_least(low), Comparator("<", _version(big, small + 1, 0, (0,)))]


def _primitive(op: str, match: re.Match[str]) -> list[Comparator]:
    """A comparator or x-range: `>=1.2.3`, `1.2.x` := >=1.2.0 <1.3.0-0, `<=1.2` := <1.3.0-0,
    `>1` := >=2.0.0, `<*` := nothing."""
    major, minor = match.group("M"), match.group("m")
    if not _has_x(match):
        if match.group("prefix") not in ("", "v"):
            raise InvalidRange(f"not a comparator: {match.group(0)!r}")
        return [_comparator(match)]
    if op == "=":
        op = ""
    if _is_x(major):
        return [NULL] if op in ("<", ">") else [ANY]
    big = _number(major)
    small = 0 if _is_x(minor) else _number(minor)
    if op:
        if op == ">":  # >1 := >=2.0.0, >1.2 := >=1.3.0
            op = ">="
            big, small = (big + 1, 0) if _is_x(minor) else (big, small + 1)
        elif op == "<=":  # <=1.2 := <1.3.0-0, <=1 := <2.0.0-0
            op = "<"
            big, small = (big + 1, small) if _is_x(minor) else (big, small + 1)
        if op == ">=":
            return [_at_least(_version(big, small, 0))]
        return [Comparator(op, _version(big, small, 0, (0,)))]
    if _is_x(minor):
        return [_at_least(_version(big, 0, 0)), Comparator("<", _version(big + 1, 0, 0, (0,)))]
    return [_at_least(_version(big, small, 0)), Comparator("<", _version(big, small + 1, 0, (0,)))]


def _hyphen(piece: str) -> list[Comparator] | None:
    """`A - B` := >=A <=B, an x in A read as 0 and an x in B as "any": `1.2 - 1.4` :=
    >=1.2.0 <1.5.0-0. None when `piece` is no hyphen range."""
    parts = piece.split(" - ")
    if len(parts) < 2:
        return None
    for cut in range(1, len(parts)):
        low = _HYPHEN_SIDE_RE.fullmatch(" - ".join(parts[:cut]))
        high = _HYPHEN_SIDE_RE.fullmatch(" - ".join(parts[cut:]))
        if low and high:
            return _hyphen_low(low) + _hyphen_high(high)
    return None


def _written_prefix(match: re.Match[str]) -> str:
    return match.group("lead") + match.group("prefix")


def _hyphen_low(match: re.Match[str]) -> list[Comparator]:
    major, minor, patch = match.group("M"), match.group("m"), match.group("p")
    if _is_x(major):
        return []
    if _is_x(minor):
        return [_at_least(_version(_number(major), 0, 0))]
    if _is_x(patch):
        return [_at_least(_version(_number(major), _number(minor), 0))]
    # semver writes `>=` before the side as written: only a bare `v` prefix stays readable.
    if _written_prefix(match) not in ("", "v"):
        raise InvalidRange(f"not a comparator: '>={match.group(0)}'")
    return [_at_least(_full(match), written_v=_written_prefix(match) == "v")]


def _hyphen_high(match: re.Match[str]) -> list[Comparator]:
    major, minor, patch = match.group("M"), match.group("m"), match.group("p")
    if _is_x(major):
        return []
    if _is_x(minor):
        return [Comparator("<", _version(_number(major) + 1, 0, 0, (0,)))]
    if _is_x(patch):
        return [Comparator("<", _version(_number(major), _number(minor) + 1, 0, (0,)))]
    if not match.group("pre") and _written_prefix(match) not in ("", "v"):
        raise InvalidRange(f"not a comparator: '<={match.group(0)}'")
    return [Comparator("<=", _full(match))]


def satisfies(version: SemVer, spec: Range) -> bool:
    """`semver.satisfies(version, spec)`: some set holds, and a pre-release only where a
    comparator of that set names a pre-release of the same major.minor.patch."""
    return any(set_admits(comparators, version) for comparators in spec.sets)


def set_admits(comparators: tuple[Comparator, ...], version: SemVer) -> bool:
    if not all(c.test(version) for c in comparators):
        return False
    if not version.pre:
        return True
    return any(
        c.version is not None
        and c.version.pre
        and (c.version.major, c.version.minor, c.version.patch)
        == (version.major, version.minor, version.patch)
        for c in comparators
    )
