""".dockerignore applied as BuildKit applies it (build/dockerignore.py): what a context sends,
against BuildKit's own code (tonistiigi/fsutil's walk with moby/patternmatcher's ignore file
reader, built from tests/oracles/fsutil_walk) on the shapes real repositories use."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_goimage.build.context import context_files, excluding_rule
from pytest_goimage.build.dockerignore import ContextFilter, IgnorePatternError, read_rules
from pytest_goimage.errors import BuildFailed

FILES = [
    "go.mod",
    "go.sum",
    "main.go",
    "cmd/api/main.go",
    "internal/store/s.go",
    "internal/store/s_test.go",
    "README.md",
    "docs/x.md",
    "docs/deep/y.md",
    "CMDX",
    "vendor/a/b.go",
    "node_modules/p/i.js",
    ".git/HEAD",
    ".env",
    "build/out.bin",
    "a.b",
    "web/dist/app.js",
    "web/src/app.ts",
    "Makefile",
    "Dockerfile",
    "a$",
    "b.txt",
    "c.mdx",
    "a" * 40,
    "z9",
]

# Ignore files in the shapes repositories write them (allow-lists, folders, exceptions, globs),
# and the corners of the format (cleaning, a BOM, comments, escapes).
SHAPES = {
    "allow-list by extension": "*\n!**/*.go\n!go.mod\n!go.sum\n",
    "allow-list of folders": "*\n!cmd\n!internal\n!go.*\n!main.go\n",
    "allow-list with a folder glob": "*\n!cmd/*/main.go\n!go.mod\n",
    "allow-list, then a file out again": "*\n!internal\ninternal/store/s_test.go\n",
    "names are case-sensitive": "CMD\nreadme.md\n",
    "folders": ".git\nnode_modules\nbuild/\ndocs\n",
    "markdown but the readme": "**/*.md\n!README.md\n",
    "leading slashes": "/docs\n/vendor/**\n",
    "comment only at the line start": "  # not a comment\n#docs\n",
    "every folder": "*/\n",
    "a file back from an excluded folder": "docs\n!docs/deep/y.md\n",
    "a folder back from an excluded one": "web/*\n!web/src\n",
    "test files": "**/*_test.go\n",
    "question marks": "a?b\n?ain.go\n",
    "dot files but .git": ".*\n!.git\n",
    "an exception that names a subfolder": "vendor\n!vendor/a\n",
    "double star in the middle": "docs/**/y.md\n",
    "star folder, then an exception": "*/*.md\n!docs/deep\n",
    "the dot": ".\n",
    "an escaped dot": "a\\.b\n",
    "a character class": "[mc]ain.go\n",
    "an exception with a trailing glob": "web\n!web/src/**\n",
    "dot-dot cleaned": "./docs/../build\n!./build/out.bin\n",
    "a byte order mark": "\ufeffdocs\n",
    "spaces around": "   docs   \n!  docs/x.md\n",
    "an exception with a wildcard folder": "internal\n!internal/*/s.go\n",
    "a name anywhere": "**/main.go\n",
    "everything": "*\n",
    "everything, then everything back": "*\n!*\n",
    "double star, then a folder back": "**\n!cmd/**\n",
    "spaces that cleaning exposes": "build /\n/ docs\n./ vendor\n",
    "a bad class after a star that cannot match": "web*[-_]old\nMakefile\n",
    "control and unicode separators are text": "a.b\x1c\nmain.go\u2028x\n",
    "classes of brackets and wildcards": "*.[*]\n[?]\n[[]\n",
    "windows line endings": "docs\r\nvendor\r\n",
    "a digit class is ASCII": "a\\.\\d\n",
    # BuildKit's escaping leaves `|`, `{`, `}` to the expression: an unanchored alternation.
    "a bar is an alternation": "*.md|*.txt\n?{2}\n",
    # Never reached by Go's validation; its regular expression ends in a literal `$`.
    "a backslash at the end after a star": "a*\\\n",
    # RE2's syntax, as Go's regexp reads it: a POSIX class, an ASCII digit class.
    "a POSIX class and a digit escape": "[[:upper:]]*\n[a-z]\\d*\n",
    # Linear-time matching: Python's re backtracks for minutes on this against the long name.
    "many stars that cannot match": "*a*a*a*a*a*a*a*a*a*a*a*a*b\n",
}


def make_context(root: Path, ignore: str) -> Path:
    for name in FILES:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
    (root / ".dockerignore").write_text(ignore, encoding="utf-8")
    return root


@pytest.fixture
def buildkit_walk(oracle: Callable[[str], Path]) -> Path:
    """BuildKit's context walk as a program."""
    return oracle("fsutil_walk")


