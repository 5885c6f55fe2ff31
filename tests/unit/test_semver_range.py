"""npm semver ranges as setup-go reads them (gofacts/workflows/semver_range.py, newest_go.py).

Each spec's comparator sets, written as semver writes them, equal what the npm `semver`
package (7.8.6; setup-go pins ^7.6) prints for `semver.validRange(spec)`: the README "Ranges"
examples, then the odd spellings semver still reads or refuses. Equal canonical forms mean
equal meaning. /tmp/semver-oracle/compare.py checks the same against the package on many
more specs, with `satisfies` and `maxSatisfying`.
"""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.workflows.newest_go import Newest, newest_go
from pytest_goimage.gofacts.workflows.semver_range import (
    Comparator,
    InvalidRange,
    SemVer,
    parse_range,
    satisfies,
)


def canonical(spec: str) -> str | None:
    """`spec` written back as `semver.validRange` writes it; None where semver refuses it."""
    try:
        sets = parse_range(spec).sets
    except InvalidRange:
        return None
    return "||".join(" ".join(written(c) for c in s) for s in sets) or "*"


def written(comparator: Comparator) -> str:
    return "" if comparator.version is None else f"{comparator.op}{comparator.version}"


def semver(text: str) -> SemVer:
    main, _, pre = text.partition("-")
    major, minor, patch = (int(n) for n in main.split("."))
    ids = tuple(int(i) if i.isdigit() else i for i in pre.split(".")) if pre else ()
    return SemVer(major, minor, patch, ids)


@pytest.mark.parametrize(
    ("spec", "by_semver"),
    [
        # node-semver README, "Ranges": hyphen ranges, x-ranges, tilde, caret, comparators.
        ("1.2.3 - 2.3.4", ">=1.2.3 <=2.3.4"),
        ("1.2 - 2.3.4", ">=1.2.0 <=2.3.4"),
        ("1.2.3 - 2.3", ">=1.2.3 <2.4.0-0"),
        ("1.2.3 - 2", ">=1.2.3 <3.0.0-0"),
        ("*", "*"),
        ("", "*"),
        ("1.x", ">=1.0.0 <2.0.0-0"),
        ("1.2.x", ">=1.2.0 <1.3.0-0"),
        ("1", ">=1.0.0 <2.0.0-0"),
        ("1.2", ">=1.2.0 <1.3.0-0"),
        ("~1.2.3", ">=1.2.3 <1.3.0-0"),
        ("~1.2", ">=1.2.0 <1.3.0-0"),
        ("~1", ">=1.0.0 <2.0.0-0"),
        ("~0.2.3", ">=0.2.3 <0.3.0-0"),
        ("~0.2", ">=0.2.0 <0.3.0-0"),
        ("~0", "<1.0.0-0"),
        ("~1.2.3-beta.2", ">=1.2.3-beta.2 <1.3.0-0"),
        ("~>1.2", ">=1.2.0 <1.3.0-0"),
        ("^1.2.3", ">=1.2.3 <2.0.0-0"),
        ("^0.2.3", ">=0.2.3 <0.3.0-0"),
        ("^0.0.3", ">=0.0.3 <0.0.4-0"),
        ("^1.2.3-beta.2", ">=1.2.3-beta.2 <2.0.0-0"),
        ("^0.0.3-beta", ">=0.0.3-beta <0.0.4-0"),
        ("^1.2.x", ">=1.2.0 <2.0.0-0"),
        ("^0.0.x", "<0.1.0-0"),
        ("^0.0", "<0.1.0-0"),
        ("^1.x", ">=1.0.0 <2.0.0-0"),
        ("^0.x", "<1.0.0-0"),
        (">=1.2.7 <1.3.0", ">=1.2.7 <1.3.0"),
        ("1.2.7 || >=1.2.9 <2.0.0", "1.2.7||>=1.2.9 <2.0.0"),
        (">1.2.3-alpha.3", ">1.2.3-alpha.3"),
        # x-ranges after an operator, `v`/`=` prefixes, spaces, build metadata.
        ("<=1.2", "<1.3.0-0"),
        (">1.2", ">=1.3.0"),
        ("<1.2.x", "<1.2.0-0"),
        (">*", "<0.0.0-0"),
        ("<*", "<0.0.0-0"),
        ("=1.2.3", "1.2.3"),
        ("v1.2.3", "1.2.3"),
        ("=v1.2.3", "1.2.3"),
        ("v=1.2", ">=1.2.0 <1.3.0-0"),
        (">= 1.2.3 < 1.3", ">=1.2.3 <1.3.0-0"),
        ("~ 1.2", ">=1.2.0 <1.3.0-0"),
        ("1.2.3+build", "1.2.3"),
        # What semver does with a `*` set in a union, nothing sets, and leftover stars.
        ("x || >=1.2.3-rc.1", "*"),
        ("<0.0.0-0 || 1.2", ">=1.2.0 <1.3.0-0"),
        ("* - *", "*"),
        ("0.0.0 - 1", "<2.0.0-0"),
        ("1.2.3*", "1.2.3"),
        ("<> *1.2.3", "<1.2.3"),
        # Refused by semver: setup-go finds no Go for these.
        (">== 1", None),
        ("1.26-beta", None),
        ("go1.26.8", None),
        ("1.26rc1", None),
        ("1.25.03", None),
        ("v=1.2.3", None),
        ("> = 1.25", None),
        (">=1.21.0<1.26.0", None),
        ("1.2.3 -1.3", None),
        ("1.x.3", None),
    ],
)
def test_a_range_desugars_as_semver_desugars_it(spec: str, by_semver: str | None) -> None:
    assert canonical(spec) == by_semver


