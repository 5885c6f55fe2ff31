"""Two stages of one Dockerfile checked as two images (a user trial: a `dev` and a `prod`
target; the configuration refused a second entry of the same Dockerfile)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import go_app, outcomes

DOCKERFILE = """\
FROM alpine:3.22 AS dev
COPY app /app
ENTRYPOINT ["/app"]

FROM scratch AS prod
COPY app /app
USER 65534
ENTRYPOINT ["/app"]
"""
CONFIG = """\
[tool.goimage]
require_non_root = true

[[tool.goimage.image]]
dockerfile = "Dockerfile"
target = "dev"

[[tool.goimage.image]]
dockerfile = "Dockerfile"
target = "prod"
"""


def test_each_target_is_built_and_checked_as_its_own_image(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(DOCKERFILE)
    (pytester.path / "pyproject.toml").write_text(CONFIG)
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "build or user", "--goimage-report=r.json", "-p", "no:randomly"
    )
    assert outcomes(result) == {
        "Dockerfile[dev]::build": "PASSED",
        "Dockerfile[dev]::user": "FAILED",
        "Dockerfile[prod]::build": "PASSED",
        "Dockerfile[prod]::user": "PASSED",
    }, result.stdout.str()
    # The dev stage runs as root: only its image fails, named by its target.
    result.stdout.fnmatch_lines(["[[]goimage user[]] Dockerfile[[]dev[]]: *root*"])
    report = json.loads((pytester.path / "r.json").read_text())
    assert [image["dockerfile"] for image in report["images"]] == [
        "Dockerfile[dev]",
        "Dockerfile[prod]",
    ]


def test_a_target_image_is_selected_by_its_file_by_its_name_and_by_k(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The file selects both images (as for any Dockerfile), the name one of them, `-k` takes
    the name; a skip is reported at the image's name, not at the file both share."""
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(DOCKERFILE)
    (pytester.path / "pyproject.toml").write_text(CONFIG.replace("require_non_root = true\n", ""))
    by_file = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q", "Dockerfile")
    by_file.stdout.fnmatch_lines(
        ["Dockerfile[[]dev[]]::go-version", "22/23 tests collected (1 deselected)*"]
    )
    by_name = pytester.runpytest_subprocess(
        "--goimage", "--collect-only", "-q", "Dockerfile[prod]::user"
    )
    by_name.stdout.fnmatch_lines(
        ["Dockerfile[[]prod[]]::user", "1/23 tests collected (22 deselected)*"]
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-rs", "-k", "Dockerfile[dev] and user", "-p", "no:randomly"
    )
    result.assert_outcomes(skipped=1, deselected=22)
    result.stdout.fnmatch_lines(
        ["SKIPPED [[]1[]] Dockerfile[[]dev[]]: require_non_root is not set*"]
    )


def test_k_matches_the_folder_of_a_dockerfile_and_of_a_target_image(
    pytester: pytest.Pytester,
) -> None:
    """`-k backend` selects backend/Dockerfile's checks: the collector's name is its path from
    the rootdir (a first form of target names lost it, and with it the remote-engine tests' -k)."""
    (pytester.path / "go.mod").write_text("module example.com/app\n\ngo 1.26\n")
    for folder in ("backend", "web"):
        (pytester.path / folder).mkdir()
        (pytester.path / folder / "Dockerfile").write_text(DOCKERFILE)
    (pytester.path / "pyproject.toml").write_text(
        '[tool.goimage]\n[[tool.goimage.image]]\ndockerfile = "backend/Dockerfile"\n'
        '[[tool.goimage.image]]\ndockerfile = "web/Dockerfile"\ntarget = "dev"\n'
        '[[tool.goimage.image]]\ndockerfile = "web/Dockerfile"\ntarget = "prod"\n'
    )
    backend = pytester.runpytest_subprocess("--goimage", "--collect-only", "-q", "-k", "backend")
    backend.stdout.fnmatch_lines(["backend/Dockerfile::build", "11/34 tests collected*"])
    web = pytester.runpytest_subprocess(
        "--goimage", "--collect-only", "-q", "-k", "web and Dockerfile[prod]"
    )
    web.stdout.fnmatch_lines(["web/Dockerfile[[]prod[]]::build", "11/34 tests collected*"])
