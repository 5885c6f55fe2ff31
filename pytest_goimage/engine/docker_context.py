"""The docker CLI's current context, read from the folder the CLI reads it from.

docker-py looks for contexts beside the config.json it finds, and when `$DOCKER_CONFIG` holds
no config.json it falls back to `~/.docker`: a folder made by `docker --config DIR context
create` (which writes no config.json) is then missed, and `DOCKER_CONTEXT` names a context
"that does not exist". The CLI always uses `$DOCKER_CONFIG` (else `~/.docker`). The context's
meta.json and TLS files are read from there, into docker-py's own Context.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from docker.context import Context
from docker.tls import TLSConfig


def config_dir() -> Path:
    """`$DOCKER_CONFIG`, else `~/.docker`, as the CLI decides."""
    configured = os.environ.get("DOCKER_CONFIG")
    return Path(configured) if configured else Path.home() / ".docker"


def current_context_name() -> str:
    """`DOCKER_CONTEXT`, else config.json's `currentContext`, else "default"."""
    if os.environ.get("DOCKER_CONTEXT"):
        return os.environ["DOCKER_CONTEXT"]
    try:
        config = json.loads((config_dir() / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "default"
    name = config.get("currentContext") if isinstance(config, dict) else None
    return name if isinstance(name, str) and name else "default"


def load_context(name: str) -> Context | None:
    """The context `name` (None when there is none); ValueError for a corrupt meta.json."""
    contexts = config_dir() / "contexts"
    context_id = hashlib.sha256(name.encode()).hexdigest()
    meta_file = contexts / "meta" / context_id / "meta.json"
    if not meta_file.is_file():
        return None
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        endpoints = meta["Endpoints"]
        context = Context(meta["Name"], endpoints=endpoints)
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"corrupt {meta_file}: {exc}") from None
    tls = contexts / "tls" / context_id / "docker"
    files = {p.name.split(".")[0]: str(p) for p in tls.glob("*.pem")} if tls.is_dir() else {}
    if ("cert" in files) != ("key" in files):
        # The CLI refuses such a context; connecting without TLS would only end in "Client
        # sent an HTTP request to an HTTPS server".
        missing = "key.pem" if "cert" in files else "cert.pem"
        raise ValueError(
            f"context {name!r} has TLS material in {tls} without {missing}; create the context "
            "again with its ca, cert and key (`docker context create --docker "
            '"host=...,ca=...,cert=...,key=..."`)'
        )
    if files.keys() & {"ca", "cert"}:
        # As the CLI: a CA alone verifies the engine; cert and key identify this client.
        verify = not endpoints.get("docker", {}).get("SkipTLSVerify", False)
        context.tls_cfg["docker"] = TLSConfig(
            client_cert=(files["cert"], files["key"]) if "cert" in files else None,
            ca_cert=files.get("ca"),
            verify=verify or None,
        )
    return context
