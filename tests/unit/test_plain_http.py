"""A service whose log shows it speaking TLS to MinIO's plain HTTP: the sentence names the
settings in [tool.goimage.env] that turn TLS on (trial 35A: a missing bucket, no word why)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.plain_http import plain_http_hint

GO = (
    'storage: make bucket: Put "https://minio:9000/assets/": http: server gave HTTP response '
    "to HTTPS client"
)


def test_a_tls_switch_in_env_is_named_with_its_value() -> None:
    env = {
        "STORAGE_ENDPOINT": "{minio.endpoint}",
        "STORAGE_USE_SSL": "true",
        "STORAGE_SECRET_KEY": "{minio.secret_key}",
    }
    assert plain_http_hint(f"starting\n{GO}\n", env) == (
        " Its log shows it speaking TLS to a server that answers plain HTTP (`server gave HTTP "
        "response to HTTPS client`): MinIO and the dependencies serve plain HTTP on the image's "
        'network; [tool.goimage.env] sets STORAGE_USE_SSL = "true": turn TLS off there '
        '("false", an http:// address).'
    )


def test_an_https_endpoint_is_named_without_its_value() -> None:
    env = {"S3_URL": "https://{minio.endpoint}", "MINIO_SECURE": "1", "LOG_TLS": "off"}
    hint = plain_http_hint("Error: write EPROTO ... ssl3_get_record:wrong version number", env)
    assert hint == (
        " Its log shows it speaking TLS to a server that answers plain HTTP (`wrong version "
        "number`): MinIO and the dependencies serve plain HTTP on the image's network; "
        '[tool.goimage.env] sets MINIO_SECURE = "1", S3_URL (an https:// address): turn TLS '
        'off there ("false", an http:// address).'
    )
    assert "{minio.endpoint}" not in hint


def test_without_a_setting_to_name_the_hint_says_where_to_look() -> None:
    assert plain_http_hint(GO, {"STORAGE_USE_SSL": "false", "SSLMODE": "true"}).endswith(
        "network; turn TLS off in the client settings [tool.goimage.env] passes (a `*_USE_SSL` "
        "or `*_SECURE` variable, an https:// endpoint), or in the image's own defaults."
    )


@pytest.mark.parametrize(
    "logs",
    [
        "storage: make bucket: The specified bucket does not exist",
        "listening on :8080 (tls: false)",
        "dial tcp: lookup minio: no such host",
    ],
)
def test_a_log_without_the_refusal_gives_no_sentence(logs: str) -> None:
    assert plain_http_hint(logs, {"STORAGE_USE_SSL": "true"}) == ""
