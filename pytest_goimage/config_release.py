"""The release-gate settings: the `metadata` policy, `require_provenance`, `parity_ignore`,
`secrets_ignore`, and the `{git.head}` placeholder of `build_args` (the repository's HEAD
commit, resolved here once)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config_keys import did_you_mean, no_nul, reject_unknown, typed
from .errors import ConfigError
from .gofacts.git_head import Heads, NoRepository

# What `{...}` in build_args may name: one list, as PLACEHOLDERS is env's.
GIT_HEAD = "git.head"
BUILD_ARG_PLACEHOLDERS = (GIT_HEAD,)
_BUILD_ARG_PLACEHOLDER = re.compile(r"\{(git\.[A-Za-z_.-]*)\}")

NON_ROOT = "non-root"
METADATA_KEYS = frozenset(
    {
        "labels",
        "expose",
        "user",
        "healthcheck",
        "entrypoint",
        "cmd",
        "workdir",
        "env_required",
        "env_forbidden",
    }
)
# The build facts parity compares, as `parity_ignore` names them: gofacts.parity.FACTS, spelled
# out here so that reading the configuration imports no comparison code (a test keeps them equal).
PARITY_FIELDS = ("go", "CGO_ENABLED", "GOOS", "GOARCH", "-trimpath", "-tags", "-ldflags", "modules")


@dataclass(frozen=True)
class MetadataPolicy:
    """What the image config must say; None (or empty) checks nothing."""

    labels: tuple[tuple[str, str | None], ...] = ()  # name, and a regex its value must match
    expose: tuple[str, ...] | None = None  # exactly these ports ("8080/tcp")
    user: str | None = None  # NON_ROOT, or the exact USER
    healthcheck: bool = False  # a HEALTHCHECK must be set
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    workdir: str | None = None
    env_required: tuple[str, ...] = ()
    env_forbidden: tuple[str, ...] = ()

    @property
    def declared(self) -> bool:
        """Whether the policy asks anything at all (the default asks nothing)."""
        return self != MetadataPolicy()


def metadata_policy(values: Mapping[str, Any], where: str, src: Path) -> MetadataPolicy:
    """`metadata = { ... }` (or `[tool.goimage.metadata]`), validated."""
    table = values.get("metadata", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{src}: {where} key 'metadata' must be a table such as "
            f'{{ labels = ["org.opencontainers.image.revision"], user = "non-root" }}, got '
            f"{table!r}."
        )
    here = f"{where} metadata"
    reject_unknown(table, METADATA_KEYS, here, src)
    user = typed(table, "user", str, None, here, src)
    if user == "":
        raise ConfigError(
            f'{src}: {here} user = "" names no user; use "{NON_ROOT}" or a user such as '
            '"65532:65532".'
        )
    return MetadataPolicy(
        labels=_labels(table.get("labels", []), here, src),
        expose=_ports(table["expose"], here, src) if "expose" in table else None,
        user=user,
        healthcheck=typed(table, "healthcheck", bool, False, here, src),
        entrypoint=_words(table, "entrypoint", here, src),
        cmd=_words(table, "cmd", here, src),
        workdir=typed(table, "workdir", str, None, here, src),
        env_required=_words(table, "env_required", here, src) or (),
        env_forbidden=_words(table, "env_forbidden", here, src) or (),
    )


def _labels(labels: object, where: str, src: Path) -> tuple[tuple[str, str | None], ...]:
    """A list of required names, or a table of name -> regex the value must match whole."""
    if isinstance(labels, list) and all(isinstance(name, str) and name for name in labels):
        return tuple((name, None) for name in labels)
    if not isinstance(labels, dict) or not all(isinstance(v, str) for v in labels.values()):
        raise ConfigError(
            f"{src}: {where} key 'labels' must be a list of label names or a table of name = "
            f'"regex" (the value must match whole), got {labels!r}.'
        )
    for name, pattern in labels.items():
        no_nul(pattern, f"{where} labels.{name}", src)
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{src}: {where} labels.{name} = {pattern!r} is not a regular expression "
                f"({exc}); fix it, or list the label by name to require it only."
            ) from None
    return tuple((str(name), pattern) for name, pattern in labels.items())


def _ports(ports: object, where: str, src: Path) -> tuple[str, ...]:
    """`[8080, "9090/udp"]` -> ("8080/tcp", "9090/udp"), as the image config names them."""
    if not isinstance(ports, list):
        raise ConfigError(
            f"{src}: {where} key 'expose' must be a list of ports such as [8080, \"9090/udp\"], "
            f"got {ports!r}."
        )
    found: list[str] = []
    for port in ports:
        text = str(port) if isinstance(port, int) and not isinstance(port, bool) else port
        match = re.fullmatch(
            r"(\d{1,5})(?:/(tcp|udp|sctp))?", text if isinstance(text, str) else ""
        )
        if match is None or not 0 < int(match.group(1)) < 65536:
            raise ConfigError(
                f"{src}: {where} expose entry {port!r} is not a port; write 8080 or "
                '"8080/tcp" (or /udp, /sctp).'
            )
        found.append(f"{int(match.group(1))}/{match.group(2) or 'tcp'}")
    return tuple(sorted(found))


def _words(table: Mapping[str, Any], key: str, where: str, src: Path) -> tuple[str, ...] | None:
    if key not in table:
        return None
    words = table[key]
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise ConfigError(f"{src}: {where} key {key!r} must be a list of strings, got {words!r}.")
    for word in words:
        no_nul(word, f"{where} key {key!r}", src)
    return tuple(words)


def parity_ignore(table: Mapping[str, Any], where: str, src: Path) -> tuple[str, ...]:
    """`parity_ignore`: the build facts whose differences between images are on purpose."""
    entries = table.get("parity_ignore", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        raise ConfigError(
            f"{src}: {where} key 'parity_ignore' must be a list of build facts such as "
            f'["-ldflags"], got {entries!r}; known: {", ".join(PARITY_FIELDS)}.'
        )
    for entry in entries:
        if entry not in PARITY_FIELDS:
            hint = did_you_mean(entry, PARITY_FIELDS)
            raise ConfigError(
                f"{src}: {where} parity_ignore entry {entry!r} is not a build fact parity "
                f"compares{hint}; known: {', '.join(PARITY_FIELDS)}."
            )
    return tuple(entries)


def secrets_ignore(values: Mapping[str, Any], where: str, src: Path) -> tuple[str, ...]:
    """`secrets_ignore`: the paths (`/etc/fail2ban/**`) and names (`SENTRY_DSN`) of findings the
    team accepts. An entry of wildcards alone would accept everything: that is `secrets =
    false`, and saying so keeps the report honest about what was checked."""
    entries = values.get("secrets_ignore", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) and e for e in entries):
        raise ConfigError(
            f"{src}: {where} key 'secrets_ignore' must be a list of file paths in the image and "
            f'names, such as ["/etc/fail2ban/**", "SENTRY_DSN"], got {entries!r}.'
        )
    for entry in entries:
        no_nul(entry, f"{where} secrets_ignore entry", src)
        if not entry.strip("*?/"):
            raise ConfigError(
                f"{src}: {where} secrets_ignore entry {entry!r} accepts every finding; name the "
                "files or variables you accept, or set `secrets = false` to switch the check off."
            )
    return tuple(entries)


def expand_build_args(
    build_args: dict[str, str], context: Path, where: str, src: Path, heads: Heads
) -> dict[str, str]:
    """`build_args` with `{git.head}` replaced by the HEAD commit of the repository holding the
    build `context` (a submodule's own, which is what `provenance` compares with). Outside a git work tree (a source tarball) it is the empty string: the build
    still runs, an empty revision label records nothing, and `provenance` says why."""
    commit: str | None = None
    expanded: dict[str, str] = {}
    for name, value in build_args.items():
        for key in _BUILD_ARG_PLACEHOLDER.findall(value):
            if key in BUILD_ARG_PLACEHOLDERS:
                continue
            close = difflib.get_close_matches(key, BUILD_ARG_PLACEHOLDERS, n=1)
            hint = f" (did you mean {{{close[0]}}}?)" if close else ""
            raise ConfigError(
                f"{src}: {where} build_args.{name} uses {{{key}}}, which is not a build "
                f"argument placeholder{hint}; known: {{{GIT_HEAD}}}."
            )
        if "{" + GIT_HEAD + "}" in value:
            if commit is None:
                try:
                    commit = heads.of(context).commit
                except NoRepository:
                    commit = ""
            value = value.replace("{" + GIT_HEAD + "}", commit)
        expanded[name] = value
    return expanded
