"""A docker-py client whose engine TLS settings win over REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE,
and which gives up on a TCP engine that does not accept a connection within CONNECT_TIMEOUT.

docker-py's APIClient is a requests.Session whose `verify` is the engine's CA (DOCKER_CERT_PATH's
ca.pem, or the docker context's), or False or None where the engine is not verified. requests
replaces a session's `verify` with REQUESTS_CA_BUNDLE (else CURL_CA_BUNDLE) on every request that
names none (psf/requests#3829), so on a machine that sets either (corporate CI does, for its
proxy's CA) the engine's certificate is checked against the wrong bundle and fails, where the
docker CLI connects. Only that setting is restored, on the engine's session alone: proxies and
the rest of the environment still apply, and other sessions (MinIO, health) are unchanged.

docker-py uses one timeout for connecting and reading; the plugin's is 300 s, for builds whose
steps print nothing for minutes. An engine behind a firewall that drops the packets (a DOCKER_HOST
left from another network, a dind service that did not start) then holds the run for the kernel's
SYN retries, about 2 minutes per attempt, before any message. On tcp and https engines the first
requests (the API version, the ping) are bounded until the engine has answered; later ones keep
docker-py's timeout for reading and sending (urllib3 applies a request's connect timeout while
its body is sent: a build context to an engine that reads it late), while the connect itself is
bounded by engine_host_gone.py.
"""

from __future__ import annotations

from typing import Any

import docker
import requests.adapters

from .engine_host_gone import CONNECT_S, watch_host

# Seconds for a TCP engine to accept a connection; an engine that answers at all does so in
# well under a second, also across a VPN.
CONNECT_TIMEOUT = CONNECT_S


class EngineAPIClient(docker.APIClient):  # type: ignore[misc]  # docker-py has no types
    """docker-py's API client, verifying the engine as its TLS settings say."""

    # Until the engine has answered once (connection.connect sets it False).
    bound_connects = True

    def mount(self, prefix: str, adapter: Any) -> None:
        """requests' and docker-py's adapters for tcp and https engines, on connections that
        notice an engine host that goes away, also mid-build (engine_host_gone.py)."""
        if prefix in ("http://", "https://") and isinstance(adapter, requests.adapters.HTTPAdapter):
            watch_host(adapter)
        super().mount(prefix, adapter)

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

    def _set_request_timeout(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        kwargs = super()._set_request_timeout(kwargs)
        read = kwargs["timeout"]
        # requests' HTTPAdapter takes (connect, read); docker-py's unix and ssh adapters take
        # a number only, and their connections fail fast or are bounded by ssh itself.
        if (
            self.bound_connects
            and self.base_url.startswith(("http://", "https://"))
            and not isinstance(read, tuple)
        ):
            connect = CONNECT_TIMEOUT if read is None else min(CONNECT_TIMEOUT, read)
            kwargs["timeout"] = (connect, read)
        return kwargs


class EngineClient(docker.DockerClient):  # type: ignore[misc]  # docker-py has no types
    """docker.DockerClient (and `EngineClient.from_env`) on an EngineAPIClient. Made at
    construction: docker-py asks the engine its API version before the constructor returns."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.api = EngineAPIClient(*args, **kwargs)
