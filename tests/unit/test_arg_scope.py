"""ARG scope as BuildKit reads it (gofacts/arg_scope.py), on the shapes Dockerfiles use: a FROM
sees the ARGs before the first FROM; a stage sees a global ARG after declaring it again, or
one an ENV or a stage it is built FROM sets."""

from __future__ import annotations

from pytest_goimage.gofacts.arg_scope import OutOfScope, from_out_of_scope, stage_out_of_scope
from pytest_goimage.gofacts.dockerfile import parse_dockerfile


def test_a_from_sees_only_the_args_before_the_first_from() -> None:
    parsed = parse_dockerfile(
        "ARG GO=1.26\nFROM golang:${GO}-alpine AS build\nARG DISTRO=alpine\n"
        "FROM ${DISTRO}:3.22\nFROM $REGISTRY/base:1\n"
        # BuildKit declares the platform ARGs in the global scope itself.
        "FROM --platform=$BUILDPLATFORM golang:1.26-${TARGETOS}-$TARGETARCH$TARGETVARIANT\n"
    )
    assert from_out_of_scope(parsed) == [
        OutOfScope("DISTRO", 4, 3, "ARG DISTRO=alpine"),
        OutOfScope("REGISTRY", 5, 0, ""),
    ]


def test_a_stage_sees_a_global_arg_only_after_declaring_it_again() -> None:
    parsed = parse_dockerfile(
        "ARG GIT_SHA\nARG VERSION=1.0\nFROM alpine:3.22 AS base\nENV VERSION=2.0\n"
        "FROM base\nLABEL a=$GIT_SHA v=${VERSION}\nARG GIT_SHA\nLABEL b=$GIT_SHA\n"
    )
    final = parsed.stages[-1]
    first, _, last = final.instructions
    # VERSION is set by the ENV of the stage it is built FROM; GIT_SHA is out of scope.
    assert stage_out_of_scope(parsed, final, first) == [OutOfScope("GIT_SHA", 6, 1, "ARG GIT_SHA")]
    assert stage_out_of_scope(parsed, final, last) == []


def test_an_arg_the_parent_stage_declares_again_is_in_scope() -> None:
    parsed = parse_dockerfile(
        "ARG GIT_SHA\nFROM alpine:3.22 AS base\nARG GIT_SHA\nFROM base\nLABEL r=$GIT_SHA\n"
    )
    final = parsed.stages[-1]
    assert stage_out_of_scope(parsed, final, final.instructions[0]) == []
