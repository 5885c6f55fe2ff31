"""setup-go `go-version-file` pins followed into a real checkout (gofacts/workflows/
version_files.py): the module's own go.mod, another module's go.mod, go.work, .go-version and
.tool-versions, and the files that cannot be followed, each with the note a user reads."""

from __future__ import annotations

from pathlib import Path

from pytest_goimage.gofacts.versions import SOURCE_SETUP_GO_FILE, Pin
from pytest_goimage.gofacts.workflows.version_files import follow_go_version_files

NOT_UTF8 = (
    "not UTF-8 text (byte 0xff at offset 0), and Docker, Go and GitHub Actions read this file "
    "as UTF-8. Save it as UTF-8, or check that it is the file you meant."
)
FILES: dict[str, bytes | None] = {
    "go.mod": b"module m\ngo 1.22\n",
    "other/go.mod": b"module o\ngo 1.21.3\ntoolchain go1.22.1\n",
    "go.work": b"go 1.23\n",
    "bad/go.mod": b"module b\n",
    ".go-version": b"1.22.5\n",
    "x/.tool-versions": b"nodejs 20\n  golang 1.21.x # pinned\n",
    "y/.tool-versions": b"nodejs 20\n",
    "z/.go-version": b"\xff\xfe",
    "w/go.work": b"\xff",
    "folder/.go-version": None,  # a folder where a file is expected
}
FOLLOWED = [
    ("go.mod", "None", "", False),
    (
        "other/go.mod",
        "1.22.1",
        "follows other/go.mod, another module's go.mod, which requires Go 1.22.1",
        False,
    ),
    ("go.work", "1.23", "follows go.work, a workspace file, which requires Go 1.23", False),
    (
        "bad/go.mod",
        "None",
        "follows bad/go.mod, another module's go.mod, which has no `go` line setup-go can read, "
        "so it installs no Go and the job uses whatever Go the runner has",
        True,
    ),
    (".go-version", "1.22.5", "follows .go-version, which names '1.22.5'", False),
    ("x/.tool-versions", "1.21", "follows x/.tool-versions:2, which names '1.21.x'", False),
    (
        "y/.tool-versions",
        "None",
        "follows y/.tool-versions, which has no `golang <version>` line: not checked",
        True,
    ),
    (
        "missing/.go-version",
        "None",
        "follows missing/.go-version, which does not exist in this checkout: not checked",
        True,
    ),
    (
        "folder/.go-version",
        "None",
        "follows folder/.go-version, which does not exist in this checkout: not checked",
        True,
    ),
    ("z/.go-version", "None", f"follows z/.go-version: {NOT_UTF8}", True),
    ("w/go.work", "None", f"follows w/go.work: {NOT_UTF8}", True),
    ("", "None", "", False),
]


def test_each_version_file_is_followed_as_setup_go_reads_it(tmp_path: Path) -> None:
    for name, data in FILES.items():
        path = tmp_path / name
        if data is None:
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    pins = [
        Pin(".github/workflows/ci.yml", 9, SOURCE_SETUP_GO_FILE, target, None, resolved=target)
        for target, *_ in FOLLOWED
    ]
    followed = follow_go_version_files(pins, tmp_path, tmp_path / "go.mod")
    assert [(p.resolved, str(p.version), p.note, p.unpinned) for p in followed] == FOLLOWED


def test_a_stable_alias_in_a_version_file_says_what_it_cannot_pin(tmp_path: Path) -> None:
    (tmp_path / ".go-version").write_text("stable\n")
    pin = Pin("ci.yml", 9, SOURCE_SETUP_GO_FILE, ".go-version", None, resolved=".go-version")
    (followed,) = follow_go_version_files([pin], tmp_path, tmp_path / "go.mod")
    assert (followed.version, followed.note, followed.unpinned) == (
        None,
        "follows .go-version, which names 'stable'; 'stable' floats with Go releases",
        True,
    )
