"""A docker-py client whose engine TLS settings win over REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE.

docker-py's APIClient is a requests.Session whose `verify` is the engine's CA (DOCKER_CERT_PATH's
ca.pem, or the docker context's), or False or None where the engine is not verified. requests
replaces a session's `verify` with REQUESTS_CA_BUNDLE (else CURL_CA_BUNDLE) on every request that
names none (psf/requests#3829), so on a machine that sets either (corporate CI does, for its
proxy's CA) the engine's certificate is checked against the wrong bundle and fails, where the
docker CLI connects. Only that setting is restored, on the engine's session alone: proxies and
the rest of the environment still apply, and other sessions (MinIO, health) are unchanged.
"""

from __future__ import annotations

from typing import Any

import docker


class EngineAPIClient(docker.APIClient):  # type: ignore[misc]  # docker-py has no types
    """docker-py's API client, verifying the engine as its TLS settings say."""

    def merge_environment_settings(
        self, url: Any, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> dict[str, Any]:
        settings: dict[str, Any] = super().merge_environment_settings(
            url, proxies, stream, verify, cert
        )
        # True is requests' default (no engine CA): the environment's bundle may stand in for
        # certifi's there, as the CLI would use the system's roots.
        if verify is None and self.verify is not True:
            settings["verify"] = self.verify
        return settings


class EngineClient(docker.DockerClient):  # type: ignore[misc]  # docker-py has no types
    """docker.DockerClient (and `EngineClient.from_env`) on an EngineAPIClient. Made at
    construction: docker-py asks the engine its API version before the constructor returns."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.api = EngineAPIClient(*args, **kwargs)
