"""xdist workers of a run without --goimage: they parse `[tool.goimage]` only when a test asks
for a fixture or a report has text to mask, and mask with its secret values."""

from __future__ import annotations

from pathlib import Path
from typing import cast
from xml.etree import ElementTree

import pytest

from tests.unit.test_idle_imports import RECORDER_PER_PROCESS

TOKEN = "ghp_" + "workerMaskedToken0123456789abcdefABCD"  # a GitHub token's format
PASSWORD = "worker-password-0f3a9c"  # secret by its name only


def go_project(pytester: pytest.Pytester) -> Path:
    pytester.makeconftest(RECORDER_PER_PROCESS)
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makepyprojecttoml(
        "[tool.goimage.build_args]\n"
        f'GITHUB_TOKEN = "{TOKEN}"\n'
        "[tool.goimage.env]\n"
        f'DB_PASSWORD = "{PASSWORD}"\n'
    )
    return pytester.path


def worker_modules(root: Path) -> list[str]:
    found = sorted(root.glob("loaded-gw*.txt"))
    assert [path.name for path in found] == ["loaded-gw0.txt"]
    return found[0].read_text().split()


def test_a_worker_masks_the_configured_secrets_in_a_failures_text(
    pytester: pytest.Pytester,
) -> None:
    root = go_project(pytester)
    pytester.makepyfile(
        test_unit=f"""
        def test_quiet():
            assert 2 + 2 == 4

        def test_shows_the_values():
            print("token {TOKEN} password {PASSWORD}")
            assert "{PASSWORD}" == "other"
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "-n", "1", "-rA", f"--junitxml={root / 'junit.xml'}"
    )
    result.assert_outcomes(passed=1, failed=1)
    outputs = result.stdout.str() + (root / "junit.xml").read_text()
    assert "token *** password ***" in result.stdout.str()
    assert TOKEN not in outputs and PASSWORD not in outputs
    modules = worker_modules(root)
    assert "pytest_goimage.report.masking" in modules  # the failure's text was masked


def test_a_worker_with_only_quiet_passing_tests_loads_no_masking(
    pytester: pytest.Pytester,
) -> None:
    root = go_project(pytester)
    pytester.makepyfile(test_unit="def test_quiet():\n    assert 3 * 3 == 9\n")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "1")
    result.assert_outcomes(passed=1)
    modules = worker_modules(root)
    assert "pytest_goimage.config" not in modules
    assert "pytest_goimage.report.masking" not in modules


def test_a_worker_parses_the_configuration_when_a_test_asks_for_it(
    pytester: pytest.Pytester,
) -> None:
    root = go_project(pytester)
    pytester.makepyfile(
        test_config="""
        def test_reads_it(goimage_config):
            assert [i.dockerfile for i in goimage_config.images] == ["Dockerfile"]

        def test_shows_a_value(goimage_config):
            assert goimage_config.images[0].env["DB_PASSWORD"] == "other"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "1")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "AssertionError: assert '***' == 'other'" in out, out
    assert PASSWORD not in out
    assert "pytest_goimage.config" in worker_modules(root)


def rotating_password_project(pytester: pytest.Pytester) -> None:
    """A Go project whose compose file reads DB_PASSWORD, which a conftest sets anew in each
    process, and whose env holds a token the controller hands over."""
    pytester.makeconftest(
        "import os\n"
        'process = os.environ.get("PYTEST_XDIST_WORKER", "controller")\n'
        'os.environ["DB_PASSWORD"] = f"per-process-pw-{process}-51c0"\n'
    )
    compose_project(pytester, f'[tool.goimage.env]\nAPI_TOKEN = "{TOKEN}"\n')


