"""Secret values the run makes itself (each MinIO's random secret key): masked in every output,
as the configuration's are, from the moment they exist.

A service that logs its configuration at start prints the secret key it was given through
`{minio.secret_key}`; the configuration holds only the placeholder, so the value is known only
here. Each process registers its own (an xdist worker masks its reports before shipping them).
"""

from __future__ import annotations

_values: set[str] = set()


def add_run_secret(value: str) -> None:
    """Mask `value` in every output of this process from now on."""
    if value:
        _values.add(value)


def run_secrets() -> frozenset[str]:
    """Every value registered so far."""
    return frozenset(_values)
