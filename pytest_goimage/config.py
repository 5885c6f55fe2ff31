"""`[tool.goimage]` in the rootdir's pyproject.toml -> typed, validated settings."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config_defaults import no_go_module
from .config_dependencies import (
    DependencyConfig,
    image_dependencies,
    merge_dependencies,
    service_env,
)
from .config_dockerfiles import dockerfile_file, listed_dockerfiles, normalise
from .config_go_versions import DEFAULT_GO_VERSION_POLICY, go_version_ignore, go_version_policy
from .config_keys import (
    IMAGE_KEYS,
    TOP_KEYS,
    api_scheme,
    baseline_path,
    bucket_names,
    parsed,
    reject_unknown,
    string_table,
    tcp_port,
    typed,
)
from .config_keys import PLACEHOLDERS as PLACEHOLDERS  # public here: one list, in config
from .config_modules import dockerfile_beside_own_project, each_names_its_module, module_root
from .config_release import (
    MetadataPolicy,
    expand_build_args,
    metadata_policy,
    parity_ignore,
    secrets_ignore,
)
from .errors import ConfigError
from .gofacts.git_head import Heads
from .gofacts.units import parse_duration, parse_ratio, parse_size

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT_SIZE_BUDGET = "64MB"
DEFAULT_STARTUP_TIMEOUT = "30s"


@dataclass(frozen=True)
class ImageConfig:
    """Everything needed to build, inspect and run one Dockerfile."""

    # Its name: the Dockerfile as configured, relative to the project; `Dockerfile[prod]` where
    # entries check several targets of one Dockerfile (dockerfile_path is the file).
    dockerfile: str
    dockerfile_path: Path
    context: str
    context_path: Path
    build_args: Mapping[str, str]
    target: str | None
    # The Go module root (go.mod) the image's binary is built from: the top-level `project`,
    # or the entry's own in a monorepo. Its `dockerfile` and `context` stay relative to the
    # top-level project.
    go_module: Path
    size_budget: int
    size_tolerance: float
    baseline: Path
    binary: str | None
    buckets: tuple[str, ...]  # what the service must create at startup; () for none
    health_path: str
    port: int | None
    startup_timeout: float
    minio_image: str | None
    env: Mapping[str, str]
    secrets: bool = True
    secrets_ignore: tuple[str, ...] = ()  # paths and names of findings the team accepts
    health: bool = True  # false: the image serves no HTTP API (a worker), health is skipped
    require_non_root: bool = False
    builder: str | None = None  # a buildx builder; GOIMAGE_BUILDER overrides it
    memory_limit: int | None = None  # the service container's memory (and swap) limit
    # Containers started beside MinIO before the service (PostgreSQL, Redis ...).
    dependencies: tuple[DependencyConfig, ...] = ()
    metadata: MetadataPolicy = field(default_factory=MetadataPolicy)  # what the image must say
    require_provenance: bool = False  # provenance fails, not skips, without recorded facts
    min_ready: float = 0.0  # seconds from its start the service must keep running and healthy
    health_port: int | None = None  # the container port health_path is polled on; None: `port`
    scheme: str = "http"  # "https": the service serves its API over TLS itself
    health_scheme: str = "http"  # that of health_path's port: `scheme` unless health_port's differs
    # The entry's own go_version_ignore (its module's workflows); None: the top-level one.
    go_version_ignore: tuple[str, ...] | None = None
    # `bucket = false`: the image creates no bucket (a worker beside an API that does), where
    # the top-level table names one for the others.
    bucket_off: bool = False
    # The build_args its own [[tool.goimage.image]] entry sets (over the top-level table's).
    own_build_args: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        """The parametrize id and node-id prefix of this image."""
        return self.dockerfile

    @property
    def bucket(self) -> str | None:
        """The first bucket: what `{bucket}` stands for."""
        return self.buckets[0] if self.buckets else None

    @property
    def file_name(self) -> str:
        """The Dockerfile as configured, relative to the project: the name without its
        `[target]`, for `file:line` references an editor opens."""
        suffix = f"[{self.target}]"
        return self.dockerfile.removesuffix(suffix) if self.target else self.dockerfile


@dataclass(frozen=True)
class GoImageConfig:
    """The parsed `[tool.goimage]` table."""

    rootdir: Path
    source: Path  # the pyproject.toml it came from
    project: Path
    images: tuple[ImageConfig, ...] = field(default_factory=tuple)
    # Top-level build_args serve every Dockerfile; one that does not declare such an ARG is
    # not an error (BuildKit ignores it), unless no Dockerfile declares it (then a typo).
    shared_build_args: frozenset[str] = frozenset()
    # Which go.mod line the Go version pins must reach: "toolchain" or "go".
    go_version_policy: str = DEFAULT_GO_VERSION_POLICY
    # Workflows (`docs.yml`) or jobs (`release.yml:docs`) whose setup-go pins are left out.
    go_version_ignore: tuple[str, ...] = ()
    # No [tool.goimage] table was found: every setting is its default (see defaults_note).
    defaults: bool = False
    # Build facts (parity) whose differences between images are on purpose: "-ldflags".
    parity_ignore: tuple[str, ...] = ()
    # HEAD as `{git.head}` read it, for `provenance` to compare with the same commit.
    heads: Heads = field(default_factory=Heads, compare=False, repr=False)

    def value_tables(self) -> list[Mapping[str, str]]:
        """Every image's build_args and env, and its dependencies' env (a database password)
        and command line (`--requirepass ...`): the values whose secret-looking ones, and
        secrets in a known format, every output of a run masks."""
        tables: list[Mapping[str, str]] = []
        for image in self.images:
            tables += [image.build_args, image.env]
            for dependency in image.dependencies:
                words = (*(dependency.entrypoint or ()), *(dependency.command or ()))
                tables += [dependency.env, {"command line": " ".join(words)}]
        return tables

    def image(self, dockerfile: str) -> ImageConfig:
        """The configured image built from `dockerfile` (as configured)."""
        for image in self.images:
            if image.dockerfile == dockerfile:
                return image
        raise KeyError(dockerfile)


def load_config(rootdir: Path, *, required: bool = False) -> GoImageConfig | None:
    """Read `[tool.goimage]` from `rootdir/pyproject.toml`.

    Without that table (no pyproject.toml, or one with other tools' settings only) a Go
    repository runs on the defaults, as an empty table would: the result has `defaults` set.
    A rootdir without go.mod is then no Go repository: None, or with `required` (--goimage
    asked for the checks) a ConfigError saying where go.mod was looked for.
    """
    source = rootdir / "pyproject.toml"
    table = _goimage_table(source) if source.is_file() else None
    if table is not None:
        return parse_config(table, rootdir=rootdir, source=source)
    if not (rootdir / "go.mod").is_file():
        if not required:
            return None
        raise ConfigError(no_go_module(rootdir, source))
    try:
        return replace(parse_config({}, rootdir=rootdir, source=source), defaults=True)
    except ConfigError as error:
        if "no Dockerfile found below" not in str(error):
            raise
        # No file to fix: say what to create instead of naming a pyproject.toml that is not there.
        where = "has no [tool.goimage] table" if source.is_file() else "does not exist"
        raise ConfigError(
            f"{rootdir}: no Dockerfile found below it (Dockerfile, Dockerfile.*, *.Dockerfile), "
            f"and {source} {where}. Add a Dockerfile, or list yours in a [tool.goimage] table "
            'there: dockerfiles = ["path/to/Dockerfile"].'
        ) from None


def _goimage_table(source: Path) -> object | None:
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: not valid TOML ({exc}); fix the file and rerun.") from None
    tool = data.get("tool", {})
    return tool.get("goimage") if isinstance(tool, dict) else None


def parse_config(table: object, *, rootdir: Path, source: Path) -> GoImageConfig:
    """Validate a `[tool.goimage]` table; every problem names the key and the file."""
    where = "[tool.goimage]"
    if not isinstance(table, dict):
        array = " (`[[tool.goimage]]` makes an array: write `[tool.goimage]`)"
        raise ConfigError(
            f"{source}: [tool.goimage] must be a table{array if isinstance(table, list) else ''}."
        )
    reject_unknown(table, TOP_KEYS, where, source)

    overrides_raw = table.get("image", [])
    if not isinstance(overrides_raw, list) or not all(isinstance(o, dict) for o in overrides_raw):
        raise ConfigError(
            f"{source}: [tool.goimage] image must be an array of tables ([[tool.goimage.image]])."
        )
    # A repository of several modules (a go.work workspace) may have no go.mod at the top:
    # each image's entry then names its own `project` (checked once the images are known).
    own_projects = any("project" in entry for entry in overrides_raw)
    project = module_root(table, where, rootdir, source, images_name_theirs=own_projects)

    overrides: dict[str, list[dict[str, Any]]] = {}
    first_entry: dict[tuple[str, object], int] = {}
    for index, entry in enumerate(overrides_raw):
        entry_where = f"[[tool.goimage.image]] #{index + 1}"
        # go_version_ignore too: in a monorepo each module has its own workflows.
        reject_unknown(entry, IMAGE_KEYS | {"dockerfile", "go_version_ignore"}, entry_where, source)
        dockerfile = entry.get("dockerfile")
        if not isinstance(dockerfile, str) or not dockerfile:
            raise ConfigError(
                f"{source}: {entry_where} needs a `dockerfile` key (a path relative to the project)."
            )
        name = normalise(dockerfile)
        # Entries of one Dockerfile are images of their own when each names another target
        # (a dev and a prod stage); otherwise a later entry would silently replace the earlier.
        key = (name, entry.get("target"))
        repeated = [n for (other, _), n in first_entry.items() if other == name]
        if repeated and (key in first_entry or key[1] is None or (name, None) in first_entry):
            earlier = first_entry.get(key, repeated[0])
            dockerfile_beside_own_project(
                (overrides_raw[earlier - 1], entry),
                (f"[[tool.goimage.image]] #{earlier}", entry_where),
                project,
                rootdir,
                source,
            )
            raise ConfigError(
                f"{source}: {entry_where} repeats dockerfile {name!r} of [[tool.goimage.image]] "
                f"#{earlier}; merge the two entries into one, or give each its own `target` to "
                "check two stages of one Dockerfile as two images."
            )
        first_entry[key] = index + 1
        overrides.setdefault(name, []).append(entry)

    dockerfiles = listed_dockerfiles(table, overrides, project, where, source)

    heads = Heads()
    images = tuple(
        _image(
            image_name,
            _merged(table, entry),
            f"[[tool.goimage.image]] {image_name!r}" if entry else where,
            rootdir=rootdir,
            project=project,
            source=source,
            heads=heads,
            file=dockerfile,
            own_ignore="go_version_ignore" in entry,
            own_project="project" in entry,
            own_build_args=frozenset(own)
            if isinstance(own := entry.get("build_args"), dict)
            else frozenset(),
        )
        for dockerfile in dockerfiles
        for entries in [overrides.get(dockerfile) or [{}]]
        for entry in entries
        for image_name in [f"{dockerfile}[{entry['target']}]" if len(entries) > 1 else dockerfile]
    )
    if not (project / "go.mod").is_file():
        each_names_its_module(
            [(image.dockerfile, image.go_module) for image in images], project, rootdir, source
        )
    shared = table.get("build_args")
    return GoImageConfig(
        rootdir=rootdir,
        source=source,
        project=project,
        images=images,
        shared_build_args=frozenset(shared) if isinstance(shared, dict) else frozenset(),
        go_version_policy=go_version_policy(table, where, source),
        go_version_ignore=go_version_ignore(table, where, rootdir, project, source),
        parity_ignore=parity_ignore(table, where, source),
        heads=heads,
    )


# Tables that a per-image entry extends key by key instead of replacing: an image that adds
# one build argument or one variable keeps the shared ones.
_MERGED_TABLES = ("env", "build_args", "metadata")


def _merged(table: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    values = {**table, **override}
    for key in _MERGED_TABLES:
        shared, own = table.get(key), override.get(key)
        if isinstance(shared, dict) and isinstance(own, dict):
            values[key] = {**shared, **own}
    if "dependencies" in override:
        values["dependencies"] = merge_dependencies(
            table.get("dependencies"), override["dependencies"]
        )
    return values


def _image(
    dockerfile: str,
    values: Mapping[str, Any],
    where: str,
    *,
    rootdir: Path,
    project: Path,
    source: Path,
    heads: Heads,
    file: str,
    own_ignore: bool = False,
    own_project: bool = False,
    own_build_args: frozenset[str] = frozenset(),
) -> ImageConfig:
    """The image named `dockerfile` (`file`, or `file[target]` where entries check several
    targets of it), built from the Dockerfile `file`; `own_ignore`, `own_project`: its entry
    sets go_version_ignore, project; `own_build_args`: the build_args its entry sets."""
    path = dockerfile_file(file, project, where, source)
    module = module_root(values, where, rootdir, source) if own_project else project
    context = normalise(typed(values, "context", str, ".", where, source))
    context_path = (project / context).resolve()
    if not context_path.is_dir():
        raise ConfigError(
            f"{source}: {where} context = {context!r} is not a directory (looked for "
            f"{context_path})."
        )
    target = typed(values, "target", str, None, where, source)
    port = tcp_port(values, "port", where, source)
    scheme = api_scheme(values, "scheme", "http", where, source)
    health_path = typed(values, "health_path", str, "/health", where, source)
    if not health_path.startswith("/"):
        raise ConfigError(f"{source}: {where} health_path = {health_path!r} must start with '/'.")
    dependencies = image_dependencies(values, where, source, project)
    return ImageConfig(
        dockerfile=dockerfile,
        dockerfile_path=path,
        context=context,
        context_path=context_path,
        build_args=expand_build_args(
            string_table(values, "build_args", where, source),
            context_path,
            where,
            source,
            heads,
        ),
        target=target,
        size_budget=parsed(values, "size_budget", parse_size, DEFAULT_SIZE_BUDGET, where, source),
        size_tolerance=parsed(values, "size_tolerance", parse_ratio, "10%", where, source),
        baseline=baseline_path(values, where, rootdir, source),
        binary=typed(values, "binary", str, None, where, source),
        buckets=bucket_names(values, where, source),
        bucket_off=values.get("bucket") is False,
        own_build_args=own_build_args,
        health_path=health_path,
        port=port,
        health_port=tcp_port(values, "health_port", where, source),
        scheme=scheme,
        health_scheme=api_scheme(values, "health_scheme", scheme, where, source),
        startup_timeout=parsed(
            values, "startup_timeout", parse_duration, DEFAULT_STARTUP_TIMEOUT, where, source
        ),
        minio_image=typed(values, "minio_image", str, None, where, source),
        env=service_env(values, where, source, dependencies),
        secrets=typed(values, "secrets", bool, True, where, source),
        secrets_ignore=secrets_ignore(values, where, source),
        health=typed(values, "health", bool, True, where, source),
        require_non_root=typed(values, "require_non_root", bool, False, where, source),
        builder=typed(values, "builder", str, None, where, source),
        memory_limit=(
            parsed(values, "memory_limit", parse_size, None, where, source)
            if "memory_limit" in values
            else None
        ),
        dependencies=dependencies,
        metadata=metadata_policy(values, where, source),
        require_provenance=typed(values, "require_provenance", bool, False, where, source),
        min_ready=(
            parsed(values, "min_ready", parse_duration, None, where, source)
            if "min_ready" in values
            else 0.0
        ),
        go_module=module,
        go_version_ignore=(
            go_version_ignore(values, where, rootdir, module, source) if own_ignore else None
        ),
    )
