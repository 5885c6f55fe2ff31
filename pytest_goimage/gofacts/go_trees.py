"""The files of an image that ship with Go itself, not with the team: a Go toolchain's tree and
the modules the go command downloaded into a module cache.

A golang base image holds the Go distribution (a GOROOT, /usr/local/go), whose source carries
public test keys (src/crypto/tls/testdata/example-key.pem, src/crypto/x509/
platform_root_key.pem); a `go mod download` fills the module cache ($GOPATH/pkg/mod) with
published modules, whose test keys are public too. The secrets check leaves their findings out,
and says how many it left out. What is the team's still counts:

- a toolchain is a folder holding `VERSION`, `bin/go` and files in `src/runtime/`; only its
  `src/` is the distribution's, and only a file whose final copy comes from a layer that also
  ships that `VERSION` (a key a later COPY puts into /usr/local/go/src/app is the team's);
- a downloaded module's test fixture is a file in a `testdata/` folder of
  `<cache>/<module>@<version>/` under a folder ending in `pkg/mod`,
  whose final copy comes from a layer that also ships the module's zip (or its hash) under
  `<cache>/cache/download/`, as the go command writes both at once; a module that GOPRIVATE
  or GONOSUMDB names (in the image's ENV, or a build argument or command in its history, such
  as `go env -w GOPRIVATE=...`) is a private one, the team's own, and its keys count.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

_RUNTIME_FILE = re.compile(r"(?:(?P<root>.+)/)?src/runtime/[^/]+")
_MODULE_FILE = re.compile(
    r"(?P<cache>(?:.*?/)?pkg/mod)/(?!cache/)(?P<module>[^@]+)@(?P<version>v\d[^/]*)/."
)
_PRIVATE_NAMES = ("GOPRIVATE", "GONOSUMDB")
_PRIVATE_SETTING = re.compile(
    r"(?<![\w-])(?:GOPRIVATE|GONOSUMDB)=(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"';&|]+))"
)
_MOST_PLACES = 4
_MODULE_OWNER = " (a downloaded module)"


def toolchain_roots(present: Iterable[str]) -> list[str]:
    """The folders of `present` (paths without a leading /) holding a Go toolchain: `VERSION`,
    `bin/go` and a file in `src/runtime/` ("" for one at the image's root)."""
    paths = set(present)
    roots: set[str] = set()
    for path in paths:
        match = _RUNTIME_FILE.fullmatch(path) if "src/runtime/" in path else None
        if match:
            prefix = f"{match['root']}/" if match["root"] else ""
            if f"{prefix}VERSION" in paths and f"{prefix}bin/go" in paths:
                roots.add(match["root"] or "")
    return sorted(roots)


def private_patterns(env: Mapping[str, str], history: Iterable[str]) -> tuple[str, ...]:
    """The module path patterns GOPRIVATE and GONOSUMDB hold, from the image's ENV and from
    the build arguments and commands its history records."""
    values = [env[name] for name in _PRIVATE_NAMES if name in env]
    for line in history:
        values += [m["dq"] or m["sq"] or m["bare"] or "" for m in _PRIVATE_SETTING.finditer(line)]
    patterns = (glob.strip().removesuffix("/") for value in values for glob in value.split(","))
    return tuple(dict.fromkeys(p for p in patterns if p))


def matches_private(module: str, patterns: Iterable[str]) -> bool:
    """Whether `module` (a module path) is one that `patterns` name, as the go command matches
    GOPRIVATE: a pattern matches the path's first elements, as many as it has."""
    for pattern in patterns:
        elements = pattern.count("/") + 1
        parts = module.split("/")
        if len(parts) >= elements and fnmatchcase("/".join(parts[:elements]), pattern):
            return True
    return False


def _unescaped(module: str) -> str:
    """A module path as the module cache spells it (`github.com/!burnt!sushi/toml`) as written."""
    return re.sub(r"!([a-z])", lambda m: m[1].upper(), module)


@dataclass(frozen=True)
class GoTrees:
    """Where an image holds Go's own files, and which layer shipped each file."""

    layers: list[dict[str, int]]  # per layer, oldest first: path -> size (-1 for whiteouts)
    roots: tuple[str, ...]
    private: tuple[str, ...]

    @classmethod
    def of(
        cls,
        layers: list[dict[str, int]],
        present: Iterable[str],
        env: Mapping[str, str],
        history: Iterable[str],
    ) -> GoTrees:
        return cls(layers, tuple(toolchain_roots(present)), private_patterns(env, history))

    def _final_layer(self, path: str) -> dict[str, int]:
        """The layer whose copy of `path` the image shows."""
        return next((files for files in reversed(self.layers) if files.get(path, -1) >= 0), {})

    def owner(self, path: str) -> str | None:
        """Which part of Go ships `path` ("/usr/local/go/src (the Go toolchain's source)",
        "/go/pkg/mod/golang.org/x/crypto@v0.31.0 (a downloaded module)"), or None when the
        file is the team's."""
        shipped = self._final_layer(path)
        for root in self.roots:
            prefix = f"{root}/" if root else ""
            if path.startswith(f"{prefix}src/") and shipped.get(f"{prefix}VERSION", -1) >= 0:
                return f"/{prefix}src (the Go toolchain's source)"
        match = _MODULE_FILE.match(path)
        # Only a module's test fixtures: a key elsewhere in a module may be a private one's
        # real key, fetched through a proxy or copied from a builder's cache, which GOPRIVATE
        # need not name.
        inside = path[match.end("version") :] if match else ""
        if not match or "/testdata/" not in inside:
            return None
        if matches_private(_unescaped(match["module"]), self.private):
            return None
        record = f"{match['cache']}/cache/download/{match['module']}/@v/{match['version']}"
        if any(shipped.get(f"{record}{ext}", -1) >= 0 for ext in (".zip", ".ziphash")):
            return f"/{match['cache']}/{match['module']}@{match['version']}{_MODULE_OWNER}"
        return None


def left_out_note(owners: Iterable[str]) -> str:
    """What the secrets check left out, by the part of Go that ships it, most first."""
    counted = Counter(owners).most_common()
    if not counted:
        return ""
    places = [f"{count} in {owner}" for owner, count in counted[:_MOST_PLACES]]
    if len(counted) > _MOST_PLACES:
        places.append(f"{len(counted) - _MOST_PLACES} more place(s)")
    total = sum(count for _, count in counted)
    hint = (
        "; a module's testdata/ counts once GOPRIVATE or GONOSUMDB names the module"
        if any(owner.endswith(_MODULE_OWNER) for owner, _ in counted)
        else ""
    )
    return (
        f"Left out {total} secret-looking file(s) that ship with Go, not with the team: "
        f"{', '.join(places)}{hint}"
    )
