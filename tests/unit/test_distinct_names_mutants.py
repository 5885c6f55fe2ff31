"""Dockerfile paths shortened to a column's width (report/names.py): rows for the rules the
table of test_distinct_names.py leaves undecided. Each row pins which characters are kept:
a long file name's share of a middle cut, a name that is the start of another, tail cuts of
names alike at the front, the fallback when no form tells a group apart, and paths that
themselves hold the `…` a cut is marked with."""

from __future__ import annotations

import pytest

from pytest_goimage.report.names import distinct_names


@pytest.mark.parametrize(
    ("names", "width", "shown"),
    [
        # A middle cut at 28 columns keeps at most 19 characters of a long file name.
        (["deploy/payments-api.Dockerfile"], 28, ["deploy/p…ents-api.Dockerfile"]),
        # `Dockerfile.prod` is the start of `Dockerfile.production…`: its difference is its
        # last character, and both are shown from their difference on.
        (
            ["services/Dockerfile.prod", "services/Dockerfile.production-with-debug-symbols"],
            22,
            ["…d", "…uction-with-debug-sy…"],
        ),
        # Alike up to the last characters: the tails tell them apart.
        (["cmd/Dockerfile.dev", "cmd/Dockerfile.prod"], 2, ["…v", "…d"]),
        (
            ["Dockerfile", "Dockerfile.dev", "billing/Dockerfile", "billing/Dockerfile.dev"],
            4,
            ["…ile", "…dev", "…e", "….d…"],
        ),
        (
            ["Dockerfile", "Dockerfile.dev", "billing/Dockerfile", "billing/Dockerfile.dev"],
            5,
            ["…file", "Dock…", "…e", "bill…"],
        ),
        # Two columns cannot tell these apart: the cut around their difference is kept.
        (["payments/api.Dockerfile", "prod.Dockerfile"], 2, ["……", "……"]),
        # Paths that hold `…` themselves are not taken for cut names.
        (["b/b", "…b"], 2, ["……", "…b"]),
        (["a/bbbabb", "a…", "…bab/…b"], 2, ["…b", "a…", "……"]),
        (["/b…/aa", "/…", "baba"], 2, ["……", "/…", "b…"]),
        (["……", "……/ab"], 2, ["……", "…b"]),
        (["…a", "…aa", "…a…//"], 2, ["…a", "……", "…/"]),
        (["/a/", "/a//", "…"], 2, ["…/", "…/", "…"]),
        # At 40 columns no name here has room for its path from the differing folder on, so
        # they share the form that starts at their first difference; a difference in the file
        # name (`…eu-central/Dockerfile`) has no folder-and-file-name form.
        (
            [
                "svc/deploy/kubernetes/payments-api/build/docker/api.Dockerfile",
                "svc/deploy/kubernetes/payments-apx/build/docker/api.Dockerfile",
                "xxxxxxxxxxxxxx/deploy/eu-central/Dockerfile",
                "xxxxxxxxxxxxxx/deploy/us/Dockerfile.dev",
            ],
            40,
            [
                "…i/build/docker/api.Dockerfile",
                "…x/build/docker/api.Dockerfile",
                "…eu-central/Dockerfile",
                "xxxxxxxxxxxxxx/deploy/us/Dockerfile.dev",
            ],
        ),
    ],
)
def test_names_keep_the_characters_that_tell_them_apart(
    names: list[str], width: int, shown: list[str]
) -> None:
    assert distinct_names(names, width) == shown


def test_at_one_column_every_long_name_is_the_cut_mark() -> None:
    """One column holds `…` alone, so nothing can tell cut names apart; shortening them used
    to stop with StopIteration (no form fits one column)."""
    assert distinct_names(["Dockerfile", "Dockerfile.dev", "a"], 1) == ["…", "…", "a"]
