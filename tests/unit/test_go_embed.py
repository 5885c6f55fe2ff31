"""`//go:embed` read as the go command reads it. Every expected file set below is what
`go list -json` (Go 1.26.8) gave as EmbedFiles for the same tree and directive."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.context_sources import stage_copy_destinations, written_over
from pytest_goimage.gofacts.dockerfile import parse_dockerfile
from pytest_goimage.gofacts.go_embed import Embed, embedded_files, embeds_in

# A package web/ beside a built frontend, as a single-page app's repository has it.
TREE = [
    "go.mod",
    "cmd/main.go",
    "web/web.go",
    "web/version.txt",
    "web/my file.txt",
    "web/dist/index.html",
    "web/dist/.hidden",
    "web/dist/_under",
    "web/dist/sub/a.js",
    "web/dist/sub/.h",
    "web/dist/_priv/x",
]


def _embedded(directive: str, tree: list[str] = TREE) -> list[str]:
    source = f'package web\n\nimport "embed"\n\n{directive}\nvar F embed.FS\n'
    found = embedded_files(["web/web.go"], tree, lambda path: source)
    return sorted(path.removeprefix("web/") for path in found)


@pytest.mark.parametrize(
    ("directive", "go_lists"),
    [
        # A folder: its tree, less names starting with . or _ at any depth below it.
        ("//go:embed dist", ["dist/index.html", "dist/sub/a.js"]),
        # all: keeps them.
        (
            "//go:embed all:dist",
            [
                "dist/.hidden",
                "dist/_priv/x",
                "dist/_under",
                "dist/index.html",
                "dist/sub/.h",
                "dist/sub/a.js",
            ],
        ),
        # A name a glob matches itself is embedded whatever it starts with; below a folder it
        # matches, the hidden names are left out again.
        (
            "//go:embed dist/*",
            ["dist/.hidden", "dist/_priv/x", "dist/_under", "dist/index.html", "dist/sub/a.js"],
        ),
        ("//go:embed d?st/sub/[^b]*.js", ["dist/sub/a.js"]),
        (
            "//go:embed *",
            ["dist/index.html", "dist/sub/a.js", "my file.txt", "version.txt", "web.go"],
        ),
        ("//go:embed dist/sub", ["dist/sub/a.js"]),
        ('//go:embed "my file.txt"', ["my file.txt"]),
        ("//go:embed `my file.txt` version.txt", ["my file.txt", "version.txt"]),
        # Indented, as gofmt leaves a directive inside a var block.
        ("\t//go:embed version.txt", ["version.txt"]),
        # Not a directive: a space after //, or another word.
        ("// go:embed dist", []),
        ("//go:embedded dist", []),
    ],
)
def test_the_files_a_directive_embeds_are_the_ones_go_lists(
    directive: str, go_lists: list[str]
) -> None:
    assert _embedded(directive) == go_lists


def test_directives_are_read_with_their_line_and_prefix() -> None:
    text = (
        'package assets\n\nimport "embed"\n\nvar (\n'
        "\t//go:embed migrations/*.sql\n\tMigrations embed.FS\n\n"
        "\t//go:embed all:templates static\n\tFiles embed.FS\n)\n"
        '//go:embed "bad\\q"\nvar Bad string\n'  # an invalid escape: go refuses it
    )
    assert embeds_in("internal/assets/assets.go", text) == [
        Embed("internal/assets/assets.go", 6, "migrations/*.sql", keeps_hidden=False),
        Embed("internal/assets/assets.go", 9, "templates", keeps_hidden=True),
        Embed("internal/assets/assets.go", 9, "static", keeps_hidden=False),
    ]
    assert embeds_in("a.go", text)[1].where() == "a.go:9 (//go:embed all:templates)"


def test_only_the_package_folder_of_the_directive_counts() -> None:
    tree = ["web/web.go", "web/dist/index.html", "admin/dist/index.html"]
    assert _embedded("//go:embed dist", tree) == ["dist/index.html"]


def test_a_test_files_embeds_are_not_the_images() -> None:
    found = embedded_files(
        ["web/web_test.go"],
        ["web/web_test.go", "web/testdata/golden.json"],
        lambda path: "package web\n\n//go:embed testdata\nvar golden embed.FS\n",
    )
    assert found == {}


def test_an_unreadable_go_file_embeds_nothing() -> None:
    assert embedded_files(["web/web.go"], TREE, lambda path: None) == {}


FRONTEND_BUILD = """\
FROM node:22 AS web
WORKDIR /app
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
WORKDIR /src/web
COPY --from=web /app/dist ./dist
WORKDIR /src
RUN go build -o /out/app ./cmd

FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
"""


def test_a_folder_a_stage_copies_in_is_written_over() -> None:
    destinations = stage_copy_destinations(parse_dockerfile(FRONTEND_BUILD))
    assert destinations == ["/src/web/dist", "/app"]
    assert written_over(destinations, "web/dist/index.html")
    assert written_over(destinations, "web/dist/sub/a.js")
    # The same name elsewhere, or the package's own files, are not.
    assert not written_over(destinations, "admin/dist/index.html")
    assert not written_over(destinations, "web/version.txt")
    assert not written_over(destinations, "dist")
