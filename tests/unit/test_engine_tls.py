"""The engine's session keeps its own TLS verification when REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE
is set, and everything else the environment gives (proxies) as requests merges it. The
acceptance test (tests/acceptance/test_tls_engine.py) connects to a real TLS engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from docker.tls import TLSConfig

from pytest_goimage.engine.engine_tls import EngineAPIClient, EngineClient

ENGINE = "https://192.0.2.10:2376/v1.41/_ping"  # TEST-NET-1: never contacted


@pytest.fixture
def bundles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A corporate CI's environment: both CA bundle variables and an HTTPS proxy."""
    bundle = tmp_path / "corporate.crt"
    bundle.write_text("bundle\n")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, str(bundle))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    return bundle


def _engine_client(tls: Any) -> EngineAPIClient:
    # An API version given: docker-py then asks the engine nothing at construction.
    return EngineAPIClient(base_url="tcp://192.0.2.10:2376", version="1.41", tls=tls)


def _settings(session: requests.Session, verify: Any = None) -> dict[str, Any]:
    # What Session.request passes to the adapter for a request that names `verify`.
    return dict(session.merge_environment_settings(ENGINE, {}, None, verify, None))


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_the_engines_ca_wins_over_a_ca_bundle_variable(
    bundles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("engine CA\n")
    for name in {"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"} - {variable}:
        monkeypatch.delenv(name)
    settings = _settings(_engine_client(TLSConfig(ca_cert=str(ca), verify=True)))
    assert settings["verify"] == str(ca)
    assert settings["proxies"]["https"] == "http://proxy.example:3128"


@pytest.mark.parametrize("verify", [False, None], ids=["tls without verify", "context skip"])
def test_an_engine_not_verified_stays_unverified(bundles: Path, verify: bool | None) -> None:
    """docker-py's TLSConfig(verify=False), and a docker context with SkipTLSVerify (None)."""
    settings = _settings(_engine_client(TLSConfig(verify=verify)))
    assert settings["verify"] is verify


def test_a_request_that_names_verify_and_other_sessions_are_as_requests_has_them(
    bundles: Path, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("engine CA\n")
    engine = _engine_client(TLSConfig(ca_cert=str(ca), verify=True))
    assert _settings(engine, verify=False)["verify"] is False
    assert _settings(engine, verify="/other.pem")["verify"] == "/other.pem"
    # No engine CA (TLS with requests' default roots): the environment's bundle stands in.
    assert _settings(_engine_client(True))["verify"] == str(bundles)
    # MinIO's and the health probe's sessions are plain requests ones: unchanged.
    plain = requests.Session()
    plain.verify = str(ca)
    assert _settings(plain)["verify"] == str(bundles)


def test_the_docker_client_uses_the_engine_api_client() -> None:
    client = EngineClient(base_url="tcp://192.0.2.10:2376", version="1.41")
    assert type(client.api) is EngineAPIClient
    assert client.containers.client is client
