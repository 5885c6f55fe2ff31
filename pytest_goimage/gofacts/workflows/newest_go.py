"""The newest Go an npm semver range admits, which is what actions/setup-go installs for it.

setup-go tries its sources newest version first (its tool cache, the go-versions manifest,
go.dev), so a range pins the newest Go it admits. Without a release list, what can be decided
is the range's ceiling: `>=1.21.0 <1.26.0` installs at most the newest 1.25.x, `<=1.25.9` at
most 1.25.9. Go names releases M.m.p and pre-releases M.m.0-beta.N / M.m.0-rc.N, as setup-go
spells them in semver.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..versions import GoVersion
from .semver_range import MAX_SAFE, Comparator, Range, SemVer, set_admits

_BIG = MAX_SAFE + 1  # stands for "any patch" / "any minor" in a ceiling's representative

# A set's ceiling: ("exact", v) a Go release or pre-release; ("minor", v) the newest
# v.major.v.minor.x; ("major", v) the newest v.major.x; ("unknown", v) some pre-release of
# v.major.v.minor.0 that only a release list knows.
_Ceiling = tuple[str, SemVer]


@dataclass(frozen=True)
class Newest:
    """The newest Go a range admits, as far as it can be known without a release list."""

    version: GoVersion | None  # None: it admits no Go (no `why`), or cannot be told
    why: str = ""
    # A Go minor ("1.26") some pre-release of which the range may admit above `version`:
    # `<1.26.0-rc.1` installs the newest 1.25.x, or a 1.26 beta if one exists.
    maybe_pre: str = ""


def newest_go(spec: Range) -> Newest:
    """The Go version `spec` floats at: the newest Go it admits, at the precision that can be
    known without a release list (see Newest)."""
    found = [c for c in map(_set_ceiling, spec.sets) if c is not None]
    if not found:
        return Newest(None)
    known = [(c, pre) for c, pre in found if c[0] != "unknown"]
    # The highest ceiling; on a tie the one without pre-releases above it.
    top = max(known, key=lambda k: (_representative(k[0]).key(), not k[1]), default=None)
    for (kind, version), _ in found:
        release = SemVer(version.major, version.minor, 0)
        if kind == "unknown" and (top is None or _representative(top[0]).key() < release.key()):
            return Newest(
                None,
                f"admits only pre-releases of Go {version.major}.{version.minor} at its top, "
                "and which of them is newest only a release list knows",
            )
    assert top is not None
    return Newest(_go_version(top[0]), maybe_pre=top[1])


def describe(version: GoVersion) -> str:
    """A ceiling as a sentence part: `1.25.9`, `the newest 1.25.x`, `the newest 1.x`."""
    if version.pre or version.precision == 3:
        return str(version)
    return f"the newest {version}.x"


def _representative(ceiling: _Ceiling) -> SemVer:
    kind, version = ceiling
    if kind == "minor":
        return SemVer(version.major, version.minor, _BIG)
    if kind == "major":
        return SemVer(version.major, _BIG, _BIG)
    return version


def _go_version(ceiling: _Ceiling) -> GoVersion:
    kind, v = ceiling
    if kind == "major":
        return GoVersion(v.major, precision=1)
    if kind == "minor":
        return GoVersion(v.major, v.minor, precision=2)
    if v.pre:
        kind_name, number = v.pre
        assert isinstance(kind_name, str) and isinstance(number, int)
        return GoVersion(v.major, v.minor, precision=2, pre=kind_name, pre_num=number)
    return GoVersion(v.major, v.minor, v.patch)


def _set_ceiling(comparators: tuple[Comparator, ...]) -> tuple[_Ceiling, str] | None:
    """The newest Go version the set admits, and the Go minor whose pre-releases it may also
    admit above that ("" when none); None when it admits none."""
    uppers = [(c.version, c.op) for c in comparators if c.version and c.op in ("<", "<=", "")]
    if not uppers:
        lowers = [c.version.major for c in comparators if c.version is not None]
        return ("major", SemVer(max([1, *lowers]), 0, 0)), ""
    # The tightest upper bound; on a tie `<v` is tighter than `<=v`.
    bound, op = min(uppers, key=lambda upper: (upper[0].key(), upper[1] != "<"))
    allowed = {
        (c.version.major, c.version.minor, c.version.patch)
        for c in comparators
        if c.version is not None and c.version.pre
    }
    ceiling = _at_most(bound, op != "<", allowed)
    if ceiling is not None and ceiling[0] == "unknown":
        # Which pre-release of M.m is newest is unknown, but the newest release below M.m.0
        # is a floor that decides every requirement but a pre-release of M.m itself.
        major, minor = ceiling[1].major, ceiling[1].minor
        floor = _release_below(major, minor, 0)
        if _admits(comparators, floor):
            assert floor is not None
            return floor, f"{major}.{minor}"
        return ceiling, ""
    if not _admits(comparators, ceiling):
        return None
    assert ceiling is not None
    return ceiling, ""


def _admits(comparators: tuple[Comparator, ...], ceiling: _Ceiling | None) -> bool:
    """Whether the set admits a Go version at `ceiling`: there is no Go 0.x, and the lower
    bound may lie above the ceiling."""
    if ceiling is None or ceiling[1].major < 1:
        return False
    return set_admits(comparators, _representative(ceiling))


def _at_most(bound: SemVer, inclusive: bool, allowed: set[tuple[int, int, int]]) -> _Ceiling | None:
    """The newest Go version at or below (`inclusive`) or below `bound`. Go names releases
    M.m.p and pre-releases M.m.0-beta.N / M.m.0-rc.N, as setup-go spells them in semver."""
    major, minor, patch = bound.major, bound.minor, bound.patch
    if not bound.pre:
        if inclusive:
            return "exact", bound
        if patch == 0 and (major, minor, 0) in allowed:
            return "unknown", bound  # a pre-release of M.m.0 below the bound
        return _release_below(major, minor, patch)
    if patch == 0:
        pre = _go_pre_at_most(bound.pre, inclusive)
        if pre == "unknown":
            return "unknown", bound
        if isinstance(pre, tuple):
            return "exact", SemVer(major, minor, 0, pre)
    return _release_below(major, minor, patch)


def _release_below(major: int, minor: int, patch: int) -> _Ceiling | None:
    if patch:
        return "exact", SemVer(major, minor, patch - 1)
    if minor:
        return "minor", SemVer(major, minor - 1, 0)
    if major:
        return "major", SemVer(major - 1, 0, 0)
    return None


def _go_pre_at_most(pre: tuple[int | str, ...], inclusive: bool) -> tuple[str, int] | str | None:
    """The newest Go pre-release identifier (`rc.N`, then `beta.N`, N >= 1) at or below `pre`;
    "unknown" when it has no newest (every `rc.N` is below `rc.x`); None when none is."""
    head = pre[0]
    if isinstance(head, int):
        return None  # numeric identifiers sort below `beta` and `rc`
    for kind in ("rc", "beta"):
        if kind < head:
            return "unknown"
        if kind > head or len(pre) == 1:
            continue
        second = pre[1]
        if isinstance(second, str):
            return "unknown"  # every `kind.N` sorts below `kind.word`
        newest = second if inclusive or len(pre) > 2 else second - 1
        if newest >= 1:
            return kind, newest
    return None