@pytest.mark.parametrize(
    ("version", "admitted"),
    [
        ("1.2.3-alpha.7", True),  # a pre-release of the tuple a comparator names
        ("3.4.5", True),
        ("3.4.5-alpha.9", False),  # any other pre-release is left out
        ("1.2.3-alpha.3", False),
    ],
)
def test_pre_releases_count_only_where_the_range_names_their_version(
    version: str, admitted: bool
) -> None:
    """The README's example: `>1.2.3-alpha.3` admits 1.2.3-alpha.7, not 3.4.5-alpha.9."""
    assert satisfies(semver(version), parse_range(">1.2.3-alpha.3")) is admitted


@pytest.mark.parametrize(
    ("spec", "newest"),
    [
        (">=1.21.0 <1.26.0", "1.25"),
        ("<=1.25.9", "1.25.9"),
        ("<1.26.3", "1.26.2"),
        ("<2", "1"),
        (">=1.22", "1"),
        (">=2.1", "2"),
        ("1.24.x || 1.26.0 - 1.26.4 || <1.25", "1.26.4"),
        ("<=1.26.0-rc.2", "1.26rc2"),
        (">=1.26.0-rc.1 <1.26.0-rc.3", "1.26rc2"),
        ("<=1.26.0-beta.2", "1.26beta2"),
        ("<1.26.0-beta.1", "1.25"),  # no Go pre-release sorts below beta.1
        ("<1.26.0-0", "1.25"),
    ],
)
def test_the_newest_go_a_range_admits(spec: str, newest: str) -> None:
    found = newest_go(parse_range(spec))
    assert (str(found.version), found.why, found.maybe_pre) == (newest, "", "")


def test_a_bound_below_which_pre_releases_may_exist_floors_at_the_release_below() -> None:
    """`<1.26.0-rc.1` installs a 1.26 beta if one exists, else the newest 1.25.x: the floor
    decides every requirement but a 1.26 pre-release."""
    found = newest_go(parse_range("<1.26.0-rc.1"))
    assert (str(found.version), found.maybe_pre) == ("1.25", "1.26")


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        (">1.26.0 <1.26.0", ""),
        ("<1.0.0", ""),  # there is no Go 0.x
        ("0.x", ""),
        (">=1.26.0 <1.26.0-rc.9", ""),
        (
            ">=1.26.0-rc.1 <1.26.0",
            "admits only pre-releases of Go 1.26 at its top, and which of them is newest only "
            "a release list knows",
        ),
    ],
)
def test_a_range_that_admits_no_go_or_cannot_be_told(spec: str, why: str) -> None:
    assert newest_go(parse_range(spec)) == Newest(None, why)
