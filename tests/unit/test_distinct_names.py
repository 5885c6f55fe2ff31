"""Dockerfile paths shortened to a column's width (report/names.py): each shown name fits the
width, marks every cut with `…`, and tells the names apart. The expectations pin which part
of each path is kept; the rows were chosen so that every shortening rule the module has (the
middle cut, the forms around the differing folder, the window, head and tail fallbacks)
decides at least one of them. Paths made of `a`, `b` and `/` reach the last fallbacks."""

from __future__ import annotations

import pytest

from pytest_goimage.report.names import distinct_names


@pytest.mark.parametrize(
    ("names", "width", "shown"),
    [
        (
            [
                "Dockerfile.a",
                "b/a.Dockerfile",
                "payments-api/svc-a/xxxxxxxxxxxxxx/svc/a.Dockerfile",
                "svc-b/payments-api/svc-b/Dockerfile",
                "svc-b/xxxxxxxxxxxxxx/payments-api/Dockerfile.a",
            ],
            11,
            ["…Dockerfil…", "b/a…kerfile", "payments-a…", "svc-b/paym…", "…xxxxxxxxx…"],
        ),
        (
            [
                "Dockerfile.b",
                "deploy/svc/xxxxxxxxxxxxxx/Dockerfile.a",
                "payments/deploy/a.Dockerfile",
                "xxxxxxxxxxxxxx/b/payments-api/Dockerfile.b",
                "xxxxxxxxxxxxxx/svc-a/xxxxxxxxxxxxxx/xxxxxxxxxxxxxx/a.Dockerfile",
            ],
            28,
            [
                "Dockerfile.b",
                "deploy/svc/xx…x/Dockerfile.a",
                "payments/deploy/a.Dockerfile",
                "…b/payments-api…Dockerfile.b",
                "…svc-a/xxxxxxxx…a.Dockerfile",
            ],
        ),
        (
            [
                "Dockerfile.b",
                "svc-a/Dockerfile.b",
                "svc-a/a/b/a.Dockerfile",
                "xxxxxxxxxxxxxx/a.Dockerfile",
            ],
            17,
            ["Dockerfile.b", "svc-…Dockerfile.b", "…a/b/a.Dockerfile", "xxxxx….Dockerfile"],
        ),
        (
            [
                "Dockerfile.a",
                "payments-apx/a/payments-apx/Dockerfile.b",
                "payments/svc-a/a/Dockerfile.a",
                "svc-a/Dockerfile.a",
                "svc/payments-apx/Dockerfile.b",
            ],
            10,
            ["…Dockerfi…", "…-apx/a/p…", "…/svc-a/a…", "…svc-a/Do…", "svc…file.b"],
        ),
        (
            [
                "Dockerfile",
                "b/a/svc-b/a.Dockerfile",
                "payments-apx/a.Dockerfile",
                "payments-apx/payments-api/payments-api/cmd/a.Dockerfile",
                "svc-a/Dockerfile",
            ],
            21,
            [
                "Dockerfile",
                "b/a/svc-…a.Dockerfile",
                "…a.Dockerfile",
                "…payments-api/paymen…",
                "svc-a/Dockerfile",
            ],
        ),
        (
            [
                "a/svc-a/Dockerfile.b",
                "payments/xxxxxxxxxxxxxx/svc/Dockerfile",
                "svc-a/payments-api/payments-api/Dockerfile.b",
                "svc/Dockerfile.a",
                "svc/payments-apx/svc-b/Dockerfile.b",
            ],
            13,
            ["a/sv…erfile.b", "paym…ckerfile", "svc-…erfile.b", "…Dockerfile.a", "…payments-ap…"],
        ),
        (["deploy/services/payments/Dockerfile.production"], 2, ["…n"]),
        (["deploy/services/payments/Dockerfile.production"], 1, ["…"]),
        (
            [
                "Dockerfile.b",
                "a.Dockerfile",
                "a/a.Dockerfile",
                "b/payments-api/Dockerfile.a",
                "svc-b/a.Dockerfile",
            ],
            9,
            ["Do…file.b", "….Docker…", "a/…erfile", "b/…file.a", "…svc-b/a…"],
        ),
        (
            [
                "svc-a/payments-apx/b/Dockerfile",
                "svc-b/svc/a.Dockerfile",
                "svc-b/svc/svc-a/a.Dockerfile",
            ],
            20,
            ["svc-a/pay…Dockerfile", "svc-b/s…a.Dockerfile", "s…svc-a/a.Dockerfile"],
        ),
        (
            [
                "payments-api/b/a/Dockerfile.b",
                "svc-b/payments-apx/deploy/a.Dockerfile",
                "svc/b/payments/payments-apx/a.Dockerfile",
                "svc/payments/deploy/Dockerfile",
                "xxxxxxxxxxxxxx/deploy/svc-b/cmd/Dockerfile.a",
            ],
            17,
            [
                "payme…ockerfile.b",
                "svc-b….Dockerfile",
                "…b/p…a.Dockerfile",
                "…payme…Dockerfile",
                "xxxxx…ockerfile.a",
            ],
        ),
        (
            [
                "Dockerfile.a",
                "payments-api/xxxxxxxxxxxxxx/payments-apx/Dockerfile.a",
                "payments-apx/a.Dockerfile",
            ],
            19,
            ["Dockerfile.a", "paymen…Dockerfile.a", "paymen…a.Dockerfile"],
        ),
        (
            [
                "payments-api/prod.Dockerfile",
                "payments-apx/Dockerfile",
                "payments/docker/svc/Dockerfile",
                "prod.Dockerfile",
            ],
            17,
            ["payme….Dockerfile", "…-apx…Dockerfile", "…/dock…Dockerfile", "prod.Dockerfile"],
        ),
        (
            ["///bbaba", "a//a/aaa///", "a//aaa//a", "b//a/b/b//bb/"],
            9,
            ["///bbaba", "…a/aaa///", "a//aaa//a", "b//a…/bb/"],
        ),
        (
            ["/a", "/aaba/b//ba", "/abb/", "bb/b/b//b/ab"],
            10,
            ["/a", "…aba/b//ba", "/abb/", "bb/b…/b/ab"],
        ),
        (
            ["//aaa/", "/bb/aaab", "/bbb/bba/aa", "bb//bba/a/"],
            5,
            ["//aa…", "/bb/…", "…b/b…", "…bb/…"],
        ),
        (["/aaaa/", "a", "b/abaaaa/"], 4, ["/…a/", "a", "…b/…"]),
        (
            [
                "api/docker/xxxxxxxxxxxxxx/prod.Dockerfile",
                "svc/deploy/Dockerfile.prod",
                "svc/prod.Dockerfile",
            ],
            6,
            ["…api/…", "…depl…", "…prod…"],
        ),
        (
            ["///b/baa", "a/ab//bb/", "aaa", "babbb/ab/baa"],
            8,
            ["///b/baa", "a/a…/bb/", "aaa", "…bab…baa"],
        ),
        (["/b/", "a", "bab/bb/", "bb/"], 5, ["/b/", "a", "…bab…", "bb/"]),
        (
            ["Dockerfile.dev", "build/Dockerfile.prod", "build/payments-api/Dockerfile.dev"],
            12,
            ["Dockerfile.…", "build/Docke…", "…payments-a…"],
        ),
        (
            [
                "docker/a/Dockerfile.dev",
                "docker/payments/Dockerfile",
                "payments/Dockerfile",
                "xxxxxxxxxxxxxx/a/Dockerfile.dev",
            ],
            12,
            ["…a/Dockerfi…", "docker/paym…", "payments/Do…", "…xxxxxxxxxx…"],
        ),
        (
            [
                "a/payments-apx/Dockerfile",
                "a/payments-apx/prod.Dockerfile",
                "a/svc/payments-api/Dockerfile.dev",
                "prod.Dockerfile",
            ],
            12,
            ["…Dockerfile", "a/payments-…", "…svc/paymen…", "prod.Docker…"],
        ),
        (
            [
                "build/cmd/payments-api/prod.Dockerfile",
                "payments-api/Dockerfile",
                "payments-api/docker/Dockerfile",
                "payments-api/docker/prod.Dockerfile",
            ],
            16,
            ["build…Dockerfile", "…-api/Dockerfile", "…docker/Dockerf…", "…prod.Dockerfile"],
        ),
    ],
)
def test_names_are_shortened_to_the_width_and_stay_apart(
    names: list[str], width: int, shown: list[str]
) -> None:
    assert distinct_names(names, width) == shown


def test_names_that_fit_are_shown_whole() -> None:
    assert distinct_names(["api/Dockerfile", "Dockerfile"], 14) == ["api/Dockerfile", "Dockerfile"]
