"""Validation of `[tool.goimage]` values: each reader checks one key's type or form and raises
a ConfigError that names the file, the table and the key, with a fix or a close match."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .gofacts.credentials import looks_secret

# S3's bucket naming rules, which MinIO enforces: 3-63 lowercase letters, digits, dots and
# hyphens, starting and ending with a letter or digit.
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

# Keys allowed both at the top level and in each [[tool.goimage.image]] entry.
IMAGE_KEYS = frozenset(
    {
        "context",
        "build_args",
        "target",
        "size_budget",
        "size_tolerance",
        "baseline",
        "binary",
        "bucket",
        "health",
        "health_path",
        "health_port",
        "port",
        "scheme",
        "health_scheme",
        "startup_timeout",
        "min_ready",
        "minio_image",
        "env",
        "secrets",
        "secrets_ignore",
        "require_non_root",
        "builder",
        "memory_limit",
        "dependencies",
        "compose_file",
        "compose_services",
        "metadata",
        "require_provenance",
        "project",  # in an entry: the image's own Go module (a monorepo), see _image
    }
)
# Workflows belong to the repository, not to one image: these are top-level only.
_GO_VERSION_KEYS = {"go_version_policy", "go_version_ignore"}
TOP_KEYS = IMAGE_KEYS | {"project", "dockerfiles", "image", "parity_ignore"} | _GO_VERSION_KEYS


def bucket_names(values: Mapping[str, Any], where: str, src: Path) -> tuple[str, ...]:
    """`bucket`: one name, or a list of the buckets a service creates (uploads, thumbnails);
    false for none (an image entry's way to leave out a bucket the top level names)."""
    value = values.get("bucket")
    if value is None or value is False:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ConfigError(
            f"{src}: {where} key 'bucket' must be a bucket name or a list of them, such as "
            f'"uploads" or ["uploads", "thumbnails"], or false for an image that creates none, '
            f"got {value!r}."
        )
    for bucket in names:
        if not _BUCKET_NAME.match(bucket) or ".." in bucket:
            raise ConfigError(
                f"{src}: {where} bucket = {bucket!r} is not a valid S3 bucket name (3-63 "
                "lowercase letters, digits, dots or hyphens, starting and ending with a letter "
                "or digit); use the name your service creates."
            )
    if len(set(names)) < len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ConfigError(f"{src}: {where} bucket lists {twice!r} twice; name each bucket once.")
    return tuple(names)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` naming the closest of `choices` to a mistyped `word`, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close and close[0] != word else ""


def reject_unknown(
    table: Mapping[str, Any], allowed: frozenset[str], where: str, src: Path
) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        hint = did_you_mean(unknown[0], sorted(allowed))
        raise ConfigError(
            f"{src}: unknown key {unknown[0]!r} in {where}{hint}; known keys are "
            f"{', '.join(sorted(allowed))}."
        )


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false"}


def typed(
    values: Mapping[str, Any], key: str, kind: type[Any], default: Any, where: str, src: Path
) -> Any:
    value = values.get(key, default)
    if value is default:
        return value
    # bool is an int subclass; `port = true` must not pass as port 1.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"{src}: {where} key {key!r} must be {_TYPE_NAMES.get(kind, kind.__name__)}, "
            f"got {value!r} ({type(value).__name__})."
        )
    if isinstance(value, str):
        no_nul(value, f"{where} key {key!r}", src)
    return value


def tcp_port(values: Mapping[str, Any], key: str, where: str, src: Path) -> int | None:
    """`port` or `health_port`: an integer 1-65535, or None when the key is not set."""
    value = values.get(key)
    if isinstance(value, str) and value.strip().isdigit():
        raise ConfigError(
            f"{src}: {where} key {key!r} must be an integer, got {value!r} (str); write it "
            f"without quotes: {key} = {value.strip()}."
        )
    port: int | None = typed(values, key, int, None, where, src)
    if port is not None and not 0 < port < 65536:
        raise ConfigError(f"{src}: {where} {key} = {port} is not a TCP port (1-65535).")
    return port


def api_scheme(values: Mapping[str, Any], key: str, default: str, where: str, src: Path) -> str:
    """`scheme` ("http", or "https" for a service that serves its API over TLS itself), or
    `health_scheme` (that of `health_port`, which an admin port often serves plain)."""
    scheme: str = typed(values, key, str, default, where, src)
    if scheme not in ("http", "https"):
        raise ConfigError(
            f'{src}: {where} {key} = {scheme!r} is not one the plugin speaks; use "http" or '
            '"https" (a service that serves it over TLS itself).'
        )
    return scheme


def no_nul(value: str, what: str, src: Path) -> None:
    """TOML can spell a NUL (`\\u0000`); no path, name or environment value can hold one."""
    if "\x00" in value:
        raise ConfigError(f"{src}: {what} contains a NUL character ({value!r}); remove it.")


def parsed(
    values: Mapping[str, Any],
    key: str,
    parse: Callable[[object], Any],
    default: object,
    where: str,
    src: Path,
) -> Any:
    value = values.get(key, default)
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigError(f"{src}: {where} key {key!r}: {exc}.") from None


# What `{...}` in [tool.goimage.env] may name: the one list that validation and expansion
# (engine/service.py, MinioServer.placeholders) both build on.
MINIO_PREFIX = "minio."
BUCKET_PLACEHOLDER = "bucket"
PLACEHOLDERS = (
    "minio.url",
    "minio.endpoint",
    "minio.host",
    "minio.port",
    "minio.access_key",
    "minio.secret_key",
    BUCKET_PLACEHOLDER,
)
# Dotted words in braces look like placeholders; others (`{"a": 1}`) are left alone.
_PLACEHOLDER_LIKE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_]+)?)\}")


def env_table(
    values: Mapping[str, Any],
    where: str,
    src: Path,
    known: tuple[str, ...] = PLACEHOLDERS,
    bucket: object = None,
) -> dict[str, str]:
    """`env`, with every placeholder checked now against `known` (MinIO's, and those of the
    image's dependencies): a typo must not surface minutes later as a failed bucket check.
    `bucket`: the image's `bucket` where `values` is a dependency's table (else its own)."""
    env = string_table(values, "env", where, src)
    bucket = values.get("bucket") if bucket is None else bucket
    for name, value in env.items():
        check_placeholders(value, f"env.{name}", where, src, known, bucket)
    return env


def check_placeholders(
    value: str, label: str, where: str, src: Path, known: tuple[str, ...], bucket: object
) -> None:
    """ConfigError where `value` (`label`: `env.X`, `command`) uses a placeholder that has no
    value for it: `{bucket}` without a bucket, a misspelt or undeclared one."""
    for key in _PLACEHOLDER_LIKE.findall(value):
        if key == BUCKET_PLACEHOLDER and bucket is False:
            raise ConfigError(
                f"{src}: {where} {label} uses {{bucket}}, but bucket = false here (the "
                f"image creates no bucket); write the name out in {label} instead."
            )
        if key == BUCKET_PLACEHOLDER and bucket is None:
            raise ConfigError(
                f"{src}: {where} {label} uses {{bucket}}, but no `bucket` is set; set "
                "`bucket` (the bucket the service must create) or write the name out."
            )
        if key in known:
            continue
        if key in PLACEHOLDERS:
            # MinIO's, in a dependency's table: the dependencies start beside MinIO.
            raise ConfigError(
                f"{src}: {where} {label} uses {{{key}}}, but a dependency starts at the same "
                "time as MinIO, before MinIO's address and keys are known; only the service's "
                f"env may use {{minio.*}}. Known here: {', '.join('{' + p + '}' for p in known)}."
            )
        close = difflib.get_close_matches(key, known, n=1)
        owner, _, field = key.partition(".")
        if owner.lower() != "minio" and field in ("host", "port", "endpoint"):
            # A dependency's: a misspelt name is close to a declared one's, not to MinIO's.
            owners = sorted({k.partition(".")[0] for k in known if "." in k} - {"minio"})
            near = difflib.get_close_matches(owner, owners, n=1)
            close = [f"{near[0]}.{field}"] if near and f"{near[0]}.{field}" in known else []
        if not close and owner.lower() != "minio" and field in ("host", "port", "endpoint"):
            # Trial 11: "did you mean {minio.endpoint}?" for a dependency left out.
            raise ConfigError(
                f"{src}: {where} {label} uses {{{key}}}, but {where} has no dependency "
                f"{owner!r}: none is declared by that name, or `dependencies.{owner} = false`"
                f" leaves it out for this image. Declare [tool.goimage.dependencies.{owner}]"
                f" (or take it from `compose_services`), or give this image its own "
                f"{label}."
            )
        if "." not in key and not close:
            continue  # `{name}` in a templated value, nothing like ours
        hint = f" (did you mean {{{close[0]}}}?)" if close else ""
        raise ConfigError(
            f"{src}: {where} {label} uses {{{key}}}, which is not a placeholder{hint}; "
            f"known: {', '.join('{' + p + '}' for p in known)}."
        )


# What the engine passes through as NAME=value: anything but empty, `=` and blanks.
_VARIABLE_NAME = re.compile(r"[^=\s\x00-\x1f\x7f]+")


def toml_kind(value: object) -> str:
    """What a TOML value is, for a type error that must not print it: env, build_args and a
    dependency's command hold passwords and tokens (trial 17: a mistyped `command` string
    printed its `--requirepass` value in full)."""
    kinds: tuple[tuple[type, str], ...] = (
        (bool, "a boolean"),
        (str, "a string"),
        (int, "an integer"),
        (float, "a number"),
        (list, "an array"),
        (dict, "a table"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), "a date or time")


def string_table(values: Mapping[str, Any], key: str, where: str, src: Path) -> dict[str, str]:
    table = values.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{src}: {where} key {key!r} must be a table of strings, got {toml_kind(table)}."
        )
    result: dict[str, str] = {}
    for name, value in table.items():
        if not _VARIABLE_NAME.fullmatch(name):
            raise ConfigError(
                f"{src}: {where} key {key} has the name {name!r}, which no environment "
                "variable or build argument can have: a name is not empty and holds no `=`, "
                "space or control character (`A=B = 'y'` would set A to `B=y`)."
            )
        if isinstance(value, float):
            # tomllib gives 1.2 for `1.20`: the text as written is gone (a Go version, a tag).
            # Not shown under a secret's name (`POSTGRES_PASSWORD = 4417.25`).
            shown = "*** (a number)" if looks_secret(name, str(value)) else repr(value)
            raise ConfigError(
                f"{src}: {where} key {key}.{name} is the TOML number {shown}, which does not "
                f"keep the digits as written (`1.20` reads as 1.2); quote it as you meant it: "
                f'{name} = "1.20", not {name} = 1.20.'
            )
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ConfigError(
                f"{src}: {where} key {key}.{name} must be a string, got {toml_kind(value)}."
            )
        no_nul(f"{name}={value}", f"{where} key {key}.{name}", src)
        result[str(name)] = str(value)
    return result


def baseline_path(values: Mapping[str, Any], where: str, rootdir: Path, source: Path) -> Path:
    """`baseline`: a file below rootdir. --goimage-update-baseline rewrites it, and a file
    that is not a baseline is to be deleted, so it must be one of the repository's own."""
    name: str = typed(values, "baseline", str, ".goimage-baseline.json", where, source)
    path = rootdir / name
    top = rootdir.resolve()
    # A folder inside is refused by the size check itself, naming the key (read_baseline).
    if top not in path.resolve().parents:
        raise ConfigError(
            f"{source}: {where} baseline = {name!r} is not a file below {rootdir}; the size "
            "baseline is the repository's own record, which --goimage-update-baseline "
            'rewrites: set it to a path inside the repository, such as ".goimage-baseline.json".'
        )
    return path
