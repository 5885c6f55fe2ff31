"""`secrets` on an OS package's own configuration: the failure names the package when the file is
as dpkg installed it, and `secrets_ignore` accepts it by path; the team's edit still fails."""

from __future__ import annotations

import pytest

from tests.conftest import go_app

# A package of the kind fail2ban is: its sample configuration names an auth setting, which the
# INI reader takes for a credential. Built and installed by the real dpkg, so the image holds
# dpkg's own status database with the conffiles' checksums.
SAMPLE = "[auth]\nuser = svc\npassword = Sample-Pw-55\n"
TEAM = "[auth]\nuser = orders\npassword = Team-Pw-66\n"
DOCKERFILE = """\
FROM goimage-standin/debian:bookworm AS deb
COPY pkg/ /pkg/
RUN dpkg-deb --build --root-owner-group /pkg /sampled.deb >/dev/null

FROM goimage-standin/debian:bookworm
COPY --from=deb /sampled.deb /tmp/sampled.deb
RUN dpkg -i /tmp/sampled.deb >/dev/null && rm /tmp/sampled.deb
COPY local.conf /etc/sampled/local.conf
COPY app /app/app
ENTRYPOINT ["/app/app"]
"""


@pytest.fixture
def packaged(pytester: pytest.Pytester) -> pytest.Pytester:
    root = pytester.path
    go_app(root)
    (root / "pkg" / "DEBIAN").mkdir(parents=True)
    (root / "pkg" / "DEBIAN" / "control").write_text(
        "Package: sampled\nVersion: 1.0\nArchitecture: all\n"
        "Maintainer: Sample Maintainers <sampled@example.org>\n"
        "Description: a daemon with a sample configuration\n"
    )
    (root / "pkg" / "DEBIAN" / "conffiles").write_text(
        "/etc/sampled/sampled.conf\n/etc/sampled/local.conf\n"
    )
    (root / "pkg" / "etc" / "sampled").mkdir(parents=True)
    (root / "pkg" / "etc" / "sampled" / "sampled.conf").write_text(SAMPLE)
    (root / "pkg" / "etc" / "sampled" / "local.conf").write_text(SAMPLE)
    (root / "local.conf").write_text(TEAM)  # the team's own settings over the package's
    (root / "Dockerfile").write_text(DOCKERFILE)
    (root / "pyproject.toml").write_text("[tool.goimage]\n")
    return pytester


def test_a_package_file_is_named_and_accepted_by_path(
    packaged: pytest.Pytester, no_leaks: None
) -> None:
    result = packaged.runpytest_subprocess("--goimage", "-k", "secrets")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert "ships 2 secret-looking value(s)" in flat, flat
    assert (
        "file /etc/sampled/sampled.conf: writes credentials in as values (`auth.password`); read "
        "them from the environment or a secret mounted at run time; it is the file as Debian "
        "package sampled ships it, unchanged: if it holds no secret of yours, add "
        '"/etc/sampled/sampled.conf" to secrets_ignore'
    ) in flat, flat
    # The team's edit of a package's conffile is the team's: no word of the package.
    assert (
        "file /etc/sampled/local.conf: writes credentials in as values (`auth.password`); read "
        "them from the environment or a secret mounted at run time"
    ) in flat, flat
    assert 'local.conf" to secrets_ignore' not in flat, flat
    assert "Sample-Pw-55" not in flat and "Team-Pw-66" not in flat

    (packaged.path / "pyproject.toml").write_text(
        '[tool.goimage]\nsecrets_ignore = ["/etc/sampled/sampled.conf"]\n'
    )
    again = packaged.runpytest_subprocess("--goimage", "-k", "secrets")
    again.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(again.stdout.str().split())
    assert "ships 1 secret-looking value(s)" in flat, flat
    assert "file /etc/sampled/local.conf: writes credentials" in flat, flat
    assert "secrets_ignore accepted 1 finding(s): file /etc/sampled/sampled.conf" in flat, flat


def test_a_package_database_that_cannot_be_read_leaves_the_findings_as_they_are(
    pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A status file that is a dangling link (a slimmed image that removed dpkg's data but kept
    the link): the finding stands without a package's name, and nothing breaks."""
    go_app(pytester.path)
    (pytester.path / "app.conf").write_text(TEAM)
    (pytester.path / "Dockerfile").write_text(
        "FROM alpine:3.22\nRUN mkdir -p /var/lib/dpkg && ln -s /gone /var/lib/dpkg/status\n"
        'COPY app.conf /etc/ordersvc/app.conf\nCOPY app /app/app\nENTRYPOINT ["/app/app"]\n'
    )
    (pytester.path / "pyproject.toml").write_text("[tool.goimage]\n")
    result = pytester.runpytest_subprocess("--goimage", "-k", "secrets")
    result.assert_outcomes(failed=1, deselected=11)
    flat = " ".join(result.stdout.str().split())
    assert "ships 1 secret-looking value(s)" in flat, flat
    assert (
        "file /etc/ordersvc/app.conf: writes credentials in as values (`auth.password`); read "
        "them from the environment or a secret mounted at run time"
    ) in flat, flat
    assert "ships it, unchanged" not in flat, flat
    assert "Traceback" not in flat and "INTERNALERROR" not in flat, flat
