"""Whether the kernel executes a script as a container's first program (gofacts/script_start)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.exec_words import exec_chain
from pytest_goimage.gofacts.script_start import script_refusal

BUSYBOX = {"/bin/sh", "/usr/bin/env"}


@pytest.mark.parametrize(
    ("head", "refused"),
    [
        (b"\x7fELF\x02\x01\x01", None),
        (b"#!/bin/sh\nexec /app\n", None),
        # env finds the shell on PATH at run time: not read here, so never a false failure.
        (b"#!/usr/bin/env bash\nexec /app\n", None),
        (
            b"#!/bin/bash -e\nexec /app\n",
            "/entry.sh is a script whose `#!` line asks for /bin/bash",
        ),
        # The kernel ends the interpreter at a tab too.
        (b"#!/bin/sh\t-e\nexec /app\n", None),
        (b"#! /bin/sh\nexec /app\n", None),
        # A relative interpreter is looked up from the working directory: / here.
        (b"#!bin/sh\nexec /app\n", None),
        (
            b"#!sh\nexec /app\n",
            "/entry.sh is a script whose `#!` line asks for sh, a relative path that the kernel "
            "looks up from the working directory (/), where the image has no such file",
        ),
        (
            b"#!/usr/bin/env sh\r\nexec /app\r\n",
            "/entry.sh has Windows line endings (CRLF): its `#!` line asks for `sh\\r`",
        ),
        (b"#!/bin/sh\r\nexec /app\r\n", "/entry.sh has Windows line endings (CRLF)"),
        (b"exec /app\n", "/entry.sh is a script without a `#!` line"),
        (b"\xef\xbb\xbf#!/bin/sh\n", "/entry.sh starts with a UTF-8 byte order mark"),
    ],
)
def test_a_script_the_kernel_refuses_is_named_with_its_cause(
    head: bytes, refused: str | None
) -> None:
    said = script_refusal("/entry.sh", head, BUSYBOX.__contains__)
    if refused is None:
        assert said is None
    else:
        assert said is not None and said.startswith(refused), said


def test_a_relative_interpreter_is_looked_up_from_the_working_directory() -> None:
    head = b"#!bin/sh\nexec /app\n"
    assert script_refusal("/entry.sh", head, {"/srv/bin/sh"}.__contains__, "/srv") is None
    said = script_refusal("/entry.sh", head, BUSYBOX.__contains__, "/srv")
    assert said == (
        "/entry.sh is a script whose `#!` line asks for bin/sh, a relative path that the kernel "
        "looks up from the working directory (/srv), where the image has no such file: write "
        "the interpreter's absolute path (`#!/bin/sh`)"
    )


@pytest.mark.parametrize(
    ("words", "chain"),
    [
        (["/sbin/tini", "--", "/entry.sh", "serve"], ["/sbin/tini", "/entry.sh"]),
        (["tini", "-s", "-p", "SIGTERM", "/entry.sh"], ["tini", "/entry.sh"]),
        (["dumb-init", "--rewrite", "15:2", "/entry.sh"], ["dumb-init", "/entry.sh"]),
        (["su-exec", "app:app", "/entry.sh"], ["su-exec", "/entry.sh"]),
        (["env", "-u", "X", "A=1", "/entry.sh"], ["env", "/entry.sh"]),
        (["tini", "--", "gosu", "app", "/app"], ["tini", "gosu", "/app"]),
        # A shell reads its script: the kernel executes the shell, not the script.
        (["/bin/sh", "/entry.sh"], ["/bin/sh"]),
        (["/app", "--port", "8080"], ["/app"]),
    ],
)
def test_the_programs_a_wrapper_chain_executes(words: list[str], chain: list[str]) -> None:
    assert exec_chain(words) == chain


@pytest.mark.parametrize(
    ("head", "refused"),
    [
        # Behind a wrapper's execvp, glibc runs a script without `#!` with /bin/sh.
        (b"exec /app\n", False),
        (b"\xef\xbb\xbf#!/bin/sh\n", False),
        # A `#!` the kernel cannot follow fails there too.
        (b"#!/bin/sh\r\nexec /app\r\n", True),
        (b"#!/bin/bash\nexec /app\n", True),
    ],
)
def test_behind_a_wrapper_only_a_hashbang_the_kernel_cannot_follow_is_certain(
    head: bytes, refused: bool
) -> None:
    said = script_refusal("/entry.sh", head, BUSYBOX.__contains__, by_wrapper=True)
    assert (said is not None) is refused, said
