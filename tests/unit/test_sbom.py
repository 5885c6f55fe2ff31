"""The SBOM of a real Go binary (the example's service, built here by the host's Go): valid
CycloneDX 1.6, listing exactly the modules `go version -m` lists."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.gofacts.buildinfo import read_build_info
from pytest_goimage.report.sbom import sbom_json
from tests.conftest import EXAMPLE, go_version_modules

DIGEST = "sha256:" + "ab" * 32


@pytest.fixture(scope="module")
def example_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sbom") / "api"
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    subprocess.run(
        ["go", "build", "-o", str(out), "./backend/cmd/api"], cwd=EXAMPLE, env=env, check=True
    )
    return out


def test_sbom_validates_and_lists_what_go_version_m_lists(example_binary: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    info = read_build_info(example_binary.read_bytes())
    assert info is not None
    text = sbom_json(info, image_name="goimage/example:run", image_digest=DIGEST)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["specVersion"] == "1.6"
    assert bom["metadata"]["component"] == {
        "bom-ref": DIGEST,
        "name": "goimage/example",
        "type": "container",
        "version": DIGEST,
    }
    libraries = {(c["name"], c["version"]) for c in bom["components"] if c["type"] == "library"}
    expected = go_version_modules(example_binary)
    assert len(expected) > 10
    assert libraries == expected
    for component in bom["components"]:
        if component["type"] == "library":
            assert component["purl"] == f"pkg:golang/{component['name']}@{component['version']}"
            assert [h["alg"] for h in component["hashes"]] == ["SHA-256"]
    (main,) = [c for c in bom["components"] if c["type"] == "application"]
    assert main["name"] == "github.com/example/bookmark-sync"
    properties = {p["name"]: p["value"] for p in main["properties"]}
    assert properties["go:version"] == info.go_version
    assert properties["go:build:CGO_ENABLED"] == "0"


def test_a_secret_baked_in_by_the_linker_is_masked_in_the_sbom() -> None:
    """`-ldflags -X` with a token name: the value is in the binary, never in the SBOM."""
    from pytest_goimage.report.sbom import masked_setting

    ldflags = "-s -w -X main.version=1.2.3 -X github.com/acme/app/config.apiToken=abcd1234efgh"
    assert masked_setting(ldflags) == (
        "-s -w -X main.version=1.2.3 -X github.com/acme/app/config.apiToken=***"
    )
    assert masked_setting("-X=main.password=hunter22") == "-X=main.password=***"
    assert masked_setting("-trimpath") == "-trimpath"


def test_a_module_replaced_by_a_folder_is_named_after_the_module(tmp_path: Path) -> None:
    """`replace example.com/lib => ../lib`: Go links a folder, which has no version or purl a
    scanner could look up; the component says which module it stands in for."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "go.mod").write_text("module example.com/lib\n\ngo 1.26\n")
    (tmp_path / "lib" / "lib.go").write_text("package lib\n\nfunc V() int { return 1 }\n")
    app = tmp_path / "app"
    app.mkdir()
    (app / "go.mod").write_text(
        "module example.com/app\n\ngo 1.26\n\nrequire example.com/lib v0.1.0\n\n"
        "replace example.com/lib => ../lib\n"
    )
    (app / "main.go").write_text(
        'package main\n\nimport "example.com/lib"\n\nfunc main() { println(lib.V()) }\n'
    )
    env = {**os.environ, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    subprocess.run(["go", "build", "-o", "app", "."], cwd=app, env=env, check=True)
    info = read_build_info((app / "app").read_bytes())
    assert info is not None
    text = sbom_json(info, image_name="goimage/app:run", image_digest=DIGEST)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    (library,) = [c for c in json.loads(text)["components"] if c["type"] == "library"]
    assert library == {
        "bom-ref": "example.com/lib@directory:../lib",
        "name": "example.com/lib",
        "properties": [
            {"name": "go:replaced-by-directory", "value": "../lib"},
            {"name": "go:replaces", "value": "example.com/lib@v0.1.0"},
        ],
        "type": "library",
    }
