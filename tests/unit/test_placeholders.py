"""The one list of placeholder names, as configuration validates them and a service gets them."""

from __future__ import annotations

from pytest_goimage.config_keys import PLACEHOLDERS
from pytest_goimage.engine.minio_server import MinioServer
from pytest_goimage.engine.service import expand_env


def test_validated_placeholders_are_the_ones_a_service_gets() -> None:
    """Config validation and expansion name the same placeholders: none accepted and then
    undefined at service start, none usable but rejected as unknown."""
    for network in ("goimage-net", None):
        offered = MinioServer(image="minio", run_id="r", network=network).placeholders()
        assert sorted([*offered, "bucket"]) == sorted(PLACEHOLDERS)


def test_every_placeholder_in_the_list_is_filled_for_a_service() -> None:
    minio = MinioServer(image="minio", run_id="r", network="goimage-net")
    env = {name: "{" + name + "}" for name in PLACEHOLDERS}
    filled = expand_env(env, minio, "bookmarks")
    assert filled == {**minio.placeholders(), "bucket": "bookmarks"}
