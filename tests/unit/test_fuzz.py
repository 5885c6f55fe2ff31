"""Parsers never crash on arbitrary input: only their documented errors or a result."""

from __future__ import annotations

import contextlib
import io
import itertools
import posixpath
import re
import shlex
import tarfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_goimage.build.buildkit_trace import TraceDecodeError, decode_status
from pytest_goimage.config import parse_config
from pytest_goimage.config_keys import IMAGE_KEYS, TOP_KEYS
from pytest_goimage.errors import ConfigError, DockerfileSyntaxError
from pytest_goimage.gofacts.command import program_of
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.layers import final_files, layer_files, wasted
from pytest_goimage.gofacts.secrets_scan import env_findings, file_finding, history_findings
from pytest_goimage.gofacts.units import parse_duration, parse_ratio, parse_size

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_instruction = st.sampled_from(
    ["FROM", "RUN", "COPY", "ADD", "ARG", "ENV", "EXPOSE", "ENTRYPOINT", "USER", "from", "#", "\\"]
)
_dockerfile_text = st.lists(
    st.tuples(_instruction, st.text(max_size=40)).map(lambda t: f"{t[0]} {t[1]}"), max_size=20
).map("\n".join)


@FUZZ
@given(st.one_of(_dockerfile_text, st.text(max_size=400)))
def test_dockerfile_parser(text: str) -> None:
    """BuildKit's parser either reads the text or refuses it with DockerfileSyntaxError (whose
    line, when it names one, is in the file); nothing else escapes."""
    try:
        parsed = parse_dockerfile(text)
    except DockerfileSyntaxError as error:
        assert 0 <= error.line <= len(text.splitlines()) + 1
        return
    lines = [instruction.line for instruction in parsed.instructions]
    assert lines == sorted(lines)
    for instruction in parsed.instructions:
        assert 1 <= instruction.line <= instruction.end_line
        instruction.sources()  # must not raise on odd COPY forms


@FUZZ
@given(st.binary(max_size=300))
def test_buildkit_trace_decoder(data: bytes) -> None:
    with contextlib.suppress(TraceDecodeError):
        decode_status(data)


_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=12)
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
# Every key the configuration knows, plus one it does not.
_keys = st.sampled_from(sorted(TOP_KEYS | IMAGE_KEYS | {"bogus"}))


@FUZZ
@given(st.dictionaries(_keys, _values, max_size=6))
def test_config_parser(table: dict[str, object]) -> None:
    root = Path(__file__).resolve().parents[2] / "example_project"
    try:
        parse_config(table, rootdir=root, source=root / "pyproject.toml")
    except ConfigError as exc:
        assert str(exc)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=20),
        st.from_regex(r"\A[0-9]{1,400}(\.[0-9]{1,5})?(MB|GiB|ms|s|m|h|%)?\Z"),
        st.integers(),
        st.floats(allow_nan=False),
        st.booleans(),
    )
)
def test_units(value: object) -> None:
    for parse in (parse_size, parse_duration, parse_ratio):
        try:
            parse(value)
        except ValueError as exc:
            assert str(exc)


