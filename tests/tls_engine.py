"""A second engine that speaks TLS, as GitLab's `docker:dind` service does: dockerd with
`--tlsverify --tlscacert --tlscert --tlskey` on tcp://ADDR:2376, clients holding a certificate
of its own CA. It is tests/second_engine.py's engine (namespace, veth, NAT, sweep of a killed
run's leftovers) with certificates that `openssl` makes in the engine's folder at start.

    with TlsEngine() as engine:
        env = {"DOCKER_HOST": engine.docker_host, "DOCKER_TLS_VERIFY": "1",
               "DOCKER_CERT_PATH": str(engine.cert_path)}
"""

from __future__ import annotations

import contextlib
import shlex
import subprocess
from pathlib import Path

import docker
import requests

from tests.second_engine import SecondEngine

TLS_PORT = 2376
_EC_KEY = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"  # fast to make


def _openssl(folder: Path, command: str) -> None:
    done = subprocess.run(
        ["openssl", *shlex.split(command)], cwd=folder, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"`openssl {command}` failed: {done.stderr.strip()}")


def make_certificates(folder: Path, address: str) -> None:
    """A CA, a server certificate for `address` (in `folder`/server) and a client one (in
    `folder`/client, named as DOCKER_CERT_PATH expects: ca.pem, cert.pem, key.pem)."""
    for part in ("server", "client"):
        (folder / part).mkdir(parents=True)
    _openssl(folder, f"req -x509 {_EC_KEY} -keyout ca-key.pem -out ca.pem -days 2 -subj /CN=ca")
    uses = {
        "server": f"subjectAltName=IP:{address}\nextendedKeyUsage=serverAuth\n",
        "client": "extendedKeyUsage=clientAuth\n",
    }
    for part, extensions in uses.items():
        (folder / part / "ext.cnf").write_text(extensions)
        _openssl(
            folder,
            f"req -new {_EC_KEY} -keyout {part}/key.pem -out {part}/csr.pem -subj /CN={part}",
        )
        _openssl(
            folder,
            f"x509 -req -in {part}/csr.pem -CA ca.pem -CAkey ca-key.pem -CAcreateserial "
            f"-days 2 -out {part}/cert.pem -extfile {part}/ext.cnf",
        )
        (folder / part / "ca.pem").write_bytes((folder / "ca.pem").read_bytes())


class TlsEngine(SecondEngine):
    """A SecondEngine on tcp://ADDR:2376 with `--tlsverify`; `cert_path` is the client's
    DOCKER_CERT_PATH. `client` talks to it over its unix socket, which needs no certificate."""

    @property
    def docker_host(self) -> str:
        return f"tcp://{self.address}:{TLS_PORT}"

    @property
    def cert_path(self) -> Path:
        return self.folder / "certs" / "client"

    def _listen_flags(self) -> str:
        certs = self.folder / "certs"
        make_certificates(certs, self.address)
        server = certs / "server"
        return (
            f"-H {self.docker_host} --tlsverify --tlscacert {server}/ca.pem "
            f"--tlscert {server}/cert.pem --tlskey {server}/key.pem"
        )

    def _pinged(self) -> bool:
        client = self.cert_path
        # verify= given: the test's own REQUESTS_CA_BUNDLE must not decide this ping.
        with contextlib.suppress(requests.RequestException):
            ping = requests.get(
                f"https://{self.address}:{TLS_PORT}/_ping",
                verify=str(client / "ca.pem"),
                cert=(str(client / "cert.pem"), str(client / "key.pem")),
                timeout=2,
            )
            return ping.status_code == 200
        return False

    def _new_client(self) -> docker.DockerClient:
        return docker.DockerClient(base_url=f"unix://{self.folder}/docker.sock", timeout=120)
