"""The masking's limits, each pinned where it turns (mutmut found them unpinned): how long a
value must be to be masked, which pieces of a URL's password are masked alone, how a quote and
a line break decide a shortened `head...tail`, and which names make a credential."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.credentials import is_finding, names_a_credential
from pytest_goimage.gofacts.redaction import masked_assignments, redact, secret_values

URL = "redis://:{}@cache:6379/0"


def _parts(password: str) -> frozenset[str]:
    """What is masked alone of a URL's password, less the whole URL (masked by its name)."""
    return secret_values({"CACHE_URL": URL.format(password)}) - {URL.format(password)}


def test_a_urls_password_is_masked_alone_from_8_characters_unless_all_lower_case() -> None:
    assert _parts("Ab3dEf7h") == {"Ab3dEf7h"}
    assert _parts("Abcdefgh") == {"Abcdefgh"}  # no digit needed for the whole password
    assert _parts("Ab3dEf7") == frozenset()  # 7: a word of ordinary text is that short
    assert _parts("abcdefghij") == frozenset()  # a word


@pytest.mark.parametrize(
    ("password", "pieces"),
    [
        # A piece a URL parser splits off at an unencoded `/` is masked from 4 characters
        # where it mixes letters with digits, of either case.
        ("Ab12/Xy2zQw9k", {"Ab12", "Xy2zQw9k"}),
        ("AB12/Xy2zQw9k", {"AB12", "Xy2zQw9k"}),
        ("ab12/Xy2zQw9k", {"ab12", "Xy2zQw9k"}),
        ("Ab1/Xy2zQw9k", {"Xy2zQw9k"}),  # 3 characters
        ("Abcd/Xy2zQw9k", {"Xy2zQw9k"}),  # a word
    ],
)
def test_the_pieces_of_a_password_with_a_slash(password: str, pieces: set[str]) -> None:
    assert _parts(password) == {password, *pieces}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("DB_PASSWORD=abc", "DB_PASSWORD=abc"),  # shorter than 4: would mask ordinary text
        ("DB_PASSWORD=Ab1x", "DB_PASSWORD=***"),
        ("DB_PASSWORD=Xyes", "DB_PASSWORD=***"),  # not a `yes` once an X is cut off
        ("DB_PASSWORD='true'", "DB_PASSWORD='true'"),  # a boolean, quoted
        ('DB_PASSWORD="Zq8-Lw3xRt"', 'DB_PASSWORD="***"'),
        ("DB_PASSWORD='Zq8-Lw3xRt'", "DB_PASSWORD='***'"),
        ("DB_PASSWORD=Xq8-Lw3xRt", "DB_PASSWORD=***"),
        ("-X main.apiKey=abc", "-X main.apiKey=abc"),
        ("-X main.apiKey=Ab1x", "-X main.apiKey=***"),
        ("-X 'main.passphrase=correct horse battery'", "-X 'main.passphrase=***'"),
        # A build argument's value is masked where BuildKit's history records it, spaces and
        # all, also where the command repeats it.
        ("|1 DB_PASSWORD=ab c /bin/sh -c make", "|1 DB_PASSWORD=*** /bin/sh -c make"),
        (
            "|1 DB_PASSWORD=correct horse /bin/sh -c echo DB_PASSWORD=correct horse",
            "|1 DB_PASSWORD=*** /bin/sh -c echo DB_PASSWORD=*** horse",
        ),
    ],
)
def test_an_assignment_is_masked_from_4_characters_its_quotes_kept(text: str, shown: str) -> None:
    assert redact(text) == shown


SECRET = "Zq8Lw3xABCDEFRt9AbZ"  # 19 characters; pytest shows `'Zq8Lw3x...Rt9AbZ'`


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("'Zq8Lw3x...Rt9AbZ'", "'***...***'"),
        ("'QZq8Lw3x...Rt9AbZQ'", "'Q***...***Q'"),  # the ends only, however long
        ("'see...Zq8Lw3x...Rt9AbZ'", "'see...***...***'"),  # cut at its last `...`
        ("'Zq8Lw...t9AbZ'", "'Zq8Lw...t9AbZ'"),  # 5 characters a side: a chance match
        # A quote earlier on the line is a repr's; one on an earlier line is not.
        ("x\n'Zq8Lw3x...Rt9AbZ", "x\n'***...***"),
        ("'x'\nplain Zq8Lw3x...Rt9AbZ", "'x'\nplain Zq8Lw3x...Rt9AbZ"),
        ("'a\nlog 'b\nplain Zq8Lw3x...Rt9AbZ", "'a\nlog 'b\nplain Zq8Lw3x...Rt9AbZ"),
        ("'Zq8Lw3x...Rt9AbZ\nZq8Lw3x...Rt9AbZ", "'***...***\nZq8Lw3x...Rt9AbZ"),
    ],
)
def test_a_shortened_secret_is_masked_at_its_ends_inside_a_quote(text: str, shown: str) -> None:
    assert redact(text, [SECRET]) == shown


def test_a_shortened_secret_of_12_characters_is_masked_and_of_11_not() -> None:
    assert redact("'Zq8Lw3...Rt9AbZ'", ["Zq8Lw3Rt9AbZ"]) == "'***...***'"
    assert redact("'Zq8Lw3...t9AbZ'", ["Zq8Lw3t9AbZ"]) == "'Zq8Lw3...t9AbZ'"


@pytest.mark.parametrize(
    ("name", "credential"),
    [
        ("GOAUTH", False),  # the go command's setting, not a credential
        ("ACCESS_TOKEN_EXPIRES_IN", False),
        ("SECRET_EXPIRES_IN", False),
        ("TOKEN_REFRESH_EXPIRES_IN", False),
        ("AUTHORIZATION_TTL", False),
        ("AUTHOR_TOKEN_TTL", False),
        ("AUTHOR_TOKEN", True),
        ("PROXY_AUTHORIZATION", True),
        ("AUTHORPASS", True),  # AUTHOR is no AUTH; what follows it is read on its own
    ],
)
def test_the_names_that_make_a_credential(name: str, credential: bool) -> None:
    assert names_a_credential(name) is credential


def test_a_whole_number_of_up_to_7_digits_under_a_quantity_is_a_count() -> None:
    assert not is_finding("MAX_TOKENS", "1234567")
    assert is_finding("MAX_TOKENS", "12345678")


def test_key_material_at_the_entropy_threshold_is_a_credential_under_a_settings_name() -> None:
    """Four characters four times and eight twice in 32: exactly 3.5 bits a character, which
    gitleaks' generic-api-key rule counts as random."""
    value = "aB3x" * 4 + "kLmN5pQ7" * 2
    assert is_finding("SESSION_SECRET_STORE", value)
    assert not is_finding("SESSION_SECRET_STORE", "aB3x" * 8)


def test_a_commands_assignments_are_masked_from_one_character_unless_told() -> None:
    """A command's own words (`PGPASSWORD=x psql`) are masked whatever the value's length; the
    run's outputs from MIN_SECRET on."""
    assert (
        masked_assignments("PGPASSWORD=x psql", lambda name, value: True) == "PGPASSWORD=*** psql"
    )
    assert (
        masked_assignments("PGPASSWORD=x psql", lambda name, value: True, 4) == "PGPASSWORD=x psql"
    )
