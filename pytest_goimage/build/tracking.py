"""Which Go build inputs of a build context git does not track, and the rule that hides each.

A clean CI checkout only has tracked files, so an ignored Go package builds on a laptop and
fails in CI ("package .../storage is not in std"). This finds that before any build.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..gofacts.built_over import built_over
from ..gofacts.context_sources import context_sources, takes
from ..gofacts.dockerfile import Dockerfile, read_dockerfile
from ..gofacts.git_head import NoRepository, top_level
from ..gofacts.go_embed import Embed, embedded_files
from .context import context_files
from .go_test_failure import MAY_RUN_TESTS


@dataclass(frozen=True)
class UntrackedInput:
    path: str  # relative to the repository root
    rule: str | None  # "backend/.gitignore:3: storage/" when ignored, None when just untracked
    embedded_by: Embed | None = None  # a file `//go:embed` takes, not a Go source
    submodule: str | None = None  # the submodule (its path) that holds it, which must track it

    def describe(self) -> str:
        if self.rule:
            text = f"{self.path} is ignored by git ({self.rule})"
        else:
            text = f"{self.path} is not tracked by git (never added)"
        return text + self.embedding()

    def embedding(self) -> str:
        return f", embedded by {self.embedded_by.where()}" if self.embedded_by else ""


def is_build_input(path: str) -> bool:
    """Go sources, module files and anything vendored: what `go build` reads."""
    name = path.rsplit("/", 1)[-1]
    return (
        path.endswith(".go")
        or name in ("go.mod", "go.sum", "go.work", "go.work.sum")
        or path.startswith("vendor/")
        or "/vendor/" in path
    )


def untracked_inputs(context: Path, dockerfile: Path | None) -> list[UntrackedInput]:
    """Go build inputs the context sends (after its ignore file) that git does not track: Go
    sources, module files, vendor/, and the files a `//go:embed` takes. Raises NoRepository
    outside a work tree (GitRefused where git will not read it)."""
    root = top_level(context)
    files = context_files(context, dockerfile)
    sent = [p for p in files if is_build_input(p)]
    parsed = read_dockerfile(dockerfile)[1] if dockerfile is not None else None
    if parsed is not None:
        sent = read_by_the_build(sent, parsed)
    if not sent:
        return []
    prefix = context.resolve().relative_to(root).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    # A submodule's files are tracked by the submodule; a clean checkout has them too.
    tracked = set(_git_lines(root, ["ls-files", "-z", "--recurse-submodules", "--", prefix or "."]))
    # The Go files that may embed: tracked ones git grep finds (it reads thousands of files
    # in a fraction of the time Python takes), and untracked ones.
    embedding = {
        name.removeprefix(prefix)
        for name in _git_lines(root, ["grep", "-l", "-z", "-F", "//go:embed", "--", prefix or "."])
    }
    embedding |= {p for p in sent if p.endswith(".go") and prefix + p not in tracked}
    go_files = [p for p in sent if p in embedding and p.endswith(".go") and not _vendored(p)]
    embedded = _embedded(context, parsed, go_files, files)
    inputs = {p: None for p in sent} | {p: embed for p, embed in embedded.items()}
    candidates = {prefix + p: embed for p, embed in inputs.items() if (context / p).is_file()}
    missing = [p for p in candidates if p not in tracked]
    if not missing:
        return []
    rules = _ignore_rules(root, missing)
    submodules = _submodules(root, prefix)
    return [
        UntrackedInput(path, rules.get(path), candidates[path], _holder(path, submodules))
        for path in missing
    ]


def _submodules(root: Path, prefix: str) -> list[str]:
    """The submodules below `prefix`: the index's gitlinks (mode 160000)."""
    entries = _git_lines(root, ["ls-files", "-z", "-s", "--", prefix or "."])
    return [entry.split("\t", 1)[1] for entry in entries if entry.startswith("160000 ")]


def _holder(path: str, submodules: list[str]) -> str | None:
    return next((sub for sub in submodules if path.startswith(sub + "/")), None)


def read_by_the_build(sent: list[str], parsed: Dockerfile) -> list[str]:
    """The inputs a stage of the Dockerfile copies or bind-mounts (a file the context sends
    but no COPY takes never reaches a build), less the `_test.go` files where no RUN may run
    tests or a linter (`MAY_RUN_TESTS`): `go build` never compiles them."""
    sources = context_sources(parsed)
    tests = any(i.keyword == "RUN" and MAY_RUN_TESTS.search(i.text) for i in parsed.instructions)
    return [p for p in sent if takes(sources, p) and (tests or not p.endswith("_test.go"))]


def _embedded(
    context: Path, parsed: Dockerfile | None, go_files: list[str], files: list[str]
) -> dict[str, Embed]:
    """The sent files the Go files embed, less those a `COPY --from` writes over (a built
    frontend's `dist`): the build makes those itself, so CI needs no copy in git."""
    embedded = embedded_files(go_files, files, lambda p: _read(context / p))
    if not embedded or parsed is None:
        return embedded
    made = built_over(parsed)
    return {p: e for p, e in embedded.items() if not made(p)}


def _vendored(path: str) -> bool:
    return path.startswith("vendor/") or "/vendor/" in path


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def ignore_rule_for(path: Path) -> str | None:
    """The ignore rule hiding `path` (a file or directory), as `file:line: pattern`."""
    existing = next((p for p in (path, *path.parents) if p.is_dir()), None)
    if existing is None:
        return None
    try:
        # The path may not exist at all (a clean checkout without the ignored package).
        root = top_level(existing)
    except NoRepository:
        return None
    rel = path.resolve().relative_to(root).as_posix()
    return _ignore_rules(root, [rel]).get(rel)


def _git_lines(root: Path, args: list[str]) -> list[str]:
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    return [item.decode("utf-8", "replace") for item in result.stdout.split(b"\0") if item]


def _ignore_rules(root: Path, paths: list[str]) -> dict[str, str]:
    """`git check-ignore -v` for many paths at once: path -> "source:line: pattern"."""
    result = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "-v", "-z", "--no-index", "--stdin"],
        input=b"\0".join(p.encode() for p in paths) + b"\0",
        capture_output=True,
        check=False,
    )
    fields = [f.decode("utf-8", "replace") for f in result.stdout.split(b"\0")]
    rules: dict[str, str] = {}
    # -z -v output: source, line, pattern, path, repeated.
    for index in range(0, len(fields) - 3, 4):
        source, line, pattern, path = fields[index : index + 4]
        if source and not pattern.startswith("!"):
            rules[path] = f"{source}:{line}: {pattern}"
    return rules