@pytest.mark.parametrize("ignore", list(SHAPES.values()), ids=list(SHAPES))
def test_a_context_sends_what_buildkit_sends(
    buildkit_walk: Path, tmp_path: Path, ignore: str
) -> None:
    context = make_context(tmp_path, ignore)
    walked = subprocess.run(
        [str(buildkit_walk), str(context), str(context / ".dockerignore")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")[:-1]
    assert ContextFilter(tuple(read_rules(ignore))).sent(context) == walked


def test_an_allow_list_by_extension_sends_the_go_files_in_every_folder(tmp_path: Path) -> None:
    """docker-py's matcher (the one used before) never entered `cmd/`: an exception must start
    with the folder's path for it to look inside, and `**/*.go` does not."""
    context = make_context(tmp_path, SHAPES["allow-list by extension"])
    assert context_files(context, context / "Dockerfile") == [
        ".dockerignore",  # kept, as the docker CLI keeps it: BuildKit reads it from the context
        "Dockerfile",  # likewise
        "cmd",
        "cmd/api",
        "cmd/api/main.go",
        "go.mod",
        "go.sum",
        "internal",
        "internal/store",
        "internal/store/s.go",
        "internal/store/s_test.go",
        "main.go",
        "vendor",
        "vendor/a",
        "vendor/a/b.go",
    ]


def test_a_pattern_matches_names_case_sensitively(tmp_path: Path) -> None:
    context = make_context(tmp_path, "CMD\n")
    assert "cmd/api/main.go" in context_files(context, context / "Dockerfile")
    assert "CMDX" in context_files(context, context / "Dockerfile")


@pytest.mark.parametrize(
    ("relpath", "rule"),
    [
        ("docs/x.md", ".dockerignore:2: docs"),
        ("docs/deep/y.md", None),  # excepted on line 3
        ("web/dist/app.js", ".dockerignore:4: web/*"),
        ("web/src/app.ts", None),
        ("main.go", None),
    ],
)
def test_the_rule_that_keeps_a_file_out_is_named_with_its_line(
    tmp_path: Path, relpath: str, rule: str | None
) -> None:
    context = make_context(tmp_path, "# docs\ndocs\n!docs/deep/y.md\nweb/*\n!web/src\n")
    assert excluding_rule(context, context / "Dockerfile", relpath) == rule


@pytest.mark.parametrize(
    ("ignore", "reason"),
    [
        ("docs\n!\n", "line 2: `!` excepts nothing"),
        ("docs\\\n", "line 1: `docs\\` is not a valid pattern"),
        ("[abc\n", "line 1: `[abc` is not a valid pattern"),
    ],
)
def test_a_pattern_buildkit_refuses_is_a_build_failure_naming_the_file_and_line(
    tmp_path: Path, ignore: str, reason: str
) -> None:
    context = make_context(tmp_path, ignore)
    with pytest.raises(IgnorePatternError) as refused:
        read_rules(ignore)
    assert str(refused.value).startswith(reason), refused.value
    with pytest.raises(BuildFailed) as failed:
        context_files(context, context / "Dockerfile")
    message = str(failed.value)
    assert message.startswith(f"{context / '.dockerignore'}: {reason}"), message
    assert message.endswith("BuildKit refuses to build with it. Fix or remove that line.")


@pytest.mark.parametrize(
    "pattern",
    [
        *("[abc", "[]a]", "[-a]", "a[^b]c", "[a-]", "[a-z]x", "[\\]]", "a\\[b", "[^]", "[x"),
        *("!", "x\\", "web*[-_]old", "[a-b-c]", "!/", "! /", "!//", "*[a-", "a*b[", "**[-]"),
        "*\na*b[",  # never evaluated: `*` took every path, so the walk never compiles it
        "a*{2}",  # refused by the regular expression, when the walk first reaches it
        *("\\Z", "a\\u0041", "\\z", "\\pL*", "\\QA\\E"),  # RE2's escapes, not Python's
        *("x" * 65535, "x" * 65536),  # the longest line BuildKit's scanner reads, and one more
    ],
)
def test_a_pattern_is_refused_exactly_when_buildkit_refuses_it(
    buildkit_walk: Path, tmp_path: Path, pattern: str
) -> None:
    context = make_context(tmp_path, pattern + "\n")
    walked = subprocess.run(
        [str(buildkit_walk), str(context), str(context / ".dockerignore")],
        capture_output=True,
        text=True,
    )
    # Refused when the file is read, or when the walk first evaluates the pattern.
    refusals = ("invalid excludepatterns", "failed to match excludepatterns", "token too long")
    # 1: the walk refused; 2: reading the file did.
    buildkit_refuses = walked.returncode in (1, 2) and any(why in walked.stderr for why in refusals)
    assert buildkit_refuses or walked.returncode == 0, walked.stderr
    try:
        context_files(context, context / "Dockerfile")
    except BuildFailed:
        refused = True
    else:
        refused = False
    assert refused == buildkit_refuses, walked.stderr


def test_a_rule_the_walk_never_reaches_names_no_exclusion_and_refuses_nothing(
    tmp_path: Path,
) -> None:
    """`a*b[` would not compile, but `*` decides every path first: BuildKit builds."""
    context = make_context(tmp_path, "*\na*b[\n")
    assert excluding_rule(context, context / "Dockerfile", "main.go") == ".dockerignore:1: *"
