"""go-version reads the sources and static the built binary, so neither verdict depends on the
order the items run in. Before, go-version also compared the binary when its build happened to
run first (`--ff`, pytest-randomly, a conftest that reorders): a floating builder tag whose Go
is older than go.mod's toolchain line failed go-version in one order and passed it in another,
for the same commit."""

from __future__ import annotations

import json

import pytest

from tests.conftest import go_app, outcomes

REVERSED = """\
import pytest


@pytest.hookimpl(trylast=True)  # after pytest-goimage put its checks in
def pytest_collection_modifyitems(items):
    items.reverse()
"""


@pytest.mark.parametrize("order", ["as-collected", "reversed"])
def test_go_version_verdict_does_not_depend_on_the_build_running_first(
    pytester: pytest.Pytester, no_leaks: None, stale_golang: str, order: str
) -> None:
    root = pytester.path
    go_app(root, go_line="go 1.26.0\n\ntoolchain go1.27.3")  # built with go1.26.8
    (root / "Dockerfile").write_text(
        f"FROM {stale_golang} AS build\nFROM alpine:3.22\n"
        "COPY --from=build /usr/local/go/VERSION /build-go\n"
        'COPY app /app\nENTRYPOINT ["/app"]\n'
    )
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    if order == "reversed":
        pytester.makeconftest(REVERSED)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "go-version or build or static", "--goimage-report=report.json"
    )
    ran = list(outcomes(result))
    expected = ["Dockerfile::go-version", "Dockerfile::build", "Dockerfile::static"]
    assert ran == (expected if order == "as-collected" else expected[::-1]), result.stdout.str()
    assert outcomes(result) == {
        "Dockerfile::go-version": "PASSED",  # the tag says 1.27: the sources agree
        "Dockerfile::build": "PASSED",
        "Dockerfile::static": "FAILED",  # the binary says go1.26.8
    }, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*[[]goimage static[]] Dockerfile: /app in goimage/* was built with go1.26.8, but *"]
    )
    report = json.loads((root / "report.json").read_text())
    (checks,) = [image["checks"] for image in report["images"]]
    assert checks["go-version"]["message"] == (
        "3 Go version pin(s) agree with go.mod, which requires Go 1.27.3"
    ), checks
