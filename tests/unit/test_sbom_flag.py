"""--goimage-sbom without an engine: the report's `sbom` field is optional and typed, the
terminal says which images got none, and a folder that cannot be made stops the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from pytest_goimage.report.json_report import build_report, load_schema
from pytest_goimage.report.records import CheckRecord, ImageRecord
from pytest_goimage.report.reporter import make_sbom_dir, sbom_note


def image(dockerfile: str, sbom: str | None) -> ImageRecord:
    return ImageRecord(
        dockerfile=dockerfile,
        context=".",
        image_id="sha256:" + "ab" * 32,
        sbom=sbom,
        checks={"build": CheckRecord("passed")},
    )


def test_report_links_each_image_sbom_and_null_without_one() -> None:
    report = build_report([image("Dockerfile", "sbom/dockerfile-1.cdx.json"), image("B", None)])
    assert [entry["sbom"] for entry in report["images"]] == ["sbom/dockerfile-1.cdx.json", None]
    Draft202012Validator(load_schema()).validate(report)


def test_schema_keeps_sbom_optional_for_reports_written_before_it() -> None:
    report = build_report([image("Dockerfile", None)])
    del report["images"][0]["sbom"]
    Draft202012Validator(load_schema()).validate(report)


def test_schema_rejects_an_sbom_that_is_not_a_path() -> None:
    report = build_report([image("Dockerfile", None)])
    report["images"][0]["sbom"] = 3
    found = [e.message for e in Draft202012Validator(load_schema()).iter_errors(report)]
    assert found == ["3 is not of type 'string', 'null'"]


def test_sbom_note_names_the_images_that_got_none_and_why() -> None:
    unbuilt = image("api/Dockerfile", None)
    unbuilt.image_id = None
    written = image("Dockerfile", "out/d.cdx.json")
    unwritable = image("Dockerfile.prod", None)
    unwritable.go_version = "go1.26.8"
    docs = image("docs/Dockerfile", None)
    text, warn = sbom_note([written, docs, unbuilt, unwritable], "out")
    assert text == (
        "goimage: SBOM (CycloneDX) of 1 image(s) written to out: Dockerfile; none for "
        "docs/Dockerfile (no Go build info in its binary, or no Go binary), api/Dockerfile "
        "(not built), Dockerfile.prod (out could not be written)"
    )
    assert warn is True


def test_sbom_note_for_every_image_written_is_no_warning() -> None:
    assert sbom_note([image("Dockerfile", "out/d.cdx.json")], "out") == (
        "goimage: SBOM (CycloneDX) of 1 image(s) written to out: Dockerfile",
        False,
    )


def test_sbom_folder_that_cannot_be_created_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    where = tmp_path / "file" / "sbom"
    with pytest.raises(pytest.UsageError) as raised:
        make_sbom_dir(str(where))
    assert str(raised.value) == (
        f"--goimage-sbom={where}: cannot create the folder (Not a directory); choose a folder "
        "this user can write."
    )
