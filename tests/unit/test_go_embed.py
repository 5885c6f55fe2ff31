"""`//go:embed` read as the go command reads it. Every expected file set below is what
`go list -json` (Go 1.26.8) gave as EmbedFiles for the same tree and directive."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.gofacts.built_over import built_over
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


def test_a_folder_a_stage_copies_in_before_go_build_is_built_over() -> None:
    made = built_over(parse_dockerfile(FRONTEND_BUILD))
    assert made("web/dist/index.html")
    assert made("web/dist/sub/a.js")
    # The same name elsewhere, or the package's own files, are not.
    assert not made("admin/dist/index.html")
    assert not made("web/version.txt")
    # The final stage's COPY --from=build /out/app /app writes over nothing the build reads.
    assert not made("app/templates/page.html")


# A monorepo: the module's folder copied in as the builder's working folder.
MONOREPO = """FROM node:22 AS web
WORKDIR /app
COPY frontend/ ./
RUN npm ci && npm run build

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY backend/ ./
COPY --from=web /app/dist ./web/dist
RUN go build -o /server ./cmd/api

FROM scratch
COPY --from=build /server /server
"""


def test_a_module_copied_in_from_a_subfolder_is_followed_to_its_place_in_the_builder() -> None:
    made = built_over(parse_dockerfile(MONOREPO))
    assert made("backend/web/dist/index.html")
    assert not made("backend/web/embed.go")
    assert not made("web/dist/index.html")  # not copied in at all: nothing to write over
    assert not made("server/templates/page.html")  # the final stage's binary copy


def test_a_copy_from_before_the_context_copy_is_written_over_by_it() -> None:
    """The built dist first, `COPY . .` after it: the local copy is what the build embeds."""
    made = built_over(
        parse_dockerfile(
            "FROM alpine AS web\nRUN mkdir /dist\nFROM golang AS build\nWORKDIR /src\n"
            "COPY --from=web /dist ./web/dist\nCOPY . .\nRUN go build -o /app .\n"
        )
    )
    assert not made("web/dist/index.html")


# One package, each file a shape from real repositories; which of them embed what is for the
# go command to say (`go list`), and embedded_files must agree.
PACKAGE_FILES = {
    "web/assets.go": 'package web\n\nimport "embed"\n\n//go:embed static\nvar Static embed.FS\n',
    # A generator run by `go run gen_golden.go`, never built into the binary.
    "web/gen_golden.go": '//go:build ignore\n\npackage main\n\nimport _ "embed"\n\n'
    "//go:embed golden/out.json\nvar golden []byte\n\nfunc main() {}\n",
    "web/icons_windows.go": 'package web\n\nimport _ "embed"\n\n//go:embed icons/app.ico\n'
    "var icon []byte\n",
    "web/debug.go": '//go:build dev && linux\n\npackage web\n\nimport _ "embed"\n\n'
    "//go:embed debug/panel.html\nvar panel []byte\n",
    "web/linux.go": '//go:build linux && (amd64 || arm64)\n\npackage web\n\nimport _ "embed"\n\n'
    "//go:embed linux/motd.txt\nvar motd []byte\n",
    # A code generator's template and a commented-out directive: text, not directives.
    "web/codegen.go": "package web\n\nconst template = `\n//go:embed tmpl/page.html\nvar x string\n`\n"
    "\n/*\n//go:embed tmpl/old.html\n*/\nvar _ = 1\n",
    "web/static/index.html": "<html></html>\n",
    "web/static/gen/go.mod": "module example.com/gen\n\ngo 1.22\n",  # another module
    "web/static/gen/out.bin": "x\n",
    "web/golden/out.json": "{}\n",
    "web/icons/app.ico": "x\n",
    "web/debug/panel.html": "x\n",
    "web/linux/motd.txt": "hello\n",
    "web/tmpl/page.html": "x\n",
    "web/tmpl/old.html": "x\n",
}


def test_the_files_a_package_embeds_are_the_ones_go_lists(tmp_path: Path) -> None:
    go = shutil.which("go")
    if go is None:
        pytest.skip("no Go here to ask")
    (tmp_path / "go.mod").write_text("module example.com/shop\n\ngo 1.22\n")
    for name, text in PACKAGE_FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    env = {**os.environ, "GOOS": "linux", "GOARCH": "amd64", "CGO_ENABLED": "1"}
    env |= {"GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    listed = subprocess.run(
        [go, "list", "-json", "./web"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stderr
    go_says = sorted("web/" + name for name in json.loads(listed.stdout)["EmbedFiles"])
    files = ["go.mod", *PACKAGE_FILES]
    found = embedded_files(
        [f for f in files if f.endswith(".go")], files, lambda name: PACKAGE_FILES[name]
    )
    assert go_says == ["web/linux/motd.txt", "web/static/index.html"]
    assert sorted(found) == go_says
