"""The Dockerfile readers over a corpus of real-world shapes: each reader returns its table row.

The corpus is tests/unit/corpus/dockerfiles/; table.py there says, per file, what BuildKit reads from
it. A failure here means a reader disagrees with BuildKit on a shape public projects use.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import pytest

from pytest_goimage.errors import DockerfileSyntaxError, GoImageError
from pytest_goimage.gofacts.command import program_of
from pytest_goimage.gofacts.dockerfile import Dockerfile, Stage, parse_dockerfile
from pytest_goimage.gofacts.dockerfile_pins import dockerfile_pins
from pytest_goimage.gofacts.versions import Pin, read_text
from tests.unit.corpus.dockerfiles.table import ROWS, Command, Row

CORPUS = Path(__file__).parent / "corpus" / "dockerfiles"
NOT_DOCKERFILES = frozenset({"table.py", "__init__.py", ".gitattributes", "__pycache__"})
MINIMUM = 40
DEFAULT_SHELL = ("/bin/sh", "-c")  # what the engine prepends to a shell form on Linux


def rows(test: str, *, broken: bool = False, build_args: bool = False) -> list[pytest.ParameterSet]:
    """The table's rows as parameters of a test (`test` names it, for reading)."""
    chosen = [
        row
        for row in ROWS
        if (row.error is not None) == broken and (bool(row.build_args) or not build_args)
    ]
    return [pytest.param(row, id=row.file) for row in chosen]


def read(row: Row) -> str:
    """The file as the plugin reads it (UTF-8, a BOM kept, line endings untouched)."""
    return read_text(CORPUS / row.file, row.file, GoImageError)


def pin_rows(pins: list[Pin]) -> list[tuple[int, str | None]]:
    return [(pin.line, None if pin.version is None else str(pin.version)) for pin in pins]


@dataclass(frozen=True)
class ImageConfig:
    """The part of an image config a Dockerfile sets: what runs and where."""

    entrypoint: Command | None = None
    cmd: Command | None = None
    shell: tuple[str, ...] = DEFAULT_SHELL
    workdir: str = "/"
    env: tuple[tuple[str, str], ...] = ()


def stage_config(parsed: Dockerfile, stage: Stage) -> ImageConfig:
    """The config BuildKit gives `stage`'s image: inherited through `FROM <earlier stage>`
    (matched against the lower-cased stage names, as dispatchStates.addState does), then its
    own instructions; an ENTRYPOINT drops a CMD not set in the same stage."""
    parent = next(
        (s for s in parsed.stages[: stage.index] if (s.name or "").lower() == stage.base),
        None,
    )
    config = stage_config(parsed, parent) if parent is not None else ImageConfig()
    cmd_set = False
    for instruction in stage.instructions:
        written = Command(instruction.args, instruction.json)
        if instruction.keyword == "ENTRYPOINT":
            config = replace(config, entrypoint=written, cmd=config.cmd if cmd_set else None)
        elif instruction.keyword == "CMD":
            config = replace(config, cmd=written)
            cmd_set = True
        elif instruction.keyword == "SHELL":
            config = replace(config, shell=instruction.args)
        elif instruction.keyword == "ENV":
            # `ENV A=1 B="x y"` comes as name, value pairs (quotes kept); `ENV A 1` too.
            pairs = zip(instruction.args[::2], instruction.args[1::2], strict=True)
            config = replace(config, env=(*config.env, *((k, v.strip('"')) for k, v in pairs)))
        elif instruction.keyword == "WORKDIR":
            config = replace(config, workdir=str(PurePosixPath(config.workdir, *instruction.args)))
    return config


def final_config(parsed: Dockerfile, row: Row) -> ImageConfig:
    stage = parsed.stage(row.target) if row.target else parsed.stages[-1]
    assert stage is not None, f"no stage {row.target!r}"
    return stage_config(parsed, stage)


def as_run(command: Command | None, shell: tuple[str, ...]) -> list[str]:
    """ENTRYPOINT/CMD as the image config holds it: a shell form goes through SHELL."""
    if command is None:
        return []
    return list(command.args) if command.json else [*shell, *command.args]


def test_every_corpus_file_is_in_the_table_and_back() -> None:
    on_disk = sorted(p.name for p in CORPUS.iterdir() if p.name not in NOT_DOCKERFILES)
    tabled = [row.file for row in ROWS]
    assert sorted(tabled) == on_disk
    assert len(set(tabled)) == len(tabled)
    assert len(on_disk) >= MINIMUM


@pytest.mark.parametrize("row", rows("stages"))
def test_stages_are_read_as_buildkit_names_them(row: Row) -> None:
    parsed = parse_dockerfile(read(row))
    assert [(stage.name, stage.base) for stage in parsed.stages] == list(row.stages)


@pytest.mark.parametrize("row", rows("args"))
def test_declared_args(row: Row) -> None:
    assert parse_dockerfile(read(row)).declared_args() == set(row.args)


@pytest.mark.parametrize("row", rows("directives"))
def test_parser_directives_and_escape(row: Row) -> None:
    parsed = parse_dockerfile(read(row))
    escape = next((value for _, name, value in row.directives if name == "escape"), "\\")
    assert (parsed.directives, parsed.escape) == (row.directives, escape)


@pytest.mark.parametrize("row", rows("pins"))
def test_go_version_pins(row: Row) -> None:
    pins = dockerfile_pins(read(row), row.file, {})
    assert pin_rows(pins) == list(row.pins)
    assert [pin.unpinned for pin in pins] == [version is None for _, version in row.pins]


@pytest.mark.parametrize("row", rows("pins-build-args", build_args=True))
def test_go_version_pins_with_build_args(row: Row) -> None:
    pins = dockerfile_pins(read(row), row.file, row.build_args)
    assert pin_rows(pins) == list(row.pins_with_build_args)


@pytest.mark.parametrize("row", rows("command"))
def test_final_entrypoint_and_cmd(row: Row) -> None:
    config = final_config(parse_dockerfile(read(row)), row)
    assert (config.entrypoint, config.cmd) == (row.entrypoint, row.cmd)


@pytest.mark.parametrize("row", rows("program"))
def test_program_the_final_stage_runs(row: Row) -> None:
    """program_of over the config the engine would hold, with its WORKDIR and ENV; no file of
    the image is readable here, so a script is taken for the program (in a built image it is
    followed: tests/test_inspect_checks.py)."""
    config = final_config(parse_dockerfile(read(row)), row)
    entrypoint = as_run(config.entrypoint, config.shell)
    cmd = as_run(config.cmd, config.shell)
    program = program_of(entrypoint, cmd, config.workdir, env=dict(config.env))
    assert program.path == row.program


@pytest.mark.parametrize("row", rows("error", broken=True))
def test_dockerfile_buildkit_refuses(row: Row) -> None:
    text = read(row)
    with pytest.raises(DockerfileSyntaxError) as parsed:
        parse_dockerfile(text)
    assert (parsed.value.line, parsed.value.reason) == row.error
    with pytest.raises(DockerfileSyntaxError) as pinned:
        dockerfile_pins(text, row.file, {})
    assert pinned.value.line == parsed.value.line
