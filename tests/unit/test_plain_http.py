"""A service whose log shows it speaking TLS to MinIO's (or a dependency's) plain HTTP: the
sentence names that client's settings in [tool.goimage.env] that turn TLS on (trial 35A: a
missing bucket, no word why); TLS to another host says nothing (review)."""

from __future__ import annotations

import pytest

from pytest_goimage.engine.plain_http import plain_http_hint

GO = (
    'storage: make bucket: Put "https://minio:9000/assets/": http: server gave HTTP response '
    "to HTTPS client"
)
ALIASES = ["minio", "cache"]
ENV = {
    "STORAGE_ENDPOINT": "{minio.endpoint}",
    "STORAGE_USE_SSL": "true",
    "STORAGE_SECRET_KEY": "{minio.secret_key}",
    "SMTP_USE_TLS": "true",  # another client's: not named
    "OIDC_ISSUER": "https://accounts.example.com",
}


def test_the_client_s_tls_switch_is_named_with_its_value() -> None:
    assert plain_http_hint(f"starting\n{GO}\n", ENV, ALIASES) == (
        " Its log shows it speaking TLS to minio, which serves plain HTTP on the image's network "
        "(`server gave HTTP response to HTTPS client`): [tool.goimage.env] sets "
        'STORAGE_USE_SSL = "true": turn TLS off there ("false", an http:// address).'
    )


def test_an_https_endpoint_to_a_dependency_is_named_without_its_value() -> None:
    env = {"CACHE_URL": "https://{cache.endpoint}/0", "S3_URL": "https://{minio.endpoint}"}
    log = 'cache: Get "https://cache:6379/": http: server gave HTTP response to HTTPS client'
    hint = plain_http_hint(log, env, ALIASES)
    assert hint == (
        " Its log shows it speaking TLS to cache, which serves plain HTTP on the image's network "
        "(`server gave HTTP response to HTTPS client`): [tool.goimage.env] sets CACHE_URL (an "
        'https:// address): turn TLS off there ("false", an http:// address).'
    )


def test_without_a_setting_to_name_the_hint_says_where_to_look() -> None:
    assert plain_http_hint(GO, {"SSLMODE": "true"}, ALIASES).endswith(
        "turn TLS off in the client settings [tool.goimage.env] passes (a `*_USE_SSL` or "
        "`*_SECURE` variable, an https:// endpoint), or in the image's own defaults."
    )


@pytest.mark.parametrize(
    "logs",
    [
        "storage: make bucket: The specified bucket does not exist",
        # TLS to a host the run does not serve: not MinIO's doing.
        'jwks: Get "https://auth.internal:8080/keys": http: server gave HTTP response to '
        "HTTPS client",
        "Error: write EPROTO ssl3_get_record:wrong version number",
    ],
)
def test_a_log_without_the_refusal_by_minio_or_a_dependency_gives_no_sentence(logs: str) -> None:
    assert plain_http_hint(logs, ENV, ALIASES) == ""
