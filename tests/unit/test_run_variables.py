"""gofacts/run_variables.py: the value a variable has in a go build RUN, as BuildKit sets it,
across stages built FROM one another (each rule checked on the engine with `RUN echo $N`)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.go_build_command import go_builds
from pytest_goimage.gofacts.run_variables import value_in_run


def value(text: str, build_args: dict[str, str] | None = None) -> str | None:
    parsed = parse_dockerfile(text)
    (build,) = go_builds(parsed)
    return value_in_run("VERSION", build, build_args or {}, parsed.global_instructions)


CHILD = 'FROM base AS build\nRUN go build -ldflags "-X main.version=$VERSION" -o /app .\n'


@pytest.mark.parametrize(
    ("base", "child_arg", "build_args", "expected"),
    [
        # A parent stage's ARG reaches the stage built FROM it.
        ("ARG VERSION=1.2.3\n", "", {}, "1.2.3"),
        ("ARG VERSION=1.2.3\n", "", {"VERSION": "2.0.0"}, "2.0.0"),
        # Declared again without a default it keeps the parent's value.
        ("ARG VERSION=1.2.3\n", "ARG VERSION\n", {}, "1.2.3"),
        # An ENV of the parent, even before its ARG, wins in the child.
        ("ENV VERSION=dev\nARG VERSION=1.2.3\n", "", {}, "dev"),
        ("ARG VERSION=1.2.3\nENV VERSION=dev\n", "", {}, "dev"),
        # In the child's own stage the ARG wins over the inherited ENV.
        ("ENV VERSION=dev\n", "ARG VERSION=3.0.0\n", {}, "3.0.0"),
        # Not declared anywhere: only CI knows it.
        ("", "", {}, None),
    ],
)
def test_a_stage_built_from_another_inherits_its_args(
    base: str, child_arg: str, build_args: dict[str, str], expected: str | None
) -> None:
    text = f"FROM golang:1.26 AS base\n{base}" + CHILD.replace("RUN", f"{child_arg}RUN", 1)
    assert value(text, build_args) == expected


def test_an_unrelated_stage_does_not_inherit() -> None:
    text = "FROM golang:1.26 AS other\nARG VERSION=1.2.3\nFROM golang:1.26 AS base\n" + CHILD
    assert value(text) is None
