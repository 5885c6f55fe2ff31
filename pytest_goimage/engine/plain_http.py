"""A service's log that shows it speaking TLS to a server that answers plain HTTP: MinIO and
the dependencies the run starts serve plain HTTP, so a client left on TLS (`STORAGE_USE_SSL =
"true"`, an `https://` endpoint) fails every request (trial 35A: the bucket was simply
missing, with no word on why)."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Go's net/http (`http: server gave HTTP response to HTTPS client`, minio-go and the AWS SDK
# alike) and OpenSSL's words through Python, Node or libcurl (`wrong version number`).
_TLS_TO_PLAIN = re.compile(
    r"server gave HTTP response to HTTPS client|WRONG_VERSION_NUMBER|wrong version number"
)
# A setting that turns TLS on: `STORAGE_USE_SSL`, `MINIO_SECURE`, `S3_TLS`, `USE_HTTPS`.
_TLS_SWITCH = re.compile(r"(?:^|_)(?:USE_)?(?:SSL|TLS|SECURE|HTTPS)(?:_|$)", re.IGNORECASE)
_ON = {"true", "1", "yes", "on", "t", "y"}


def plain_http_hint(logs: str, env: Mapping[str, str]) -> str:
    """The sentence for a log that shows a TLS client refused by a plain-HTTP server, naming
    the [tool.goimage.env] settings that turn TLS on; "" when the log shows no such thing."""
    found = _TLS_TO_PLAIN.search(logs)
    if found is None:
        return ""
    switches = [
        name for name, value in env.items() if _TLS_SWITCH.search(name) and value.lower() in _ON
    ]
    endpoints = [name for name, value in env.items() if value.lower().startswith("https://")]
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
        f" Its log shows it speaking TLS to a server that answers plain HTTP (`{found.group()}`):"
        f" MinIO and the dependencies serve plain HTTP on the image's network; {fix}"
    )
