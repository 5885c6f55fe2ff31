"""Vendor token formats (gofacts/credentials.py): a value in one is a secret whatever the
setting is called, is masked in every output, and fails the gate in ENV, a label or a
configuration file. Trial 14 shipped an OpenAI project key, an Anthropic key, a SendGrid key
and a Slack webhook URL under names the name rule does not know (LLM_CONFIG, NOTIFY_HOOK)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.credentials import value_kind
from pytest_goimage.gofacts.redaction import redact
from pytest_goimage.gofacts.secrets_scan import Finding, env_findings, file_finding

# Made-up keys in each vendor's published shape (prefix, lengths, alphabet).
_RUN = "Qm7vK2pX9rT4wB8nL3sD6fH1jG5cZ0yA"  # 32 mixed characters
TOKENS = [
    ("an OpenAI API key", "sk-proj-" + _RUN + "-" + _RUN[:20] + "_" + _RUN),
    ("an OpenAI API key", "sk-svcacct-" + _RUN + _RUN[:16]),
    ("an OpenAI API key", "sk-" + _RUN[:20] + "T3BlbkFJ" + _RUN[12:32]),
    ("an Anthropic API key", "sk-ant-api03-" + _RUN + _RUN + "-" + _RUN[:24] + "AA"),
    ("a SendGrid API key", "SG." + _RUN[:22] + "." + _RUN + _RUN[:11]),
    ("a Google OAuth client secret", "GOCSPX-" + _RUN[:28]),
    ("a Hugging Face token", "hf_" + "QmvKpXrTwBnLsDfHjGcZyAbCdEeFgHiJkL"),
    ("an npm token", "npm_" + _RUN + "a1B2"),
    ("a PyPI token", "pypi-AgEIcHlwaS5vcmc" + _RUN + _RUN),
    ("a Docker Hub token", "dckr_pat_" + _RUN[:27]),
    ("a DigitalOcean token", "dop_v1_" + "0123456789abcdef" * 4),
]
SLACK_HOOK = "https://hooks.slack.com/services/T04ABCD12EF/B05GHIJ34KL/" + _RUN[:24]


@pytest.mark.parametrize(("kind", "token"), TOKENS, ids=[t[:12] for _, t in TOKENS])
def test_a_vendor_token_is_known_by_its_format(kind: str, token: str) -> None:
    assert value_kind(token) == kind
    # Whatever its name: the name rule knows neither of these.
    assert [f.name for f in env_findings({"LLM_CONFIG": token, "NOTIFY": "on"})] == ["LLM_CONFIG"]
    assert redact(f"starting with key={token} now") == "starting with key=*** now"
    assert file_finding("srv/app/config.json", f'{{"llm": "{token}"}}'.encode()) == Finding(
        "file", "/srv/app/config.json", f"holds {kind}"
    )


def test_a_slack_webhook_url_is_a_secret_but_its_host_stays_readable() -> None:
    assert value_kind(SLACK_HOOK) == "a Slack webhook URL"
    assert redact(f"posting to {SLACK_HOOK}") == ("posting to https://hooks.slack.com/services/***")
    assert [f.name for f in env_findings({"NOTIFY_HOOK": SLACK_HOOK})] == ["NOTIFY_HOOK"]
    workflow = "https://hooks.slack.com/triggers/T04ABCD12EF/" + _RUN + "/" + _RUN[:8]
    assert redact(workflow) == "https://hooks.slack.com/triggers/***"


@pytest.mark.parametrize(
    "value",
    [
        # Slack's documented sample, in READMEs and example configs.
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "sk-proj-short",  # too short to be a key
        "sk-ant-api03-abc",
        "SG.too.short",
        "hf_token",
        "npm_install_timeout",
        "GOCSPX-",
        "dop_v1_notahexstring",
    ],
)
def test_a_near_miss_is_no_vendor_token(value: str) -> None:
    assert value_kind(value) is None
    assert file_finding("srv/app/config.json", f'{{"v": "{value}"}}'.encode()) is None
