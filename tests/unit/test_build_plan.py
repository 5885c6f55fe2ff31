"""What a run starts ahead of need (items.plan_of), read from the items pytest collects."""

from __future__ import annotations

import pytest

from pytest_goimage.items import plan_of

DOCKERFILES = ("Dockerfile", "Dockerfile.prod", "api/Dockerfile")


def collected(pytester: pytest.Pytester, *args: str) -> list[pytest.Item]:
    """The items a `pytest --collect-only ARGS` run keeps after -k and node ids."""
    recorder = pytester.inline_run("--collect-only", *args)
    items: list[pytest.Item] = recorder.getcalls("pytest_collection_finish")[0].session.items
    return items


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    for dockerfile in DOCKERFILES:
        path = pytester.path / dockerfile
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('FROM alpine:3.22\nCMD ["/app"]\n')
    (pytester.path / "go.mod").write_text("module example.com/x\n\ngo 1.26\n")
    (pytester.path / "pyproject.toml").write_text(
        f"[tool.goimage]\ndockerfiles = {list(DOCKERFILES)!r}\n".replace("'", '"')
    )
    return pytester


def test_parity_alone_starts_every_build(project: pytest.Pytester) -> None:
    # `-k parity` collects one item; it compares what all three images build, so all three
    # builds must start together, not one by one as parity asks for them.
    items = collected(project, "--goimage", "-k", "parity")
    assert [item.nodeid for item in items] == ["goimage::parity"]
    assert plan_of(items) == (list(DOCKERFILES), [])


def test_checks_of_one_image_build_only_that_image(project: pytest.Pytester) -> None:
    items = collected(project, "--goimage", "api/Dockerfile::static")
    assert [item.nodeid for item in items] == ["api/Dockerfile::static"]
    assert plan_of(items) == (["api/Dockerfile"], [])


def test_runtime_checks_plan_minio_in_item_order(project: pytest.Pytester) -> None:
    items = collected(project, "--goimage", "-k", "bucket or tracked")
    builds, runtimes = plan_of(items)
    # tracked needs no Docker: only the bucket items build, and they run beside MinIO.
    assert builds == list(DOCKERFILES) and runtimes == list(DOCKERFILES)
