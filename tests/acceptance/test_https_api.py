"""A service that serves its API over TLS itself, with a certificate of its own (a round 8
trial's gap: `health` waited its whole startup_timeout on "Client sent an HTTP request to an
HTTPS server" and offered no fix)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.acceptance.test_runtime_checks import configure_variant, service_config
from tests.conftest import outcomes

TLS_IMPORTS = """import (
\t"crypto/ecdsa"
\t"crypto/elliptic"
\t"crypto/rand"
\t"crypto/tls"
\t"crypto/x509"
\t"crypto/x509/pkix"
\t"math/big"
"""

# A self-signed certificate made at startup, as test and internal images often do.
SELF_SIGNED = """
func selfSigned() *tls.Config {
\tkey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
\tif err != nil {
\t\tpanic(err)
\t}
\tnow := time.Now()
\ttemplate := &x509.Certificate{
\t\tSerialNumber: big.NewInt(1),
\t\tSubject:      pkix.Name{CommonName: "localhost"},
\t\tDNSNames:     []string{"localhost"},
\t\tNotBefore:    now.Add(-time.Hour),
\t\tNotAfter:     now.Add(time.Hour),
\t}
\tder, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
\tif err != nil {
\t\tpanic(err)
\t}
\treturn &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
"""


def serve_tls(root: Path) -> None:
    """The example service serving HTTPS on its port, built by the faster variant Dockerfile."""
    main_go = root / "backend/cmd/api/main.go"
    source = main_go.read_text().replace("import (\n", TLS_IMPORTS, 1)
    source = source.replace(
        "\tln, err := net.Listen(", "\tsrv.TLSConfig = selfSigned()\n\tln, err := net.Listen(", 1
    )
    source = source.replace("srv.Serve(ln)", 'srv.ServeTLS(ln, "", "")', 1)
    main_go.write_text(source + SELF_SIGNED)
    configure_variant(root)


def test_scheme_https_polls_health_over_tls_and_the_fixture_gives_https(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy(service_config(extra='scheme = "https"'))
    serve_tls(root)
    pytester.makepyfile(
        test_api="""
        import requests

        def test_base_url(goimage_service):
            assert goimage_service.base_url.startswith("https://127.0.0.1:")
            answer = requests.get(goimage_service.base_url + "/health", verify=False, timeout=5)
            assert answer.status_code == 200
        """
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "health or base_url", "--goimage-report=report.json"
    )
    out = result.stdout.str()
    assert outcomes(result, short=True) == {"health": "PASSED"}, out
    assert "test_api.py::test_base_url[Dockerfile.variant] PASSED" in out, out
    report = json.loads((pytester.path / "report.json").read_text())
    message = report["images"][0]["checks"]["health"]["message"]
    assert re.match(r"GET /health on 8080 -> 200, \d+\.\d s after", message), message


@pytest.mark.parametrize(
    ("extra", "tls", "expected"),
    [
        (
            "",
            True,
            "the last answer was HTTP 400: Client sent an HTTP request to an HTTPS server. The "
            'service serves HTTPS on that port: set `scheme = "https"` in [tool.goimage] (its '
            "certificate is not verified: a test image's own will do).",
        ),
        (
            'scheme = "https"',
            False,
            "no answer: the TLS handshake failed: the port answers plain HTTP (remove "
            '`scheme = "https"` from [tool.goimage])',
        ),
    ],
    ids=["https-service-polled-over-http", "http-service-polled-over-https"],
)
def test_the_other_protocol_on_the_port_names_the_fix(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    no_leaks: None,
    extra: str,
    tls: bool,
    expected: str,
) -> None:
    root = example_copy(service_config(extra=extra))
    if tls:
        serve_tls(root)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    out = " ".join(result.stdout.str().split())
    assert outcomes(result, short=True) == {"health": "FAILED"}, out
    assert expected in out, out
