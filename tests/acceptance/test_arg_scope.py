"""An ARG read outside its scope, as BuildKit scopes them (trial 14): a FROM sees only the ARGs
declared before the first FROM, and a stage sees a global ARG only after declaring it again.
Out of scope the value is empty, and BuildKit says nothing about why."""

from __future__ import annotations

import pytest

from tests.conftest import go_app, outcomes

SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.mark.parametrize(
    ("dockerfile", "expected"),
    [
        (
            "FROM alpine:3.22 AS tools\nARG ALPINE=3.22\nFROM alpine:${ALPINE}\n",
            "[[]goimage build[]] Dockerfile:3: `FROM alpine:${ALPINE}` reads ALPINE, which only "
            "`ARG ALPINE=3.22` at Dockerfile:2, inside a stage, declares: a FROM sees only the "
            "ARGs declared before the first FROM, so it is empty there and BuildKit refused the "
            "result (*alpine:*invalid reference format). Move that ARG above the first FROM (and "
            "write `ARG ALPINE` inside any stage that reads it too).",
        ),
        (
            "FROM ${BASE_IMAGE}\n",
            "[[]goimage build[]] Dockerfile:1: `FROM ${BASE_IMAGE}` reads BASE_IMAGE, which no "
            "ARG declares (a build argument fills only a declared ARG), so it is empty there and "
            "BuildKit refused the result (*). Declare `ARG BASE_IMAGE=<default>` above the first "
            "FROM.",
        ),
    ],
    ids=["arg-inside-a-stage", "no-arg"],
)
def test_a_from_reading_an_arg_out_of_scope_says_which_and_where(
    pytester: pytest.Pytester, no_leaks: None, dockerfile: str, expected: str
) -> None:
    go_app(pytester.path)
    (pytester.path / "Dockerfile").write_text(dockerfile + 'COPY app /app\nENTRYPOINT ["/app"]\n')
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "build")
    assert outcomes(result) == {"Dockerfile::build": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines([expected])


def test_a_label_reading_a_global_arg_the_stage_does_not_declare(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`ARG GIT_SHA` above the first FROM and `LABEL ...revision=$GIT_SHA` in the stage: the
    build argument is given, and the label is still empty."""
    go_app(pytester.path)
    dockerfile = pytester.path / "Dockerfile"
    dockerfile.write_text(
        "ARG GIT_SHA\nFROM alpine:3.22\nCOPY app /app\n"
        'LABEL org.opencontainers.image.revision=$GIT_SHA\nENTRYPOINT ["/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text(
        f'[tool.goimage]\nbuild_args = {{ GIT_SHA = "{SHA}" }}\n'
        'metadata = { labels = { "org.opencontainers.image.revision" = "[0-9a-f]{40}" } }\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {"Dockerfile::metadata": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "[[]goimage metadata[]] Dockerfile: image goimage/*:* does not meet its metadata "
            "policy (pyproject.toml [[]tool.goimage[]] metadata): label "
            "org.opencontainers.image.revision is empty. `LABEL "
            "org.opencontainers.image.revision=$GIT_SHA` (Dockerfile:4) reads $GIT_SHA, which "
            "`ARG GIT_SHA` at Dockerfile:1 declares before the first FROM: a stage sees such an "
            "ARG only after it declares it again, so it is empty there. Add `ARG GIT_SHA` to "
            "that stage before the LABEL."
        ]
    )
    # The advice works.
    dockerfile.write_text(dockerfile.read_text().replace("COPY app", "ARG GIT_SHA\nCOPY app"))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "metadata")
    assert outcomes(result) == {"Dockerfile::metadata": "PASSED"}, result.stdout.str()
