"""A netrc entry passed as a build argument, the usual way a Dockerfile reaches private Go
modules (trial 20: `secrets` passed, and `-v` and the build log showed the password)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import shared_dir

NETRC_PASSWORD = "Tz8kq2LmW9-netrc"
NETRC = f"machine git.acme.io login ci password {NETRC_PASSWORD}"
# The argument's name says nothing secret: the value's netrc form is what makes it one.
DOCKERFILE = """\
FROM alpine:3.22 AS build
ARG GIT_AUTH
RUN echo "configured netrc: $GIT_AUTH" && echo {nonce} && echo "$GIT_AUTH" > /root/.netrc && rm /root/.netrc
RUN echo built > /out

FROM alpine:3.22
ARG GIT_AUTH
RUN echo "$GIT_AUTH" > /root/.netrc-tmp && rm /root/.netrc-tmp
COPY --from=build /out /out
"""


def test_a_netrc_password_in_a_build_argument_fails_secrets_and_is_masked(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = pytester.path
    (root / "go.mod").write_text("module example.com/netrc\n\ngo 1.26\n")
    # A step of its own each run, so that its output is in this run's build log.
    (root / "Dockerfile").write_text(DOCKERFILE.replace("{nonce}", uuid.uuid4().hex))
    (root / "pyproject.toml").write_text(
        f'[tool.goimage]\nbuild_args = {{ GIT_AUTH = "{NETRC}" }}\n'
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-k", "build or secrets", f"--goimage-report={root / 'report.json'}"
    )
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert (
        "build argument GIT_AUTH: value *** (54 characters) looks like a password in netrc "
        "form and is recorded in the image history" in out
    ), out
    # -v shows each step as BuildKit names it, and the build log holds the RUN's output.
    logs = [p for p in shared_dir(result).rglob("*.build.log")]
    assert logs, list(shared_dir(result).rglob("*"))
    texts = {"stdout": out, "report.json": (root / "report.json").read_text()}
    texts.update({str(p): p.read_text() for p in logs})
    assert "configured netrc: ***\n" in texts[str(logs[0])]
    assert [where for where, text in texts.items() if NETRC_PASSWORD in text] == []
