"""Go string quoting as build settings use it: every expectation below is what Go 1.26.8's
strconv.Quote, strconv.Unquote and strconv.QuotedPrefix returned for the same input (a Go
program printed them once); where Go only says "invalid syntax", the table gives this
reader's own reason, which ends up in "The Go build info is malformed at line N: ..."."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.goquote import (
    QuoteError,
    decode,
    key_needs_quotes,
    quote,
    quoted_prefix,
    unquote,
    value_needs_quotes,
)


@pytest.mark.parametrize(
    ("raw", "quoted"),
    [
        (b"", '""'),
        (b"plain", '"plain"'),
        (b"\a\b\f\n\r\t\v", r'"\a\b\f\n\r\t\v"'),
        (b'\\"', r'"\\\""'),
        (b"\x00\x1f\x7f", r'"\x00\x1f\x7f"'),
        ("\u0080".encode(), r'"\u0080"'),
        ("\u00a0".encode(), r'"\u00a0"'),
        ("é".encode(), '"é"'),
        ("\uffff".encode(), r'"\uffff"'),
        ("\U00010000".encode(), '"\U00010000"'),
        ("\U000e0001".encode(), r'"\U000e0001"'),
        (b"\x80", r'"\x80"'),
        (b"\xff", r'"\xff"'),
        (b"a\xc3", r'"a\xc3"'),
        (b"\xed\xb4\x80", r'"\xed\xb4\x80"'),
        (b"`", '"`"'),
    ],
)
def test_quote_is_gos_strconv_quote(raw: bytes, quoted: str) -> None:
    assert quote(decode(raw)) == quoted


def test_a_lone_surrogate_that_is_no_escaped_byte_is_quoted_as_a_code_point() -> None:
    # Only U+DC80..U+DCFF stand for bytes that were not UTF-8; U+DD00 is one past them.
    assert quote("\udd00") == r'"\udd00"'


@pytest.mark.parametrize(
    ("literal", "raw"),
    [
        ('""', b""),
        ("``", b""),
        ("`a\rb`", b"ab"),
        ('`a"b`', b'a"b'),
        (r'"a\ab\bc\fd\ne\rf\tg\vh\\i\"j"', b'a\ab\bc\fd\ne\rf\tg\vh\\i"j'),
        (r'"\x41\x80\xff"', b"A\x80\xff"),
        (r'"<\x4a\xAB>"', b"<J\xab>"),
        (r'"\u00e9\U0001F600"', "é😀".encode()),
        (r'"<\u00E9>"', "<é>".encode()),
        (r'"\uD7FF"', "\ud7ff".encode()),
        (r'"\uE000"', "\ue000".encode()),
        (r'"\U0010FFFF"', "\U0010ffff".encode()),
        (r'"\101\377\000"', b"A\xff\x00"),
        (r'"<\101>"', b"<A>"),
        ('"é"', "é".encode()),
    ],
)
def test_unquote_is_gos_strconv_unquote(literal: str, raw: bytes) -> None:
    assert unquote(literal) == decode(raw)


def test_a_byte_that_is_not_utf8_inside_quotes_survives_unquoting() -> None:
    """Go's Unquote would turn the byte into U+FFFD; its BuildInfo.String never writes one
    there (strconv.Quote escapes it as \\xff), and this reader keeps the byte, as it keeps
    every byte of the blob that is not UTF-8."""
    assert unquote(decode(b'"a\xffb"')) == decode(b"a\xffb")


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ('"', "not a quoted string"),
        ("`", "not a quoted string"),
        ("x", "not a quoted string"),
        ("XabX", "not a quoted string"),
        ("'a'", "not a quoted string"),
        ("\"a'", "not a quoted string"),
        ("`a`b`", "backquote inside raw string"),
        ('"a"b"', "bad character in string"),
        ('"a\nb"', "bad character in string"),
        ('"a\\"', "dangling backslash"),
        (r'"\x4"', "bad hex escape"),
        (r'"\x4g"', "bad hex escape"),
        (r'"\xg4"', "bad hex escape"),
        (r'"\u00e"', "bad hex escape"),
        (r'"\U0011FFFF"', "escape is not a valid code point"),
        (r'"\U00110000"', "escape is not a valid code point"),
        (r'"\uD800"', "escape is not a valid code point"),
        (r'"\uDFFF"', "escape is not a valid code point"),
        (r'"\400"', "octal escape out of range"),
        (r'"\40"', "bad octal escape"),
        (r'"\408"', "bad octal escape"),
        (r'"\q"', "unknown escape"),
        (r'"\X41"', "unknown escape"),
        (r'"\'"', "unknown escape"),
    ],
)
def test_unquote_refuses_what_go_refuses_and_says_why(literal: str, reason: str) -> None:
    with pytest.raises(QuoteError) as refused:
        unquote(literal)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("text", "prefix"),
    [
        ("`raw`=x", "`raw`"),
        ("`a`=`b`", "`a`"),
        ("``", "``"),
        ("`a\nb`rest", "`a\nb`"),
        ('"a"=b', '"a"'),
        ('"a\\"b"=c', '"a\\"b"'),
        ('"a\\\\"=c', '"a\\\\"'),
        ('""', '""'),
    ],
)
def test_quoted_prefix_is_gos_strconv_quoted_prefix(text: str, prefix: str) -> None:
    assert quoted_prefix(text) == prefix


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("`raw", "unterminated raw string"),
        ('"a', "unterminated string"),
        ('"a\nb"', "unterminated string"),
        ('"a\\"', "unterminated string"),
    ],
)
def test_quoted_prefix_refuses_an_unterminated_string(text: str, reason: str) -> None:
    with pytest.raises(QuoteError) as refused:
        quoted_prefix(text)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("key", "needs"),
    [
        ("", True),
        ("k=v", True),
        ("a b", True),
        ("a\tb", True),
        ("a\rb", True),
        ("a\nb", True),
        ('a"b', True),
        ("a`b", True),
        ("-ldflags", False),
        ("GOAMD64", False),
    ],
)
def test_a_key_needs_quotes_when_empty_or_holding_a_separator(key: str, needs: bool) -> None:
    assert key_needs_quotes(key) is needs


@pytest.mark.parametrize(
    ("value", "needs"),
    [
        ("", False),
        ("a=b", False),
        ("a b", True),
        ("a\tb", True),
        ("a\rb", True),
        ("a\nb", True),
        ('a"b', True),
        ("a`b", True),
        ("-s -w", True),
        ("v1.2.3", False),
    ],
)
def test_a_value_needs_quotes_when_holding_a_space_or_quote(value: str, needs: bool) -> None:
    assert value_needs_quotes(value) is needs