def _tar(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


_paths = st.lists(
    st.sampled_from(["a", "b", "dir", ".wh.a", ".wh..wh..opq", "x.pem"]), min_size=1, max_size=3
).map("/".join)


def _saved_image(layer_contents: list[dict[str, bytes]], oci: bool) -> bytes:
    """`docker save` output: <id>/layer.tar (Docker < 25) or gzip blobs/sha256/<hex> (25+)."""
    import gzip
    import hashlib
    import json

    outer: dict[str, bytes] = {}
    names = []
    for index, files in enumerate(layer_contents):
        blob = _tar(files)
        if oci:
            blob = gzip.compress(blob)
            name = f"blobs/sha256/{hashlib.sha256(blob + bytes([index])).hexdigest()}"
        else:
            name = f"{index}/layer.tar"
        outer[name] = blob
        names.append(name)
    if oci:
        outer["blobs/sha256/" + "c" * 64] = b'{"config": "not a tar"}'
    outer["manifest.json"] = json.dumps([{"Layers": names}]).encode()
    return _tar(outer)


@FUZZ
@given(
    st.lists(st.dictionaries(_paths, st.binary(max_size=8), max_size=5), max_size=4),
    st.booleans(),
)
def test_layers(layer_contents: list[dict[str, bytes]], oci: bool) -> None:
    """A saved image made of arbitrary layers (whiteouts included) is read without crashing,
    in both export layouts, and every layer's files are seen."""
    layers = layer_files(io.BytesIO(_saved_image(layer_contents, oci)))
    assert len(layers) == len(layer_contents)
    for listed, files in zip(layers, layer_contents, strict=True):
        assert set(listed) == set(files)
    final_files(layers)
    for waste in wasted(layers):
        assert waste.size > 0


@FUZZ
@given(
    st.dictionaries(st.text(max_size=20), st.text(max_size=30), max_size=5),
    st.lists(st.text(max_size=80), max_size=5),
    st.text(max_size=30),
    st.binary(max_size=200),
)
def test_secret_scanners(env: dict[str, str], history: list[str], name: str, data: bytes) -> None:
    for finding in env_findings(env) + history_findings(history):
        assert finding.describe()
    file_finding(name or "x", data)


_command_words = st.sampled_from(
    [
        *("sh", "/bin/sh", "-c", "-ec", "-e", "-o", "pipefail", "exec", 'exec "$@"', "$@", "${@}"),
        *("tini", "--", "-r", "-g", "-p", "X=1", "'", "/app", "./app", "../bin/app", "app"),
        *("env", "-i", "-u", "-C", "-S", "--chdir=/opt", "su-exec", "gosu", "dumb-init"),
        *("--single-child", "/init", "/entrypoint.sh", "cd /srv && exec ./app", "cd sub;"),
        *("cd ..\nexec bin/app", "set -e;", "export X=1;", "if true; then exec /a; fi;"),
        *("./app | tee log", "exec $APP", "cd $HOME;", "shift;", "set -- ./x;", "exit;"),
    ]
)
_words = st.lists(st.one_of(_command_words, st.text(max_size=20)), max_size=6)
_workdirs = st.sampled_from(["", "/", "/srv", "/srv/api/", "relative"])
_CHDIR = ("cd", "-C", "--chdir")
_BUILTINS = frozenset({"cd", "set", "export", "exec", "trap", "umask", "ulimit", "shift", "exit"})


def _splits(text: str) -> list[list[str]]:
    """`text` split every way a shell could: at whitespace, as shlex does, and at operators."""
    splits = [text.split()]
    with contextlib.suppress(ValueError):
        splits.append(shlex.split(text))
    with contextlib.suppress(ValueError):
        splits.append(list(shlex.shlex(text, posix=True, punctuation_chars=True)))
    return splits


_script_lines = st.lists(_command_words, max_size=6)
# As often a shell script as a list of words: `sh -c` is where programs hide.
_entrypoints = st.one_of(
    _words, _script_lines.map(lambda lines: ["/bin/sh", "-c", "\n".join(lines)])
)


@given(_entrypoints, _words, _workdirs, st.one_of(st.none(), _script_lines))
def test_program_of(
    entrypoint: list[str], cmd: list[str], workdir: str, script: list[str] | None
) -> None:
    """Never crashes, and only ever returns a word the image's command (or its script
    /entrypoint.sh) holds, as given or as a shell splits it, or such a relative path joined
    to WORKDIR and the directories its `cd` and `env -C` words name."""
    texts = [*entrypoint, *cmd]
    files: dict[str, bytes] = {}
    if script is not None:
        files["/entrypoint.sh"] = ("#!/bin/sh\n" + "\n".join(script)).encode()
        texts += script

    def read(word: str) -> bytes | None:
        return files.get(word)

    program = program_of(entrypoint, cmd, workdir, read).path
    if program is None:
        return
    candidates = set(texts)
    targets = set()
    for text in texts:
        for split in [entrypoint + cmd, *_splits(text)]:
            candidates.update(split)
            targets.update(after for word, after in itertools.pairwise(split) if word in _CHDIR)
            targets.update(w.split("=", 1)[1] for w in split if w.startswith("--chdir="))
            targets.update(w.split("C", 1)[1] for w in split if re.match(r"^-[^-]*C.", w))
    if program in _BUILTINS:  # only where no shell reads it: a whole exec-form word
        assert program in entrypoint + cmd, program
    if program in candidates:
        return
    # The directories a relative program may be resolved against.
    dirs = {posixpath.normpath(workdir or "/")}
    for _ in range(sum(text.count("cd") + text.count("-C") for text in texts) + 1):
        dirs |= {posixpath.normpath(posixpath.join(d, t)) for d in dirs for t in targets}
    relative = [c for c in candidates if "/" in c and not c.startswith("/")]
    resolved = {posixpath.normpath(posixpath.join(d, c)) for d in dirs for c in relative}
    assert program in resolved, (program, sorted(candidates), sorted(dirs))
