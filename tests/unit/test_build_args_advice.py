"""The go-version failure's advice for a Go version set through build_args names the table
the image takes it from: two targets of one Dockerfile, one of which overrides the top-level
value in its own entry (trial 12, F7: the advice named build_args without saying where, and a
user who raised the top-level value left the overriding entry as it was)."""

from __future__ import annotations

import pytest

DOCKERFILE = """\
ARG GO_VERSION
FROM golang:${GO_VERSION}-alpine AS build
RUN true
FROM build AS dev
FROM scratch AS prod
COPY --from=build /etc/hostname /app
"""
PYPROJECT = """\
[tool.goimage]
build_args = {{ GO_VERSION = "{top}" }}

[[tool.goimage.image]]
dockerfile = "Dockerfile"
target = "dev"

[[tool.goimage.image]]
dockerfile = "Dockerfile"
target = "prod"
build_args = {{ GO_VERSION = "1.25.0" }}
"""


def _project(pytester: pytest.Pytester, top: str) -> None:
    pytester.makefile(".toml", pyproject=PYPROJECT.format(top=top))
    pytester.path.joinpath("go.mod").write_text("module example.com/svc\n\ngo 1.26.2\n")
    pytester.path.joinpath("Dockerfile").write_text(DOCKERFILE)


def test_the_advice_names_the_entry_that_overrides_the_top_level_value(
    pytester: pytest.Pytester,
) -> None:
    _project(pytester, "1.26.2")
    result = pytester.runpytest("--goimage", "-k", "go-version")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "Dockerfile:2: golang:${GO_VERSION}-alpine names Go 1.25.0 (GO_VERSION=1.25.0 from "
            "build_args), go.mod requires 1.26.2 (go.mod:3 go 1.26.2) — set build_args "
            'GO_VERSION = "1.26.2" or newer in the [[][[]tool.goimage.image[]][]] entry with '
            'dockerfile = "Dockerfile", target = "prod"'
        ]
    )


def test_the_advice_names_the_top_level_table_where_the_image_takes_its_value(
    pytester: pytest.Pytester,
) -> None:
    _project(pytester, "1.24.0")
    result = pytester.runpytest("--goimage", "-k", "dev and go-version")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "Dockerfile:2: golang:${GO_VERSION}-alpine names Go 1.24.0 (GO_VERSION=1.24.0 from "
            "build_args), go.mod requires 1.26.2 (go.mod:3 go 1.26.2) — set build_args "
            'GO_VERSION = "1.26.2" or newer in [[]tool.goimage[]]'
        ]
    )