def compose_project(pytester: pytest.Pytester, more: str = "") -> None:
    """A Go project whose compose service `db` takes POSTGRES_PASSWORD from $DB_PASSWORD."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makefile(
        ".yml",
        compose="services:\n  db:\n    image: postgres:16\n"
        "    environment:\n      POSTGRES_PASSWORD: ${DB_PASSWORD}\n",
    )
    pytester.makepyprojecttoml(
        '[tool.goimage]\ncompose_file = "compose.yml"\ncompose_services = ["db"]\n' + more
    )


def test_a_worker_masks_the_values_of_its_own_later_parse_too(pytester: pytest.Pytester) -> None:
    """The worker parses when the fixture asks and reads its own process's values: here a
    conftest gives each process its own database password (compose reads it from the
    environment). The worker's value is masked."""
    rotating_password_project(pytester)
    pytester.makepyfile(
        test_db="""
        def test_db(goimage_config):
            env = goimage_config.images[0].dependencies[0].env
            print("db env:", env)
            assert env["POSTGRES_PASSWORD"] == "x"
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "1", "-rA")
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "db env: {'POSTGRES_PASSWORD': '***'}" in out, out
    assert "per-process-pw-" not in out


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["serial", "xdist"])
def test_an_xfail_reason_is_masked(pytester: pytest.Pytester, workers: list[str]) -> None:
    """`-rx` prints the reason given to pytest.xfail, which report.longrepr does not hold."""
    go_project(pytester)
    pytester.makepyfile(
        test_x=f"""
        import pytest

        def test_not_yet():
            pytest.xfail("blocked on token {TOKEN} and {PASSWORD}")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-rx", *workers)
    result.assert_outcomes(xfailed=1)
    result.stdout.fnmatch_lines(["XFAIL test_x.py::test_not_yet - blocked on token *** and ***"])
    assert TOKEN not in result.stdout.str() and PASSWORD not in result.stdout.str()


def test_values_masked_before_the_workers_parse_are_worked_out_again_after_it(
    pytester: pytest.Pytester,
) -> None:
    """A failure before any fixture parses for its masking; the fixture afterwards uses that
    parse, and the next failure masks its password too."""
    rotating_password_project(pytester)
    pytester.makepyfile(
        test_db="""
        def test_1_fails_first():
            assert "early" == "other"

        def test_2_db(goimage_config):
            print("db env:", goimage_config.images[0].dependencies[0].env)
            assert False
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-n", "1", "-rA")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "db env: {'POSTGRES_PASSWORD': '***'}" in out, out
    assert "per-process-pw-" not in out


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["serial", "xdist"])
def test_a_property_that_is_not_text_is_masked_as_junit_writes_it(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    """JUnit writes a user property with str(): a dict holding a secret is written as that
    text, masked; a property without one is written as it is."""
    root = go_project(pytester)
    pytester.makepyfile(
        test_props=f"""
        def test_records(record_property):
            record_property("credentials", {{"token": "{TOKEN}", "user": "ci"}})
            record_property("retries", [3, "ci"])
        """
    )
    junit = root / "junit.xml"
    result = pytester.runpytest_subprocess("-p", "no:randomly", f"--junitxml={junit}", *workers)
    result.assert_outcomes(passed=1)
    written = {
        prop.get("name"): prop.get("value") for prop in ElementTree.parse(junit).iter("property")
    }
    assert written == {"credentials": "{'token': '***', 'user': 'ci'}", "retries": "[3, 'ci']"}
    assert TOKEN not in junit.read_text()


def test_a_property_keeps_its_value_unless_its_text_holds_a_secret() -> None:
    from pytest_goimage.report.masking import _masked_property

    number = 12345678901
    assert _masked_property("size", number, {"secret-value"}) is number
    # str() of a dict escapes the newline: the secret is masked before, inside the dict.
    assert _masked_property("facts", {"key": "multi\nline-secret"}, {"multi\nline-secret"}) == (
        "{'key': '***'}"
    )


def test_a_check_s_names_stay_and_only_its_own_words_are_masked() -> None:
    """Trial 12: a test password `local` (or `secret`) turned `Dockerfile.localhost` into an
    image no configuration has (an INTERNALERROR) and the check `secrets` into `***s` (its
    report read "not run"). The names are the configuration's; a message holds values."""
    from pytest_goimage.report.masking import _masked_property

    secrets = {"local", "secret"}
    assert _masked_property("dockerfile", "Dockerfile.localhost", secrets) == (
        "Dockerfile.localhost"
    )
    assert _masked_property("check", "secrets", secrets) == "secrets"
    assert _masked_property("scope", "repository", secrets) == "repository"
    assert _masked_property("message", "/app: password local", secrets) == "/app: password ***"
    outcome = '["Dockerfile.localhost", "failed", "password local in /etc/app.env"]'
    assert _masked_property("image_outcome", outcome, secrets) == (
        '["Dockerfile.localhost", "failed", "password *** in /etc/app.env"]'
    )
    assert _masked_property("image_outcome", "not json, local", secrets) == "not json, ***"
    tag = "goimage/shop-dockerfile-localhost-a811e2:r1"
    assert _masked_property("image", tag, secrets) == tag
    assert _masked_property("sbom", "sbom/dockerfile-localhost.cdx.json", secrets) == (
        "sbom/dockerfile-localhost.cdx.json"
    )
    # A team's own test that records a property of the same name: masked as any.
    assert _masked_property("check", "local", secrets, ours=False) == "***"


def test_only_a_built_in_check_s_report_keeps_its_names() -> None:
    from pytest_goimage.report.masking import masked_report

    def report(*properties: tuple[str, object]) -> pytest.TestReport:
        made = pytest.TestReport("t::x", ("t", 1, "x"), {}, "passed", None, "call")
        made.user_properties = list(properties)
        return made

    config = cast(pytest.Config, None)  # a passed report needs no hooks
    ours = masked_report(
        config, report(("dockerfile", "Dockerfile.prod"), ("check", "size")), {"prod"}
    )
    assert ours.user_properties == [("dockerfile", "Dockerfile.prod"), ("check", "size")]
    team = masked_report(config, report(("dockerfile", "Dockerfile.prod")), {"prod"})
    assert team.user_properties == [("dockerfile", "Dockerfile.***")]


def test_live_logs_and_the_log_file_are_masked(pytester: pytest.Pytester) -> None:
    """pytest prints a live log record as it is emitted, before any report holds it, from a
    conftest's session start too; a log file a test opens later is masked as well. What the
    test itself reads through caplog stays unmasked (it is the test's own data)."""
    root = go_project(pytester)
    pytester.makeconftest(
        RECORDER_PER_PROCESS
        + f"""

import logging

def pytest_sessionstart(session):
    logging.getLogger("conftest").warning("session starts with {PASSWORD}")
"""
    )
    later = root / "later.log"
    pytester.makepyfile(
        test_logs=f"""
        import logging

        def test_logs(caplog, request):
            logging.getLogger("app").warning("connecting with token {TOKEN} and {PASSWORD}")
            assert "{TOKEN}" in caplog.text
            logging_plugin = request.config.pluginmanager.get_plugin("logging-plugin")
            logging_plugin.set_log_path({str(later)!r})
            logging.getLogger("app").warning("later with token {TOKEN}")
        """
    )
    log_file = root / "run.log"
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "--log-cli-level=INFO", f"--log-file={log_file}"
    )
    result.assert_outcomes(passed=1)
    out = result.stdout.str()
    assert "session starts with ***" in out, out
    assert "connecting with token *** and ***" in out, out
    assert "connecting with token *** and ***" in log_file.read_text()
    assert "later with token ***" in later.read_text()
    written = out + log_file.read_text() + later.read_text()
    assert TOKEN not in written and PASSWORD not in written


@pytest.mark.parametrize("workers", [[], ["-n", "1"]], ids=["serial", "xdist"])
def test_a_warnings_text_and_source_line_are_masked(
    pytester: pytest.Pytester, workers: list[str]
) -> None:
    """The warnings summary prints a warning's text and the line that raised it, apart from
    any test report."""
    go_project(pytester)
    pytester.makepyfile(
        test_warn=f"""
        import warnings

        def test_warns():
            warnings.warn(DeprecationWarning("left open with {TOKEN}"))
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", *workers)
    result.assert_outcomes(passed=1, warnings=1)
    out = result.stdout.str()
    assert "DeprecationWarning: left open with ***" in out, out
    assert 'warnings.warn(DeprecationWarning("left open with ***"))' in out, out
    assert TOKEN not in out


def test_live_logs_outside_a_go_project_are_left_as_they_are(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_logs=f"""
        import logging

        def test_logs():
            logging.getLogger("app").warning("not a Go project: {TOKEN}")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--log-cli-level=INFO")
    result.assert_outcomes(passed=1)
    assert f"not a Go project: {TOKEN}" in result.stdout.str()


def test_a_warning_class_of_any_make_is_masked_and_every_test_runs(
    pytester: pytest.Pytester,
) -> None:
    """Rebuilding a warning by its class's __init__ (copy.copy) crashed the run with an
    INTERNALERROR for a class whose __init__ takes other arguments."""
    go_project(pytester)
    pytester.makepyfile(
        test_warn=f"""
        import warnings

        class UnreachableWarning(UserWarning):
            def __init__(self, what, where):
                super().__init__(f"{{what}} at {{where}}")

        def test_warns():
            warnings.warn(UnreachableWarning("no answer", "{TOKEN}"))

        def test_after():
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=2, warnings=1)
    out = result.stdout.str()
    assert "UnreachableWarning: no answer at ***" in out, out
    assert TOKEN not in out and "INTERNALERROR" not in out


def test_a_multi_line_secret_in_auto_indented_live_and_captured_logs_is_masked(
    pytester: pytest.Pytester,
) -> None:
    """`--log-auto-indent` indents every line of a message after the first, so a multi-line
    value in the output is no longer the configured value. A key's lines are masked one by one
    (its runs of key material); a password of short lines only because its message is masked
    before pytest's formatter indents it, in the live log and in the failure's captured log."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.26\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"
    pytester.makepyprojecttoml(
        "[tool.goimage.env]\n"
        f'TLS_PRIVATE_KEY = "-----BEGIN KEY-----\\n{body}\\n-----END KEY-----"\n'
        'DB_PASSWORD = "pw12345\\nqz98765"\n'
    )
    pytester.makepyfile(
        test_logs="""
        import logging, tomllib

        def test_logs():
            with open("pyproject.toml", "rb") as file:
                env = tomllib.load(file)["tool"]["goimage"]["env"]
            logging.getLogger("app").warning("loaded %s", env["TLS_PRIVATE_KEY"])
            logging.getLogger("app").warning("password %s", env["DB_PASSWORD"])
            assert not "failing, its report holds the captured log"
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "no:randomly", "--log-cli-level=INFO", "--log-auto-indent=on"
    )
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "Captured log call" in out, out
    assert out.count("loaded ***") == 2, out  # the live log and the failure's captured log
    assert out.count("password ***") == 2, out
    assert not [text for text in (body, "pw12345", "qz98765") if text in out], out


def test_a_conftest_log_record_factory_still_works_when_a_message_is_masked(
    pytester: pytest.Pytester,
) -> None:
    """The masked copy of a record is not made through the record factory, which a conftest
    may have replaced with one that reads the record's name."""
    go_project(pytester)
    pytester.makeconftest(
        RECORDER_PER_PROCESS
        + """

import logging

_default = logging.getLogRecordFactory()

def _with_component(*args, **kwargs):
    record = _default(*args, **kwargs)
    record.component = record.name.split(".")[0]
    return record

logging.setLogRecordFactory(_with_component)
"""
    )
    pytester.makepyfile(
        test_logs=f"""
        import logging

        def test_logs():
            logging.getLogger("app.db").warning("connected with %s", "{PASSWORD}")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "--log-cli-level=INFO")
    result.assert_outcomes(passed=1)
    assert "connected with ***" in result.stdout.str()
    assert PASSWORD not in result.stdout.str()


def test_a_test_s_monkeypatched_environment_does_not_reach_the_configuration(
    pytester: pytest.Pytester,
) -> None:
    """A compose file reads the environment: the configuration is read at the start of the
    run, not later inside a test whose monkeypatch changed a variable (its real value would
    then go unmasked, and the fixtures would hold the placeholder)."""
    compose_project(pytester)
    pytester.makeconftest('import os\nos.environ.setdefault("DB_PASSWORD", "real-pw-7f3kq9Zx")\n')
    pytester.makepyfile(
        test_a="""
        import os

        def test_1_patches(monkeypatch):
            monkeypatch.setenv("DB_PASSWORD", "placeholder")
            print("patched")

        def test_2_shows_it(goimage_config):
            print("config:", goimage_config.images[0].dependencies[0].env)
            print("connecting with", os.environ["DB_PASSWORD"])
            assert False
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-rA")
    result.assert_outcomes(passed=1, failed=1)
    out = result.stdout.str()
    assert "real-pw-7f3kq9Zx" not in out
    assert "connecting with ***" in out
    assert "config: {'POSTGRES_PASSWORD': '***'}" in out
