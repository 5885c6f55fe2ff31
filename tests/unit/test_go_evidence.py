"""What says a Dockerfile ships Go, read from real Dockerfiles and context files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_goimage.build.go_evidence import go_evidence

ELF = Path(shutil.which("true") or "/bin/true")


@pytest.mark.parametrize(
    ("dockerfile", "build_args", "evidence"),
    [
        ('FROM alpine:3.22\nCOPY docs /srv\nCMD ["httpd", "-f"]\n', {}, ""),
        ("FROM golang:1.26 AS build\nFROM scratch\n", {}, "FROM golang:1.26 (line 1)"),
        (
            "ARG GO_IMAGE=golang:1.26-alpine\nFROM ${GO_IMAGE} AS build\nFROM scratch\n",
            {},
            "FROM golang:1.26-alpine (line 2)",
        ),
        (
            "ARG BASE=alpine:3.22\nFROM ${BASE}\n",
            {"BASE": "cgr.dev/chainguard/go:latest"},
            "FROM cgr.dev/chainguard/go:latest (line 2)",
        ),
        (
            "FROM alpine:3.22\nCOPY --from=golang:1.26 /usr/local/go /usr/local/go\n",
            {},
            "COPY --from=golang:1.26 (line 2)",
        ),
        (
            "FROM alpine:3.22\nRUN apk add go && go build -o /app .\n",
            {},
            "RUN apk add go && go build -o /app . (line 2)",
        ),
        (
            'FROM scratch\nCOPY bin/app /app\nENTRYPOINT ["/app"]\n',
            {},
            "COPY of the executable bin/app (line 2)",
        ),
        (
            "FROM scratch\nCOPY bin/ /usr/local/bin/\n",
            {},
            "COPY of the executable bin/app (line 2)",
        ),
        (
            "FROM scratch\nCOPY bin/* /usr/local/bin/\n",
            {},
            "COPY of the executable bin/app (line 2)",
        ),
        ("FROM scratch\nCOPY docs/ /srv/\n", {}, ""),
    ],
    ids=[
        "docs-image",
        "golang-stage",
        "golang-via-arg",
        "go-image-via-build-arg",
        "copy-goroot",
        "run-go-build",
        "copied-binary",
        "copied-folder",
        "copied-glob",
        "copied-text",
    ],
)
def test_go_evidence(
    tmp_path: Path, dockerfile: str, build_args: dict[str, str], evidence: str
) -> None:
    (tmp_path / "bin").mkdir()
    shutil.copyfile(ELF, tmp_path / "bin" / "app")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.html").write_text("<h1>docs</h1>\n")
    (tmp_path / "Dockerfile").write_text(dockerfile)
    assert go_evidence(tmp_path / "Dockerfile", tmp_path, build_args) == evidence
