"""A service's log that shows it speaking TLS to MinIO or a dependency, which the run starts
serving plain HTTP: a client left on TLS (`STORAGE_USE_SSL = "true"`, an `https://` endpoint)
fails every request (trial 35A: the bucket was simply missing, with no word on why). Said only
where the refused address is one of theirs: a service's TLS to another host is not this."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

# Go's net/http, minio-go and the AWS SDK alike: `Put "https://minio:9000/assets/": http:
# server gave HTTP response to HTTPS client`.
_TLS_TO_PLAIN = re.compile(
    r'"https://([\w.-]+)(?::\d+)?[^"]*": http: server gave HTTP response to HTTPS client'
)
# A setting that turns TLS on: `STORAGE_USE_SSL`, `MINIO_SECURE`, `S3_TLS`, `USE_HTTPS`.
_TLS_SWITCH = re.compile(r"(?:^|_)(?:USE_)?(?:SSL|TLS|SECURE|HTTPS)(?:_|$)", re.IGNORECASE)
_ON = {"true", "1", "yes", "on", "t", "y"}


def plain_http_hint(logs: str, env: Mapping[str, str], aliases: Collection[str]) -> str:
    """The sentence for a log that shows a TLS request refused by one of `aliases` (MinIO's
    and the dependencies' names on the image's network), naming the [tool.goimage.env]
    settings of that client that turn TLS on; "" when the log shows no such thing."""
    known = {alias.lower() for alias in aliases}
    host = next(
        (m.group(1) for m in _TLS_TO_PLAIN.finditer(logs) if m.group(1).lower() in known), None
    )
    if host is None:
        return ""
    # The client's settings: those that share a prefix (`STORAGE_`) with a setting that
    # names the host, by placeholder (`{minio.endpoint}`) or by name.
    naming = [
        name
        for name, value in env.items()
        if f"{{{host.lower()}." in value.lower() or re.search(rf"\b{re.escape(host)}\b", value)
    ]
    prefixes = {name.split("_", 1)[0].upper() for name in naming}
    switches = [
        name
        for name, value in env.items()
        if _TLS_SWITCH.search(name)
        and value.lower() in _ON
        and name.split("_", 1)[0].upper() in prefixes
    ]
    endpoints = [name for name in naming if env[name].lower().startswith("https://")]
    if switches or endpoints:
        said = [f'{name} = "{env[name]}"' for name in switches] + [
            f"{name} (an https:// address)" for name in endpoints
        ]
        fix = (
            f'[tool.goimage.env] sets {", ".join(said)}: turn TLS off there ("false", an '
            "http:// address)."
        )
    else:
        fix = (
            "turn TLS off in the client settings [tool.goimage.env] passes (a `*_USE_SSL` or "
            "`*_SECURE` variable, an https:// endpoint), or in the image's own defaults."
        )
    return (
        f" Its log shows it speaking TLS to {host}, which serves plain HTTP on the image's "
        f"network (`server gave HTTP response to HTTPS client`): {fix}"
    )
