"""`docker buildx bake` and `docker compose build` in a CI script, read as their command lines
give them: the bake or compose files (`-f`), the `--set` overrides (a compose build's
`--build-arg`s are one for every service) and the targets or services, as written. A compose
`up`, `run` or `create` builds too: which of its services, compose_started says from the
compose files (`run` names one service, the words after it are its command). Which
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
# The options of the subcommands that build with `--build`, which take a value.
_COMPOSE_STARTS = {
    "up": (frozenset({"scale", "timeout", "exit-code-from", "attach", "no-attach",
                      "wait-timeout", "pull"}), {"t": "timeout"}),
    "create": (frozenset({"scale", "pull"}), {}),
    "run": (frozenset({"env", "entrypoint", "label", "name", "publish", "user", "volume",
                       "workdir", "env-from-file", "cap-add", "cap-drop", "pull"}),
            {"e": "env", "l": "label", "p": "publish", "u": "user", "v": "volume",
             "w": "workdir"}),
}  # fmt: skip


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
    profiles: tuple[Word, ...] = ()  # compose's `--profile`s
    env_files: tuple[Word, ...] = ()  # compose's `--env-file`s, in order
    # A compose `up`, `run` or `create` (`started`) builds the services it starts: those
    # `only` names (none: all) and, unless `--no-deps`, those they depend on; each that has a
    # `build:`, with `--build` (`rebuild`, which only the messages name) or without. The
    # targets stay empty: bake knows no image-only service (compose_started).
    started: str = ""
    rebuild: bool = False
    only: tuple[Word, ...] = ()
    dependencies: bool = True


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
    """The words after `docker compose` (or `docker-compose`): its `-f` files,
    `--project-directory` and `--env-file`s, then `build` with its `--build-arg`s and
    services, or an `up`, `create` or `run` (which build what they start). None for another
    subcommand (`push`), and with `--no-build`."""
    index = 0
    while index < len(words) and words[index].text.startswith("-"):
        name = words[index].text.lstrip("-").partition("=")[0]
        takes = "=" not in words[index].text and (
            name in _COMPOSE_GLOBAL_VALUES or name in ("f", "p")
        )
        index += 2 if takes else 1
    options, _ = read_options(words[:index], _COMPOSE_GLOBAL_VALUES, {"f": "file", "p": "n"})
    if index >= len(words):
        return None
    files = tuple(value for name, value, _ in options if name == "file" and value is not None)
    project = next((v for n, v, _ in options if n == "project-directory" and v is not None), None)
    subcommand, after = words[index].text, words[index + 1 :]
    profiles = tuple(v for n, v, _ in options if n == "profile" and v is not None)
    env_files = tuple(v for n, v, _ in options if n == "env-file" and v is not None)
    if subcommand in _COMPOSE_STARTS:
        started = _started(subcommand, after)
        if started is None:
            return None
        services, dependencies, rebuild = started
        return BakeCommand(
            line,
            cwd,
            files,
            (),
            (),
            prefix,
            compose=True,
            project=project,
            profiles=profiles,
            env_files=env_files,
            started=subcommand,
            rebuild=rebuild,
            only=services,
            dependencies=dependencies,
        )
    if subcommand != "build":
        return None
    built, positional = read_options(after, _COMPOSE_BUILD_VALUES, {"m": "memory"})
    named = tuple(word for _, word in positional)
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
        line, cwd, files, sets, named, prefix, compose=True, project=project, env_files=env_files
    )


def _started(subcommand: str, words: list[Word]) -> tuple[tuple[Word, ...], bool, bool] | None:
    """The services `compose up|create|run` names, whether it starts their dependencies too
    (no `--no-deps`) and whether it says `--build`; None with `--no-build`."""
    takes_value, short = _COMPOSE_STARTS[subcommand]
    options, positional = read_options(words, takes_value, short)
    if subcommand == "run" and positional:
        # `run SERVICE COMMAND...`: the command's own options are not compose's.
        first = positional[0][0]
        options, _ = read_options(words[:first], takes_value, short)
        positional = positional[:1]
    flags: dict[str, bool] = {}
    for name, value, _ in options:  # the last one counts, `--build=false` too
        flags[name] = value is None or value.text.lower() not in ("false", "0", "f")
    if flags.get("no-build"):
        return None
    services = tuple(word for _, word in positional)
    return services, not flags.get("no-deps"), bool(flags.get("build"))
