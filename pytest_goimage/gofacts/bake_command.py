"""`docker buildx bake` and `docker compose build` in a CI script, read as their command lines
give them: the bake or compose files (`-f`), the `--set` overrides (a compose build's
`--build-arg`s are one for every service) and the targets or services, as written. Which
images that builds, with which arguments, only buildx can say (bake_builds: bake reads
compose files too); this reads the words it is given."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .command_words import Word, read_options

# Options that take a value; any other is a switch (`--push`, `--load`, `--print`).
_VALUES = frozenset(
    {"file", "set", "progress", "builder", "metadata-file", "call", "allow", "provenance",
     "sbom", "list", "var"}
)  # fmt: skip
_COMPOSE_GLOBAL_VALUES = frozenset(
    {"file", "project-directory", "project-name", "profile", "env-file", "ansi", "progress",
     "parallel"}
)  # fmt: skip
_COMPOSE_BUILD_VALUES = frozenset(
    {"build-arg", "builder", "memory", "ssh", "progress", "provenance", "sbom"}
)  # fmt: skip


@dataclass(frozen=True)
class BakeCommand:
    """One `docker buildx bake` of a script, in the folder it runs in (None: not known)."""

    line: int
    cwd: str | None
    files: tuple[Word, ...] = ()
    sets: tuple[Word, ...] = ()  # each `KEY=VALUE` as written
    targets: tuple[Word, ...] = ()
    prefix: tuple[tuple[str, Word], ...] = ()  # `NAME=value docker buildx bake`
    # What the script assigned before it (None: not known), and which of those it exported:
    # bake reads its variables from the environment, where only exported ones are.
    assigned: tuple[tuple[str, Word | None], ...] = ()
    exported: tuple[str, ...] = ()
    compose: bool = False  # `docker compose build`: compose files, services
    project: Word | None = None  # its `--project-directory`


def bake_options(
    words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BakeCommand | None:
    """The words after `bake`: `-f`/`--file`, `--set`, `--var NAME=VALUE` (a variable's value,
    as the environment gives it) and the targets (the rest). None for a bake that builds
    nothing: `--print`, `--list`, `--check`, `--call` of anything but `build`."""
    options, positional = read_options(words, _VALUES, {"f": "file"})
    targets = [word for _, word in positional]
    for name, value, _ in options:
        called = value.text if name == "call" and value is not None else "build"
        if name in ("print", "list", "check") or called != "build":
            return None
    files = tuple(value for name, value, _ in options if name == "file" and value is not None)
    sets = tuple(value for name, value, _ in options if name == "set" and value is not None)
    variables = tuple(
        _assignment(value) for name, value, _ in options if name == "var" and value is not None
    )
    return BakeCommand(line, cwd, files, sets, tuple(targets), (*prefix, *variables))


def _assignment(word: Word) -> tuple[str, Word]:
    name, _, value = word.text.partition("=")
    return name, replace(word, text=value)


def compose_build_options(
    words: list[Word], line: int, cwd: str | None, prefix: tuple[tuple[str, Word], ...]
) -> BakeCommand | None:
    """The words after `docker compose` (or `docker-compose`): its `-f` files and
    `--project-directory`, then `build` with its `--build-arg`s and services. None for another
    subcommand (`up`, `push`)."""
    index = 0
    while index < len(words) and words[index].text.startswith("-"):
        name = words[index].text.lstrip("-").partition("=")[0]
        takes = "=" not in words[index].text and (
            name in _COMPOSE_GLOBAL_VALUES or name in ("f", "p")
        )
        index += 2 if takes else 1
    options, _ = read_options(words[:index], _COMPOSE_GLOBAL_VALUES, {"f": "file", "p": "n"})
    if index >= len(words) or words[index].text != "build":
        return None
    built, positional = read_options(words[index + 1 :], _COMPOSE_BUILD_VALUES, {"m": "memory"})
    services = [word for _, word in positional]
    files = tuple(value for name, value, _ in options if name == "file" and value is not None)
    project = next((v for n, v, _ in options if n == "project-directory" and v is not None), None)
    # `--build-arg NAME` alone takes NAME from the environment, as `$NAME` would.
    sets = tuple(
        replace(value, text=f"*.args.{name}={given}")
        if equals
        else replace(value, text=f"*.args.{name}=${name}", shell=True)
        for option, value, _ in built
        if option == "build-arg" and value is not None
        for name, equals, given in [value.text.partition("=")]
    )
    return BakeCommand(
        line, cwd, files, sets, tuple(services), prefix, compose=True, project=project
    )
